import type { NotificationPage } from '#lib/notification-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const unreadOnly = event.url.searchParams.get('unread') === 'true';
  const cursor = event.url.searchParams.get('cursor');
  const query = new URLSearchParams();
  if (unreadOnly) query.set('unread', 'true');
  if (cursor) query.set('cursor', cursor);
  const page = unwrap(
    event,
    await api<NotificationPage>(event, 'GET', `/me/notifications?${query.toString()}`)
  );
  return { notifications: page.items, nextCursor: page.nextCursor, unreadOnly };
};

export const actions: Actions = {
  read: async (event) => {
    requireMe(event);
    const id = text(await event.request.formData(), 'id');
    const result = await api(event, 'POST', `/me/notifications/${encodeURIComponent(id)}/read`);
    if (!result.ok) return failed(event, result, [], { form: 'read' as const });
    return { form: 'read' as const, done: true };
  },

  readAll: async (event) => {
    requireMe(event);
    const result = await api(event, 'POST', '/me/notifications/read-all');
    if (!result.ok) return failed(event, result, [], { form: 'readAll' as const });
    return { form: 'readAll' as const, done: true };
  }
};
