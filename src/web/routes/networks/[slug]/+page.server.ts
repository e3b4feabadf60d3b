import type { NetworkPage } from '#lib/api-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const path = `/networks/${encodeURIComponent(event.params.slug)}` as const;
  // Chapters a visitor may not see are left out by the API.
  const { network, chapters } = unwrap(event, await api<NetworkPage>(event, 'GET', path));
  return { network, chapters };
};
