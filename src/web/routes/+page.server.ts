import type { ItemList, MyGroup } from '#lib/api-types.ts';
import { api } from '#lib/server/api.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  // After deleting an account the browser lands here, logged out: say that it is done.
  const accountDeleted = event.url.searchParams.get('account') === 'deleted';
  if (!event.locals.me) return { myGroups: null, accountDeleted };
  const result = await api<ItemList<MyGroup>>(event, 'GET', '/me/groups');
  // The home page still works when the list fails; the list is then left out.
  if (!result.ok) console.error('GET /me/groups failed', result.problem);
  return { myGroups: result.ok ? result.data.items : null, accountDeleted: false };
};
