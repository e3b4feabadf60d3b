import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { createVenue, getVenue, listVenues } from '../../../services/venue.service.ts';
import {
  expectMatrixCoversRoutes,
  itChecksMatrix,
  type Matrix,
  type MatrixEndpoint,
  type MatrixResponse
} from '../../../test/permission-matrix.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  PERSONA_MEMBERSHIPS,
  PERSONAS,
  type Persona,
  type PersonaUsers,
  sessionOf
} from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per persona in the order of PERSONAS. Reading follows `group.read` (404 to those who may not read
 * the group); writing needs `venue.manage` (organizers, owners, instance admins).
 */
const MATRIX: Matrix = {
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

/** A group where every persona holds its role, with one venue named `Original`. */
interface Fixture {
  slug: string;
  groupId: string;
  venueId: string;
}

const VENUE_ROUTE = /^\S+ \/api\/v1\/groups\/:slug\/venues(?:\/|$)/;

describeWithApp('venue permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t);
  });

  async function fixture(kind: GroupKindCase): Promise<Fixture> {
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

  /** The group's venues (archived too) and the fixture's one, to compare before and after. */
  async function snapshot(f: Fixture) {
    return {
      all: await listVenues(t.testDb.db, f.groupId, { includeArchived: true }),
      venue: await getVenue(t.testDb.db, f.groupId, f.venueId)
    };
  }

  /** The names of the group's venues (archived too), sorted. */
  const names = async (f: Fixture) =>
    (await listVenues(t.testDb.db, f.groupId, { includeArchived: true })).map((v) => v.name).sort();
  const archived = async (f: Fixture) =>
    (await getVenue(t.testDb.db, f.groupId, f.venueId))?.archived;
  /** What a reader gets is the venue, never more and never another group's. */
  const onlyTheVenue = (f: Fixture, res: MatrixResponse) => {
    const body = res.json();
    const ids = 'items' in body ? body.items.map((v: { id: string }) => v.id) : [body.id];
    expect(ids).toEqual([f.venueId]);
  };

  const ENDPOINTS: Record<string, MatrixEndpoint<Fixture, Persona>> = {
    'GET venues': {
      route: 'GET /api/v1/groups/:slug/venues',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/venues` }),
      check: onlyTheVenue
    },
    'GET venues with archived': {
      route: 'GET /api/v1/groups/:slug/venues',
      request: (f) => ({
        method: 'GET',
        url: `/api/v1/groups/${f.slug}/venues?includeArchived=true`
      }),
      check: onlyTheVenue
    },
    'GET venue': {
      route: 'GET /api/v1/groups/:slug/venues/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/venues/${f.venueId}` }),
      check: onlyTheVenue
    },
    'POST venue': {
      route: 'POST /api/v1/groups/:slug/venues',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/venues`,
        body: { name: 'Added', address: 'Side Street 2' }
      }),
      effect: async (f) => {
        expect(await names(f)).toEqual(['Added', 'Original']);
      }
    },
    'PATCH venue': {
      route: 'PATCH /api/v1/groups/:slug/venues/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/groups/${f.slug}/venues/${f.venueId}`,
        body: { name: 'Changed' }
      }),
      effect: async (f) => {
        expect(await names(f)).toEqual(['Changed']);
        expect(await archived(f)).toBe(false);
      }
    },
    'DELETE venue': {
      route: 'DELETE /api/v1/groups/:slug/venues/:id',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/groups/${f.slug}/venues/${f.venueId}` }),
      effect: async (f) => {
        expect(await names(f)).toEqual(['Original']);
        expect(await archived(f)).toBe(true);
      }
    }
  };

  it('covers every venue endpoint', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: VENUE_ROUTE, atLeast: 5 });
  });

  itChecksMatrix(MATRIX, ENDPOINTS, {
    app,
    columns: PERSONAS,
    fixture,
    snapshot,
    userOf: (p) => (p === 'anonymous' ? null : users[p].id),
    credentials: (p) => sessionOf(users, p)
  });
});
