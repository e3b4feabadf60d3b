import type { PublicProfile } from '#lib/report-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const person = unwrap(
    event,
    await api<PublicProfile>(event, 'GET', `/people/${encodeURIComponent(event.params.handle)}`)
  );
  return { person };
};
