import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { createWebhook } from '../../../services/webhook/webhook.service.ts';
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

/** The personas, and a read-only and a read-write API token of `organizer`. */
const COLUMNS = [...PERSONAS, 'read-token', 'write-token'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member host organizer owner admin banned read-token write-token
 *
 * Everything needs `webhook.manage` (organizers, owners, admins) and a signed-in caller (401
 * anonymous). The group's list and create answer like other group actions: 403 to those who may
 * see the group, 404 to those who may not (hidden groups; banned people outside public groups). A
 * webhook itself is private: 404 to everyone who may not manage it. A read-only token reads but
 * never writes (403).
 */
const MATRIX: Matrix = {
  'GET group webhooks': [
    '401 403 403 403 403 200 200 200 403 200 200',
    '401 403 403 403 403 200 200 200 404 200 200',
    '401 404 403 403 403 200 200 200 404 200 200'
  ],
  'POST group webhook': [
    '401 403 403 403 403 201 201 201 403 403 201',
    '401 403 403 403 403 201 201 201 404 403 201',
    '401 404 403 403 403 201 201 201 404 403 201'
  ],
  'GET webhook': [
    '401 404 404 404 404 200 200 200 404 200 200',
    '401 404 404 404 404 200 200 200 404 200 200',
    '401 404 404 404 404 200 200 200 404 200 200'
  ],
  'PATCH webhook': [
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200'
  ],
  'DELETE webhook': [
    '401 404 404 404 404 204 204 204 404 403 204',
    '401 404 404 404 404 204 204 204 404 403 204',
    '401 404 404 404 404 204 204 204 404 403 204'
  ],
  'POST test webhook': [
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200'
  ],
  'POST enable webhook': [
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200'
  ],
  'POST rotate secret': [
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200',
    '401 404 404 404 404 200 200 200 404 403 200'
  ],
  'GET deliveries': [
    '401 404 404 404 404 200 200 200 404 200 200',
    '401 404 404 404 404 200 200 200 404 200 200',
    '401 404 404 404 404 200 200 200 404 200 200'
  ]
};

interface Fixture {
  slug: string;
  groupId: string;
  /** A disabled webhook with one failed delivery. */
  webhookId: string;
  secret: string;
}

type Endpoint = MatrixEndpoint<Fixture, Column>;

const WEBHOOK_ROUTE = /^\S+ \/api\/v1\/(?:webhooks|groups\/:slug\/webhooks)(?:[/.]|$)/;
/** Nothing listens there, and the safe fetch refuses loopback before connecting anyway. */
const HOOK_URL = 'http://127.0.0.1:9/hook';

describeWithApp('webhook permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers;
  let readToken: string;
  let writeToken: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t);
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

  async function fixture(kind: GroupKindCase): Promise<Fixture> {
    counter += 1;
    const db = t.testDb.db;
    const group = await createGroup(db, users.owner.id, {
      slug: `hook-matrix-${counter}`,
      name: `Hook matrix ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, PERSONA_MEMBERSHIPS);
    const { webhook, secret } = await createWebhook(db, group.id, users.owner.id, {
      url: HOOK_URL,
      events: ['member.joined'],
      format: 'guildhall'
    });
    const at = new Date().toISOString();
    await db.kysely
      .updateTable('webhooks')
      .set({ status: 'disabled', failure_count: 10, disabled_at: at })
      .where('id', '=', webhook.id)
      .execute();
    await db.kysely
      .insertInto('webhook_deliveries')
      .values({
        id: `d-${webhook.id}`,
        webhook_id: webhook.id,
        activity_id: null,
        kind: 'webhook.test',
        body: '{}',
        status: 'failed',
        attempts: 1,
        next_attempt_at: null,
        last_status_code: 500,
        last_error: 'bad_status: HTTP 500',
        created_at: at,
        updated_at: at
      })
      .execute();
    return { slug: group.slug, groupId: group.id, webhookId: webhook.id, secret };
  }

  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    const webhooks = await k
      .selectFrom('webhooks')
      .selectAll()
      .where('group_id', '=', f.groupId)
      .orderBy('id')
      .execute();
    return {
      webhooks,
      deliveries: await k
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('webhook_id', 'in', [...webhooks.map((w) => w.id), '-'])
        .orderBy('id')
        .execute()
    };
  }

  const hookRow = (id: string) =>
    t.testDb.db.kysely.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET group webhooks': {
      route: 'GET /api/v1/groups/:slug/webhooks',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/webhooks` }),
      check: (f, res) => {
        const items = res.json<{ items: Record<string, unknown>[] }>().items;
        expect(items.map((w) => w.id)).toEqual([f.webhookId]);
        expect(items[0]).not.toHaveProperty('secret');
      }
    },
    'POST group webhook': {
      route: 'POST /api/v1/groups/:slug/webhooks',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/webhooks`,
        body: { url: 'https://hooks.example.com/new', events: ['post.created'], format: 'chat' }
      }),
      check: (_f, res) => {
        expect(res.json<{ secret: string }>().secret).toMatch(/^whsec_/);
      },
      effect: async (f, userId) => {
        const row = await t.testDb.db.kysely
          .selectFrom('webhooks')
          .select(['format', 'created_by', 'status'])
          .where('group_id', '=', f.groupId)
          .where('url', '=', 'https://hooks.example.com/new')
          .executeTakeFirst();
        expect(row).toEqual({ format: 'chat', created_by: userId, status: 'active' });
      }
    },
    'GET webhook': {
      route: 'GET /api/v1/webhooks/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/webhooks/${f.webhookId}` }),
      check: (f, res) => {
        const body = res.json<Record<string, unknown>>();
        expect(body).toMatchObject({ id: f.webhookId, status: 'disabled', url: HOOK_URL });
        expect(body).not.toHaveProperty('secret');
      }
    },
    'PATCH webhook': {
      route: 'PATCH /api/v1/webhooks/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/webhooks/${f.webhookId}`,
        body: { url: 'https://hooks.example.com/changed' }
      }),
      effect: async (f) => {
        expect((await hookRow(f.webhookId))?.url).toBe('https://hooks.example.com/changed');
      }
    },
    'DELETE webhook': {
      route: 'DELETE /api/v1/webhooks/:id',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/webhooks/${f.webhookId}` }),
      effect: async (f) => {
        expect(await hookRow(f.webhookId)).toBeUndefined();
      }
    },
    'POST test webhook': {
      route: 'POST /api/v1/webhooks/:id/test',
      request: (f) => ({ method: 'POST', url: `/api/v1/webhooks/${f.webhookId}/test` }),
      check: (_f, res) => {
        expect(res.json()).toMatchObject({ kind: 'webhook.test', status: 'failed' });
      },
      effect: async (f) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('webhook_deliveries')
          .select(['kind', 'status', 'last_error'])
          .where('webhook_id', '=', f.webhookId)
          .where('id', '!=', `d-${f.webhookId}`)
          .execute();
        expect(rows).toEqual([
          {
            kind: 'webhook.test',
            status: 'failed',
            last_error: 'refused: 127.0.0.1 is a private or local address'
          }
        ]);
      }
    },
    'POST enable webhook': {
      route: 'POST /api/v1/webhooks/:id/enable',
      request: (f) => ({ method: 'POST', url: `/api/v1/webhooks/${f.webhookId}/enable` }),
      effect: async (f) => {
        const row = await hookRow(f.webhookId);
        expect([row?.status, row?.failure_count, row?.disabled_at]).toEqual(['active', 0, null]);
      }
    },
    'POST rotate secret': {
      route: 'POST /api/v1/webhooks/:id/rotate-secret',
      request: (f) => ({ method: 'POST', url: `/api/v1/webhooks/${f.webhookId}/rotate-secret` }),
      check: (f, res) => {
        const secret = res.json<{ secret: string }>().secret;
        expect(secret).toMatch(/^whsec_/);
        expect(secret).not.toBe(f.secret);
      },
      effect: async (f) => {
        const row = await hookRow(f.webhookId);
        expect(row?.secret).not.toBe(f.secret);
        expect(row?.secret).toMatch(/^whsec_/);
      }
    },
    'GET deliveries': {
      route: 'GET /api/v1/webhooks/:id/deliveries',
      request: (f) => ({ method: 'GET', url: `/api/v1/webhooks/${f.webhookId}/deliveries` }),
      check: (f, res) => {
        expect(res.json()).toMatchObject({
          items: [{ id: `d-${f.webhookId}`, lastStatusCode: 500, status: 'failed' }],
          nextCursor: null
        });
      }
    }
  };

  it('has a matrix row for every webhook endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: WEBHOOK_ROUTE, atLeast: 9 });
  });

  itChecksMatrix(
    MATRIX,
    ENDPOINTS,
    { app, columns: COLUMNS, fixture: (kind) => fixture(kind), snapshot, userOf, credentials },
    180_000
  );
});
