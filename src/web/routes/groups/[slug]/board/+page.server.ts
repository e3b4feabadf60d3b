import { isPostKind, boardPath, type PostList } from '#lib/board-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import { loadGroup } from '#lib/server/meetings.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const group = await loadGroup(event);
  const given = event.url.searchParams.get('kind');
  const kind = isPostKind(given) ? given : null;
  const cursor = event.url.searchParams.get('cursor');
  const search = new URLSearchParams({ limit: '30' });
  if (kind) search.set('kind', kind);
  if (cursor) search.set('cursor', cursor);
  const list = unwrap(
    event,
    await api<PostList>(event, 'GET', `${boardPath(group.slug)}?${search.toString()}`)
  );
  const keep: Record<string, string> = kind ? { kind } : {};
  return {
    group,
    kind,
    posts: list.items,
    next: list.nextCursor
      ? `?${new URLSearchParams({ ...keep, cursor: list.nextCursor }).toString()}`
      : null,
    canPost: group.viewer.status === 'active',
    removed: event.url.searchParams.has('removed')
  };
};
