import { api } from '#lib/server/api.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const { locals } = event;
  // The header's badge: one indexed count per page view, only for people signed in.
  let unread: number | null = null;
  if (locals.me) {
    const result = await api<{ unread: number }>(event, 'GET', '/me/notifications/unread-count');
    if (result.ok) unread = result.data.unread;
  }
  return { lang: locals.lang, me: locals.me, timeZone: locals.timeZone, unread };
};
