import type { CalendarFeed, EventList } from '#lib/api-types.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const [upcoming, past] = await Promise.all([
    api<EventList>(event, 'GET', '/me/events?when=upcoming&limit=50'),
    api<EventList>(event, 'GET', '/me/events?when=past&limit=10')
  ]);
  return { upcoming: unwrap(event, upcoming).items, past: unwrap(event, past).items };
};

export const actions: Actions = {
  /** A new personal feed address (the old one stops working); shown once. */
  createFeed: async (event) => {
    requireMe(event);
    const result = await api<CalendarFeed>(event, 'POST', '/me/calendar-feed');
    if (!result.ok) return failed(event, result, [], { form: 'feed' as const });
    return { form: 'feed' as const, url: result.data.url, webcal: result.data.webcal };
  },

  deleteFeed: async (event) => {
    requireMe(event);
    const result = await api(event, 'DELETE', '/me/calendar-feed');
    if (!result.ok) return failed(event, result, [], { form: 'feed' as const });
    return { form: 'feed' as const, off: true };
  }
};
