import type { Group, ItemList, Member } from '#lib/api-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const slug = encodeURIComponent(event.params.slug);
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  const tag = event.url.searchParams.get('tag')?.trim() ?? '';
  const search = new URLSearchParams();
  if (q) search.set('q', q);
  if (tag) search.set('tag', tag);
  const query = search.size > 0 ? `?${search.toString()}` : '';
  const [group, members] = await Promise.all([
    api<Group>(event, 'GET', `/groups/${slug}`),
    api<ItemList<Member>>(event, 'GET', `/groups/${slug}/members${query}`)
  ]);
  return { group: unwrap(event, group), members: unwrap(event, members).items, q, tag };
};
