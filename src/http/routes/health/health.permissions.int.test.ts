import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { dbBool } from '../../../db/values.ts';
import {
  expectMatrixCoversRoutes,
  itChecksMatrix,
  type Matrix,
  type MatrixEndpoint
} from '../../../test/permission-matrix.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  PERSONA_MEMBERSHIPS,
  PERSONAS,
  type PersonaUsers,
  sessionOf
} from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { buildQuietHistory, rollUpAll } from './health-test-support.ts';

/** The personas, and a read-only and a read-write API token of `organizer`. */
const COLUMNS = [...PERSONAS, 'read-token', 'write-token'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member host organizer owner admin banned read-token write-token
 *
 * The dashboard, its CSV, the gone-quiet list, messages and settings need `health.view` /
 * `health.outreach` (organizers, owners, admins) and a signed-in caller (401 anonymous); they are a
 * 404 to everyone else, members and hosts of the group included. A read-only token reads but never
 * writes (403). The public figures follow `group.read` once the group made them public (staff
 * always); the admin routes are a 404 to everyone but instance admins.
 */
const STAFF_READ = '401 404 404 404 404 200 200 200 404 200 200';
const MATRIX: Matrix = {
  'GET dashboard': [STAFF_READ, STAFF_READ, STAFF_READ],
  'GET dashboard CSV': [STAFF_READ, STAFF_READ, STAFF_READ],
  'GET quiet list': [STAFF_READ, STAFF_READ, STAFF_READ],
  'POST quiet message': [
    '401 404 404 404 404 201 201 201 404 403 201',
    '401 404 404 404 404 201 201 201 404 403 201',
    '401 404 404 404 404 201 201 201 404 403 201'
  ],
  'GET settings': [STAFF_READ, STAFF_READ, STAFF_READ],
  'PATCH settings': [
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200'
  ],
  'GET public figures (public)': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'GET public figures (not public)': [
    '404 404 404 404 404 200 200 200 404 200 200',
    '404 404 404 404 404 200 200 200 404 200 200',
    '404 404 404 404 404 200 200 200 404 200 200'
  ],
  'GET admin health': [
    '401 404 404 404 404 404 404 200 404 404 404',
    '401 404 404 404 404 404 404 200 404 404 404',
    '401 404 404 404 404 404 404 200 404 404 404'
  ],
  'GET admin health CSV': [
    '401 404 404 404 404 404 404 200 404 404 404',
    '401 404 404 404 404 404 404 200 404 404 404',
    '401 404 404 404 404 404 404 200 404 404 404'
  ],
  'POST admin rollup': [
    '401 404 404 404 404 404 404 200 404 403 404',
    '401 404 404 404 404 404 404 200 404 403 404',
    '401 404 404 404 404 404 404 200 404 403 404'
  ]
};

interface Fixture {
  slug: string;
  groupId: string;
  name: string;
  /** When the fixture was built (a rollup after it is a new one). */
  builtAt: string;
}

type Endpoint = MatrixEndpoint<Fixture, Column> & {
  /** The fixture needs the aggregates (the quiet member on the list). */
  rollup?: boolean;
  /** The group made its figures without names public. */
  publicFigures?: boolean;
};

const HEALTH_ROUTE = /^\S+ \/api\/v1\/(?:groups\/:slug\/health|admin\/health)(?:[/.]|$)/;

describeWithApp('health permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'quiet'>;
  let readToken: string;
  let writeToken: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['quiet']);
    readToken = await t.buildToken(users.organizer.id, 'read');
    writeToken = await t.buildToken(users.organizer.id, 'write');
  });

  function credentials(column: Column): { cookie?: string; token?: string } {
    if (column === 'read-token') return { token: readToken };
    if (column === 'write-token') return { token: writeToken };
    return sessionOf(users, column);
  }

  function userOf(column: Column): string | null {
    if (column === 'anonymous') return null;
    if (column === 'read-token' || column === 'write-token') return users.organizer.id;
    return users[column].id;
  }

  async function fixture(kind: GroupKindCase, endpoint: Endpoint): Promise<Fixture> {
    counter += 1;
    const db = t.testDb.db;
    const builtAt = new Date().toISOString();
    const group = await createGroup(db, users.owner.id, {
      slug: `health-matrix-${counter}`,
      name: `Health matrix ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, [
      ...PERSONA_MEMBERSHIPS,
      ['quiet', 'member', 'active']
    ]);
    if (endpoint.publicFigures) {
      await db.kysely
        .updateTable('groups')
        .set({ health_public: dbBool(db, true) })
        .where('id', '=', group.id)
        .execute();
    }
    if (endpoint.rollup) {
      await buildQuietHistory(db, group.id, {
        hostId: users.owner.id,
        regulars: [users.quiet.id, users.member.id],
        active: [users.member.id]
      });
      await rollUpAll(db);
    }
    return { slug: group.slug, groupId: group.id, name: group.name, builtAt };
  }

  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    return {
      outreach: await k
        .selectFrom('health_outreach')
        .select(['user_id', 'sent_by', 'subject'])
        .where('group_id', '=', f.groupId)
        .orderBy('id')
        .execute(),
      audit: await k
        .selectFrom('audit_entries')
        .select(['action', 'actor_id', 'subject_user_id'])
        .where('group_id', '=', f.groupId)
        .orderBy('id')
        .execute(),
      settings: await k
        .selectFrom('groups')
        .select(['health_public', 'health_window_days', 'health_quiet_days'])
        .where('id', '=', f.groupId)
        .executeTakeFirst(),
      rolledUpAt: (
        await k
          .selectFrom('health_state')
          .select('value')
          .where('key', '=', 'rolled_up_at')
          .executeTakeFirst()
      )?.value
    };
  }

  const csvCheck = (name: RegExp) => (_f: Fixture, res: { headers: Record<string, unknown> }) => {
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(String(res.headers['content-disposition'])).toMatch(name);
  };

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET dashboard': {
      route: 'GET /api/v1/groups/:slug/health',
      rollup: true,
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/health` }),
      check: (f, res) => {
        expect(res.json()).toMatchObject({ groupId: f.groupId, quiet: { count: 1 } });
      }
    },
    'GET dashboard CSV': {
      route: 'GET /api/v1/groups/:slug/health.csv',
      rollup: true,
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/health.csv?table=quiet` }),
      check: (f, res) => {
        csvCheck(new RegExp(`filename="${f.slug}-health-quiet-`))(f, res);
        const lines = res.body.split('\r\n');
        expect(lines).toHaveLength(3);
        expect(lines[1]).toMatch(/^quiet,/);
      }
    },
    'GET quiet list': {
      route: 'GET /api/v1/groups/:slug/health/quiet',
      rollup: true,
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/health/quiet` }),
      check: (_f, res) => {
        const items = res.json<{ items: { userId: string }[] }>().items;
        expect(items.map((i) => i.userId)).toEqual([users.quiet.id]);
      }
    },
    'POST quiet message': {
      route: 'POST /api/v1/groups/:slug/health/quiet/:userId/message',
      rollup: true,
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/health/quiet/${users.quiet.id}/message`,
        body: { subject: 'Hello again', body: 'We miss you.' }
      }),
      effect: async (f, userId) => {
        expect((await snapshot(f)).outreach).toEqual([
          { user_id: users.quiet.id, sent_by: userId, subject: 'Hello again' }
        ]);
        const sender = await t.testDb.db.kysely
          .selectFrom('users')
          .select('email')
          .where('id', '=', userId)
          .executeTakeFirstOrThrow();
        expect(t.queue.lastMail(users.quiet.email, 'health-outreach')).toMatchObject({
          replyTo: sender.email,
          params: { groupName: f.name, body: 'We miss you.' }
        });
      }
    },
    'GET settings': {
      route: 'GET /api/v1/groups/:slug/health/settings',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/health/settings` }),
      check: (_f, res) => {
        expect(res.json()).toEqual({ public: false, windowDays: 180, quietDays: 90 });
      }
    },
    'PATCH settings': {
      route: 'PATCH /api/v1/groups/:slug/health/settings',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/groups/${f.slug}/health/settings`,
        body: { public: true, quietDays: 60 }
      }),
      check: (_f, res) => {
        expect(res.json()).toEqual({ public: true, windowDays: 180, quietDays: 60 });
      },
      effect: async (f, userId) => {
        const s = await snapshot(f);
        expect(s.settings?.health_quiet_days).toBe(60);
        expect(s.audit).toContainEqual({
          action: 'health.settings',
          actor_id: userId,
          subject_user_id: null
        });
      }
    },
    'GET public figures (public)': {
      route: 'GET /api/v1/groups/:slug/health/public',
      publicFigures: true,
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/health/public` }),
      check: (f, res) => {
        expect(res.json()).toMatchObject({ groupId: f.groupId });
        expect(res.json()).not.toHaveProperty('participation');
      }
    },
    'GET public figures (not public)': {
      route: 'GET /api/v1/groups/:slug/health/public',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/health/public` }),
      check: (f, res) => {
        expect(res.json()).toMatchObject({ groupId: f.groupId });
      }
    },
    'GET admin health': {
      route: 'GET /api/v1/admin/health',
      request: () => ({ method: 'GET', url: '/api/v1/admin/health' }),
      check: (_f, res) => {
        expect(res.json<{ weeks: unknown[] }>().weeks).toHaveLength(12);
      }
    },
    'GET admin health CSV': {
      route: 'GET /api/v1/admin/health.csv',
      request: () => ({ method: 'GET', url: '/api/v1/admin/health.csv' }),
      check: csvCheck(/filename="instance-health-\d{4}-\d{2}-\d{2}\.csv"/)
    },
    'POST admin rollup': {
      route: 'POST /api/v1/admin/health/rollup',
      request: () => ({ method: 'POST', url: '/api/v1/admin/health/rollup' }),
      effect: async (f) => {
        const at = (await snapshot(f)).rolledUpAt;
        expect(at && new Date(at).toISOString() >= f.builtAt, `${at} after ${f.builtAt}`).toBe(
          true
        );
      }
    }
  };

  it('has a matrix row for every health endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: HEALTH_ROUTE, atLeast: 10 });
  });

  itChecksMatrix(
    MATRIX,
    ENDPOINTS,
    {
      app,
      columns: COLUMNS,
      fixture: (kind, endpoint) => fixture(kind, endpoint),
      snapshot,
      userOf,
      credentials
    },
    240_000
  );
});
