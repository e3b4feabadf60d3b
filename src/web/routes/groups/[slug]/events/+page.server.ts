import type { EventList } from '#lib/api-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import { groupPath, loadGroup } from '#lib/server/meetings.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const when = event.url.searchParams.get('when') === 'past' ? 'past' : 'upcoming';
  const cursor = event.url.searchParams.get('cursor');
  const search = new URLSearchParams({ when, limit: '20' });
  if (cursor) search.set('cursor', cursor);
  const group = await loadGroup(event);
  const list = unwrap(
    event,
    await api<EventList>(event, 'GET', `${groupPath(group.slug)}/events?${search.toString()}`)
  );
  const next = list.nextCursor
    ? `?${new URLSearchParams({ when, cursor: list.nextCursor }).toString()}`
    : null;
  return { group, when, items: list.items, next };
};
