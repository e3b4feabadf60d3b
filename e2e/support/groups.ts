import { expect, request, type APIRequestContext } from '@playwright/test';
import { BASE_URL } from './server.ts';
import { SIGNED_IN_STATE } from './session.ts';

/** Places with their coordinates, for groups that are found by distance. */
export const PLACES = {
  munich: { city: 'München', country: 'DE', latitude: 48.1374, longitude: 11.5755 },
  berlin: { city: 'Berlin', country: 'DE', latitude: 52.52, longitude: 13.405 },
  cologne: { city: 'Köln', country: 'DE', latitude: 50.9375, longitude: 6.9603 }
} as const;

/** An API client with the session of the account `signed-in.setup.ts` logged in; dispose it. */
export async function signedInApi(): Promise<APIRequestContext> {
  return request.newContext({ baseURL: BASE_URL, storageState: SIGNED_IN_STATE });
}

/**
 * Creates a group through the API (for tests that are not about the create page). `allowTaken`:
 * a "slug taken" 400 is fine too (fixtures several workers create).
 */
export async function postGroup(
  api: APIRequestContext,
  group: Record<string, unknown> & { slug: string; name: string },
  options: { allowTaken?: boolean } = {}
): Promise<void> {
  const created = await api.post('/api/v1/groups', {
    headers: { origin: BASE_URL },
    data: {
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open',
      ...group
    }
  });
  expect(options.allowTaken ? [201, 400] : [201], `create ${group.slug}`).toContain(
    created.status()
  );
  expect((await api.get(`/api/v1/groups/${group.slug}`)).status()).toBe(200);
}
