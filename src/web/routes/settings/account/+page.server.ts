import { redirect } from '@sveltejs/kit';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

interface DeletionBlockers {
  ownedGroups: { slug: string; name: string }[];
  lastAdmin: boolean;
}

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const blockers = await api<DeletionBlockers>(event, 'GET', '/me/deletion');
  return { blockers: unwrap(event, blockers) };
};

export const actions: Actions = {
  password: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const revokeOtherSessions = form.get('revokeOtherSessions') === 'on';
    const result = await api(event, 'POST', '/me/password', {
      currentPassword: text(form, 'currentPassword'),
      newPassword: text(form, 'newPassword'),
      revokeOtherSessions
    });
    if (!result.ok) {
      return failed(event, result, ['currentPassword', 'newPassword'], {
        form: 'password' as const,
        revokeOtherSessions
      });
    }
    return { form: 'password' as const, revokeOtherSessions, done: true };
  },

  email: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const newEmail = text(form, 'newEmail').trim();
    const result = await api(event, 'POST', '/me/email', { newEmail });
    if (!result.ok)
      return failed(event, result, ['newEmail'], { form: 'email' as const, newEmail });
    return { form: 'email' as const, newEmail, done: true };
  },

  delete: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const content = text(form, 'content');
    // The API ends the session and clears its cookie; handleFetch passes that on to the browser.
    const result = await api(event, 'DELETE', '/me', { password: text(form, 'password'), content });
    if (!result.ok)
      return failed(event, result, ['password', 'content'], { form: 'delete' as const, content });
    redirect(303, '/?account=deleted');
  }
};
