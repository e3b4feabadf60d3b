import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireAdmin } from '#lib/server/admin.ts';
import type { Actions, PageServerLoad } from './$types';

export interface InstanceSettings {
  groupCreation: 'anyone' | 'admins';
  registration: 'open' | 'invitation' | 'closed';
}

export const load: PageServerLoad = async (event) => {
  requireAdmin(event);
  return { settings: unwrap(event, await api<InstanceSettings>(event, 'GET', '/admin/settings')) };
};

export const actions: Actions = {
  save: async (event) => {
    requireAdmin(event);
    const form = await event.request.formData();
    const result = await api(event, 'PATCH', '/admin/settings', {
      groupCreation: text(form, 'groupCreation'),
      registration: text(form, 'registration')
    });
    if (!result.ok) {
      return failed(event, result, ['groupCreation', 'registration'], { form: 'save' as const });
    }
    return { form: 'save' as const, done: true };
  },

  testMail: async (event) => {
    requireAdmin(event);
    const result = await api<{ to: string }>(event, 'POST', '/admin/test-mail');
    if (!result.ok) return failed(event, result, [], { form: 'testMail' as const });
    return { form: 'testMail' as const, done: true, to: result.data.to };
  }
};
