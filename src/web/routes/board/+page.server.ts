import type { PostList } from '#lib/board-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const cursor = event.url.searchParams.get('cursor');
  const search = new URLSearchParams({ limit: '30' });
  if (cursor) search.set('cursor', cursor);
  const list = unwrap(event, await api<PostList>(event, 'GET', `/me/board?${search.toString()}`));
  return {
    posts: list.items,
    next: list.nextCursor ? `?${new URLSearchParams({ cursor: list.nextCursor }).toString()}` : null
  };
};
