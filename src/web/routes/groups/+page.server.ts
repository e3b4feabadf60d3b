import type { GroupPage } from '#lib/api-types.ts';
import { api, toFormErrors } from '#lib/server/api.ts';
import { groupQueryString, readGroupQuery } from '#lib/server/group-search.ts';
import type { PageServerLoad } from './$types';

const FIELDS = [
  'q',
  'tags',
  'kind',
  'online',
  'city',
  'lat',
  'lng',
  'radiusKm',
  'sort',
  'cursor'
] as const;

export const load: PageServerLoad = async (event) => {
  const query = readGroupQuery(event.url.searchParams);
  const cursor = event.url.searchParams.get('cursor');
  const search = groupQueryString(query, cursor);
  const result = await api<GroupPage>(event, 'GET', `/groups${search ? `?${search}` : ''}`);
  if (!result.ok) {
    if (result.status >= 500) console.error('group search failed', result.problem);
    return {
      query,
      items: [],
      nextHref: null,
      place: null,
      errors: toFormErrors(result.problem, FIELDS)
    };
  }
  const next = result.data.nextCursor;
  return {
    query,
    items: result.data.items,
    nextHref: next ? `/groups?${groupQueryString(query, next)}` : null,
    // Which place the typed city was taken to mean (there are several Frankfurts).
    place: result.data.place ?? null,
    errors: null
  };
};
