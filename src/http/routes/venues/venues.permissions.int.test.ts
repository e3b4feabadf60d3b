import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { createVenue, getVenue, listVenues } from '../../../services/venue.service.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  KINDS,
  PERSONA_MEMBERSHIPS,
  PERSONAS,
  type PersonaUsers,
  sessionOf
} from '../../../test/personas.ts';
import { describeWithApp, type RequestOptions, type TestApp } from '../../../test/test-app.ts';

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per persona in the order of PERSONAS. Reading follows `group.read` (404 to those who may not read
 * the group); writing needs `venue.manage` (organizers, owners, instance admins).
 */
const MATRIX: Record<string, [string, string, string]> = {
  'GET venues': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'GET venues with archived': [
    '401 403 403 403 403 200 200 200 404',
    '404 404 404 403 403 200 200 200 404',
    '404 404 404 403 403 200 200 200 404'
  ],
  'GET venue': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'POST venue': [
    '401 403 403 403 403 201 201 201 403',
    '401 403 403 403 403 201 201 201 404',
    '401 404 403 403 403 201 201 201 404'
  ],
  'PATCH venue': [
    '401 403 403 403 403 200 200 200 403',
    '401 403 403 403 403 200 200 200 404',
    '401 404 403 403 403 200 200 200 404'
  ],
  'DELETE venue': [
    '401 403 403 403 403 204 204 204 403',
    '401 403 403 403 403 204 204 204 404',
    '401 404 403 403 403 204 204 204 404'
  ]
};

describeWithApp('venue permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t);
  });

  /** A fresh group where every persona holds its role, with one venue. */
  async function freshGroup(
    kind: GroupKindCase
  ): Promise<{ slug: string; groupId: string; venueId: string }> {
    counter += 1;
    const group = await createGroup(t.testDb.db, users.owner.id, {
      slug: `venue-matrix-${counter}`,
      name: `Venue matrix ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, PERSONA_MEMBERSHIPS);
    const venue = await createVenue(t.testDb.db, group.id, users.owner.id, {
      name: 'Original',
      address: 'Main Street 1'
    });
    return { slug: group.slug, groupId: group.id, venueId: venue.id };
  }

  const requests: Record<
    string,
    (g: { slug: string; venueId: string }) => Omit<RequestOptions, 'cookie'>
  > = {
    'GET venues': (g) => ({ method: 'GET', url: `/api/v1/groups/${g.slug}/venues` }),
    'GET venues with archived': (g) => ({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}/venues?includeArchived=true`
    }),
    'GET venue': (g) => ({ method: 'GET', url: `/api/v1/groups/${g.slug}/venues/${g.venueId}` }),
    'POST venue': (g) => ({
      method: 'POST',
      url: `/api/v1/groups/${g.slug}/venues`,
      body: { name: 'Added', address: 'Side Street 2' }
    }),
    'PATCH venue': (g) => ({
      method: 'PATCH',
      url: `/api/v1/groups/${g.slug}/venues/${g.venueId}`,
      body: { name: 'Changed' }
    }),
    'DELETE venue': (g) => ({
      method: 'DELETE',
      url: `/api/v1/groups/${g.slug}/venues/${g.venueId}`
    })
  };

  /** What the group's venues must look like afterwards: changed when allowed, untouched when not. */
  async function expectEffect(
    endpoint: string,
    g: { groupId: string; venueId: string },
    allowed: boolean,
    label: string
  ): Promise<void> {
    const all = await listVenues(t.testDb.db, g.groupId, { includeArchived: true });
    const venue = await getVenue(t.testDb.db, g.groupId, g.venueId);
    const names = all.map((v) => v.name).sort();
    switch (endpoint) {
      case 'POST venue':
        expect(names, label).toEqual(allowed ? ['Added', 'Original'] : ['Original']);
        return;
      case 'PATCH venue':
        expect(names, label).toEqual([allowed ? 'Changed' : 'Original']);
        expect(venue?.archived, label).toBe(false);
        return;
      case 'DELETE venue':
        expect(names, label).toEqual(['Original']);
        expect(venue?.archived, label).toBe(allowed);
        return;
      default:
        expect(names, label).toEqual(['Original']); // reading changes nothing
        expect(venue?.archived, label).toBe(false);
    }
  }

  it('covers every venue endpoint', () => {
    expect(Object.keys(requests).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [endpoint, rows] of Object.entries(MATRIX)) {
    it(`${endpoint}: allows and denies exactly as the matrix says`, async () => {
      const actual: string[] = [];
      for (const kind of KINDS) {
        const statuses: number[] = [];
        for (const persona of PERSONAS) {
          const g = await freshGroup(kind); // each call on its own group: writes do not leak
          const req = requests[endpoint]?.(g);
          if (!req) throw new Error(endpoint);
          const res = await t.request({ ...req, ...sessionOf(users, persona) });
          const label = `${endpoint} ${kind.visibility} ${persona}`;
          if (res.statusCode >= 500) throw new Error(`${label}: ${res.body}`);
          if (res.statusCode >= 400) {
            expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
          } else if (req.method === 'GET') {
            // What a reader gets is the venue, never more and never another group's.
            const body = res.json();
            const ids = 'items' in body ? body.items.map((v: { id: string }) => v.id) : [body.id];
            expect(ids, label).toEqual([g.venueId]);
          }
          await expectEffect(endpoint, g, res.statusCode < 400, label);
          statuses.push(res.statusCode);
        }
        actual.push(statuses.join(' '));
      }
      expect(actual).toEqual(rows);
    });
  }
});
