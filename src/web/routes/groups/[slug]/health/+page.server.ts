import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { groupPath, loadGroup, notFound, numberInput } from '#lib/server/meetings.ts';
import {
  HEALTH_SETTINGS_FIELDS,
  type GroupHealth,
  type HealthSettings,
  type PublicHealth
} from '#lib/health-types.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const group = await loadGroup(event);
  const path = `${groupPath(group.slug)}/health` as const;
  // Organizers get the dashboard; everyone else the public figures, when the group made them
  // public, else no such page (the API answers 404 to both).
  const staff = event.locals.me ? await api<GroupHealth>(event, 'GET', path) : null;
  if (staff?.ok) return { group, view: 'staff' as const, health: staff.data, open: null };
  const open = await api<PublicHealth>(event, 'GET', `${path}/public`);
  if (!open.ok) notFound(event);
  return { group, view: 'public' as const, health: null, open: open.data };
};

export const actions: Actions = {
  settings: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const values = {
      public: form.get('public') === 'on',
      windowDays: text(form, 'windowDays'),
      quietDays: text(form, 'quietDays')
    };
    const result = await api<HealthSettings>(
      event,
      'PATCH',
      `${groupPath(event.params.slug)}/health/settings`,
      {
        public: values.public,
        windowDays: numberInput(values.windowDays, undefined),
        quietDays: numberInput(values.quietDays, undefined)
      }
    );
    if (!result.ok) {
      return failed(event, result, HEALTH_SETTINGS_FIELDS, { form: 'settings' as const, values });
    }
    return { form: 'settings' as const, saved: result.data };
  }
};
