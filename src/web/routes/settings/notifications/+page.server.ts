import {
  FIXED_KINDS,
  NOTIFICATION_KINDS,
  type NotificationPreferences
} from '#lib/notification-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const preferences = unwrap(
    event,
    await api<NotificationPreferences>(event, 'GET', '/me/notification-preferences')
  );
  return { preferences };
};

export const actions: Actions = {
  save: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    // Only what the form holds; the API checks each value.
    const body: Record<string, string> = {};
    for (const kind of NOTIFICATION_KINDS) {
      if (FIXED_KINDS.includes(kind)) continue;
      const channel = text(form, kind);
      if (channel) body[kind] = channel;
    }
    const result = await api<NotificationPreferences>(
      event,
      'PUT',
      '/me/notification-preferences',
      body
    );
    if (!result.ok) return failed(event, result, NOTIFICATION_KINDS, { values: body });
    return { saved: true, preferences: result.data };
  }
};
