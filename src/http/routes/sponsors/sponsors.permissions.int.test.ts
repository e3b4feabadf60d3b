import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { createSponsor, getSponsor, listSponsors } from '../../../services/sponsor.service.ts';
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
 * the group); writing needs `sponsor.manage` (organizers, owners, instance admins).
 */
const MATRIX: Matrix = {
  'GET sponsors': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'GET sponsors with archived': [
    '401 403 403 403 403 200 200 200 404',
    '404 404 404 403 403 200 200 200 404',
    '404 404 404 403 403 200 200 200 404'
  ],
  'GET sponsor': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'POST sponsor': [
    '401 403 403 403 403 201 201 201 403',
    '401 403 403 403 403 201 201 201 404',
    '401 404 403 403 403 201 201 201 404'
  ],
  'PATCH sponsor': [
    '401 403 403 403 403 200 200 200 403',
    '401 403 403 403 403 200 200 200 404',
    '401 404 403 403 403 200 200 200 404'
  ],
  'DELETE sponsor': [
    '401 403 403 403 403 204 204 204 403',
    '401 403 403 403 403 204 204 204 404',
    '401 404 403 403 403 204 204 204 404'
  ]
};

/** A group where every persona holds its role, with one sponsor named `Original`. */
interface Fixture {
  slug: string;
  groupId: string;
  sponsorId: string;
}

const SPONSOR_ROUTE = /^\S+ \/api\/v1\/groups\/:slug\/sponsors(?:\/|$)/;

describeWithApp('sponsor permission matrix', (app) => {
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
      slug: `sponsor-matrix-${counter}`,
      name: `Sponsor matrix ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, PERSONA_MEMBERSHIPS);
    const sponsor = await createSponsor(t.testDb.db, group.id, users.owner.id, {
      name: 'Original',
      contributions: ['food']
    });
    return { slug: group.slug, groupId: group.id, sponsorId: sponsor.id };
  }

  /** The group's sponsors (archived too) and the fixture's one, to compare before and after. */
  async function snapshot(f: Fixture) {
    return {
      all: await listSponsors(t.testDb.db, f.groupId, { includeArchived: true }),
      sponsor: await getSponsor(t.testDb.db, f.groupId, f.sponsorId)
    };
  }

  /** The names of the group's sponsors (archived too), sorted. */
  const names = async (f: Fixture) =>
    (await listSponsors(t.testDb.db, f.groupId, { includeArchived: true }))
      .map((v) => v.name)
      .sort();
  const archived = async (f: Fixture) =>
    (await getSponsor(t.testDb.db, f.groupId, f.sponsorId))?.archived;
  /** What a reader gets is the sponsor, never more and never another group's. */
  const onlyTheSponsor = (f: Fixture, res: MatrixResponse) => {
    const body = res.json();
    const ids = 'items' in body ? body.items.map((v: { id: string }) => v.id) : [body.id];
    expect(ids).toEqual([f.sponsorId]);
  };

  const ENDPOINTS: Record<string, MatrixEndpoint<Fixture, Persona>> = {
    'GET sponsors': {
      route: 'GET /api/v1/groups/:slug/sponsors',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/sponsors` }),
      check: onlyTheSponsor
    },
    'GET sponsors with archived': {
      route: 'GET /api/v1/groups/:slug/sponsors',
      request: (f) => ({
        method: 'GET',
        url: `/api/v1/groups/${f.slug}/sponsors?includeArchived=true`
      }),
      check: onlyTheSponsor
    },
    'GET sponsor': {
      route: 'GET /api/v1/groups/:slug/sponsors/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/sponsors/${f.sponsorId}` }),
      check: onlyTheSponsor
    },
    'POST sponsor': {
      route: 'POST /api/v1/groups/:slug/sponsors',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/sponsors`,
        body: { name: 'Added', contributions: ['room'] }
      }),
      effect: async (f) => {
        expect(await names(f)).toEqual(['Added', 'Original']);
      }
    },
    'PATCH sponsor': {
      route: 'PATCH /api/v1/groups/:slug/sponsors/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/groups/${f.slug}/sponsors/${f.sponsorId}`,
        body: { name: 'Changed' }
      }),
      effect: async (f) => {
        expect(await names(f)).toEqual(['Changed']);
        expect(await archived(f)).toBe(false);
      }
    },
    'DELETE sponsor': {
      route: 'DELETE /api/v1/groups/:slug/sponsors/:id',
      request: (f) => ({
        method: 'DELETE',
        url: `/api/v1/groups/${f.slug}/sponsors/${f.sponsorId}`
      }),
      effect: async (f) => {
        expect(await names(f)).toEqual(['Original']);
        expect(await archived(f)).toBe(true);
      }
    }
  };

  it('covers every sponsor endpoint', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: SPONSOR_ROUTE, atLeast: 5 });
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
