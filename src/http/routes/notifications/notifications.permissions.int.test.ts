import { beforeAll, expect, it } from 'vitest';
import { expectMatrixCoversRoutes } from '../../../test/permission-matrix.ts';
import { describeWithApp, type RequestOptions } from '../../../test/test-app.ts';
import { insertNotification } from './notification-test-support.ts';

/**
 * Who may call each notification endpoint. Everything is user-scoped: the caller's own
 * notifications and preferences, never someone else's. Columns:
 *
 *   anonymous owner other admin read-token write-token
 *
 * `owner` holds the notification the rows act on; `other` and `admin` are other accounts (an
 * instance admin has no say over a person's notifications: their id is a 404 to them); the tokens
 * are the owner's. Writes with a read-only token are a 403.
 */
const COLUMNS = ['anonymous', 'owner', 'other', 'admin', 'read-token', 'write-token'] as const;
type Column = (typeof COLUMNS)[number];

const MATRIX: Record<string, string> = {
  'GET list': '401 200 200 200 200 200',
  'GET unread count': '401 200 200 200 200 200',
  'POST read one': '401 204 404 404 403 204',
  'POST read all': '401 200 200 200 403 200',
  'GET preferences': '401 200 200 200 200 200',
  'PUT preferences': '401 200 200 200 403 200'
};

interface Endpoint {
  route: string;
  request(notificationId: string): Omit<RequestOptions, 'cookie' | 'token'>;
  /** What the owner's state must be after an allowed cell by the owner. */
  ownerEffect?: { read?: boolean; post?: string };
}

const ENDPOINTS: Record<string, Endpoint> = {
  'GET list': {
    route: 'GET /api/v1/me/notifications',
    request: () => ({ method: 'GET', url: '/api/v1/me/notifications' })
  },
  'GET unread count': {
    route: 'GET /api/v1/me/notifications/unread-count',
    request: () => ({ method: 'GET', url: '/api/v1/me/notifications/unread-count' })
  },
  'POST read one': {
    route: 'POST /api/v1/me/notifications/:id/read',
    request: (id) => ({ method: 'POST', url: `/api/v1/me/notifications/${id}/read` }),
    ownerEffect: { read: true }
  },
  'POST read all': {
    route: 'POST /api/v1/me/notifications/read-all',
    request: () => ({ method: 'POST', url: '/api/v1/me/notifications/read-all' }),
    ownerEffect: { read: true }
  },
  'GET preferences': {
    route: 'GET /api/v1/me/notification-preferences',
    request: () => ({ method: 'GET', url: '/api/v1/me/notification-preferences' })
  },
  'PUT preferences': {
    route: 'PUT /api/v1/me/notification-preferences',
    request: () => ({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      body: { post: 'off' }
    }),
    ownerEffect: { post: 'off' }
  }
};

describeWithApp('notification permissions', (app) => {
  const users = {} as Record<'owner' | 'other' | 'admin', { id: string; cookie: string }>;
  const tokens = { read: '', write: '' };

  beforeAll(async () => {
    // The first account is the instance admin.
    for (const name of ['admin', 'owner', 'other'] as const) {
      const { id, email } = await app().buildUser({ name, admin: name === 'admin' });
      users[name] = { id, cookie: await app().logIn(email) };
    }
    tokens.read = await app().buildToken(users.owner.id, 'read');
    tokens.write = await app().buildToken(users.owner.id, 'write');
  });

  function credentials(column: Column): Pick<RequestOptions, 'cookie' | 'token'> {
    switch (column) {
      case 'anonymous':
        return {};
      case 'read-token':
        return { token: tokens.read };
      case 'write-token':
        return { token: tokens.write };
      case 'owner':
      case 'other':
      case 'admin':
        return { cookie: users[column].cookie };
    }
  }

  /** The owner's notification read flag and `post` preference. */
  async function ownerState(id: string): Promise<{ read: boolean; post: string | undefined }> {
    const db = app().testDb.db;
    const row = await db.kysely
      .selectFrom('notifications')
      .select('read_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const pref = await db.kysely
      .selectFrom('notification_preferences')
      .select('channel')
      .where('user_id', '=', users.owner.id)
      .where('kind', '=', 'post')
      .executeTakeFirst();
    return { read: row.read_at !== null, post: pref?.channel };
  }

  it('covers every notification route', () => {
    expectMatrixCoversRoutes(
      app().app,
      Object.fromEntries(Object.keys(MATRIX).map((k) => [k, ['', '', ''] as const])),
      ENDPOINTS,
      { match: /\/me\/notification/, atLeast: 6 }
    );
  });

  for (const [name, row] of Object.entries(MATRIX)) {
    it(`${name}: allows and denies exactly as the matrix says`, async () => {
      const endpoint = ENDPOINTS[name];
      if (!endpoint) throw new Error(name);
      const expected = row.split(' ');
      const wrong: string[] = [];
      for (const [i, column] of COLUMNS.entries()) {
        const db = app().testDb.db;
        await db.kysely.deleteFrom('notification_preferences').execute();
        const id = await insertNotification(db, users.owner.id, { title: 'mine' });
        const before = await ownerState(id);
        const res = await app().request({ ...endpoint.request(id), ...credentials(column) });
        const status = String(res.statusCode);
        if (status !== expected[i]) wrong.push(`${column}: ${status} (expected ${expected[i]})`);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        }
        const after = await ownerState(id);
        const byOwner = column === 'owner' || column === 'write-token';
        if (byOwner && res.statusCode < 300 && endpoint.ownerEffect) {
          expect(after, `${column} changes the owner's own state`).toMatchObject(
            endpoint.ownerEffect
          );
        } else {
          expect(after, `${column} leaves the owner's state alone`).toEqual(before);
        }
        if (name === 'GET list' && res.statusCode === 200) {
          const titles = res.json<{ items: { title: string }[] }>().items.map((n) => n.title);
          expect(titles.includes('mine'), column).toBe(column !== 'other' && column !== 'admin');
        }
        await db.kysely.deleteFrom('notifications').execute();
      }
      expect(wrong, name).toEqual([]);
    });
  }
});
