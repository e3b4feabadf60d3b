import { beforeAll, expect, it } from 'vitest';
import { hideGroup } from '../../../services/admin/group-admin.service.ts';
import { createGroup, findGroupBySlug } from '../../../services/group.service.ts';
import { inviteToGroup } from '../../../services/invitation.service.ts';
import { describeWithApp, PASSWORD, type TestApp } from '../../../test/test-app.ts';
import { servedRoutes } from '../../../test/permission-matrix.ts';

interface Person {
  id: string;
  email: string;
  cookie: string;
}

/** What an admin route acts on: an account, and a group. */
interface Target {
  id: string;
  slug: string;
}

/**
 * Every admin route, with a request that would succeed for an admin. `hidden`: the target's group
 * starts hidden from the instance (so that a refused request that showed it would be seen).
 */
const ROUTES: {
  route: string;
  url: (target: Target) => string;
  body?: unknown;
  hidden?: true;
}[] = [
  { route: 'GET /api/v1/admin/settings', url: () => '/api/v1/admin/settings' },
  {
    route: 'PATCH /api/v1/admin/settings',
    url: () => '/api/v1/admin/settings',
    body: { groupCreation: 'anyone' }
  },
  { route: 'POST /api/v1/admin/test-mail', url: () => '/api/v1/admin/test-mail' },
  { route: 'GET /api/v1/admin/users', url: () => '/api/v1/admin/users' },
  {
    route: 'POST /api/v1/admin/users/:id/suspend',
    url: ({ id }) => `/api/v1/admin/users/${id}/suspend`
  },
  {
    route: 'POST /api/v1/admin/users/:id/restore',
    url: ({ id }) => `/api/v1/admin/users/${id}/restore`
  },
  {
    route: 'PUT /api/v1/admin/users/:id/admin',
    url: ({ id }) => `/api/v1/admin/users/${id}/admin`,
    body: { isAdmin: false }
  },
  {
    route: 'DELETE /api/v1/admin/users/:id',
    url: ({ id }) => `/api/v1/admin/users/${id}`,
    body: { content: 'anonymize' }
  },
  { route: 'GET /api/v1/admin/audit', url: () => '/api/v1/admin/audit' },
  { route: 'GET /api/v1/admin/groups', url: () => '/api/v1/admin/groups?q=victim&hidden=false' },
  {
    route: 'POST /api/v1/admin/groups/:slug/hide',
    url: ({ slug }) => `/api/v1/admin/groups/${slug}/hide`,
    body: { reason: 'Spam' }
  },
  {
    route: 'POST /api/v1/admin/groups/:slug/unhide',
    url: ({ slug }) => `/api/v1/admin/groups/${slug}/unhide`,
    hidden: true
  }
];

describeWithApp('instance administration', (app) => {
  let t: TestApp;
  let admin: Person;
  let member: Person;

  const person = async (name: string): Promise<Person> => {
    const { id, email } = await t.buildUser({ name });
    return { id, email, cookie: await t.logIn(email) };
  };

  beforeAll(async () => {
    t = app();
    admin = await person('Ada Admin'); // the first account is the admin
    member = await person('Mo Member');
  });

  it('answers every admin route to admins only: 401 anonymous, 404 others, 403 read tokens', async () => {
    const served = servedRoutes(t.app).filter((r) => r.includes('/api/v1/admin/'));
    const covered = new Set(ROUTES.map((r) => r.route));
    expect(served.filter((r) => !r.includes('/health') && !r.includes('/reports')).sort()).toEqual(
      [...covered].sort()
    );
    const memberToken = await t.buildToken(member.id, 'write');
    const adminRead = await t.buildToken(admin.id, 'read');
    for (const [i, r] of ROUTES.entries()) {
      const victim = await person('Victim');
      // The group is the member's own: owning a group gives no say over it as an admin.
      const group = await createGroup(t.testDb.db, member.id, {
        slug: `victim-${i}`,
        name: `Victim Group ${i}`,
        kind: 'meetup',
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      if (r.hidden) await hideGroup(t.testDb.db, admin.id, group.slug, 'Given');
      const [method] = r.route.split(' ') as [RequestMethod];
      const ask = (auth: { cookie?: string; token?: string }) =>
        t.request({
          method,
          url: r.url({ id: victim.id, slug: group.slug }),
          ...auth,
          ...(r.body === undefined ? {} : { body: r.body })
        });
      expect((await ask({})).statusCode, `${r.route} anonymous`).toBe(401);
      expect((await ask({ cookie: member.cookie })).statusCode, `${r.route} member`).toBe(404);
      expect((await ask({ token: memberToken })).statusCode, `${r.route} member token`).toBe(404);
      const read = await ask({ token: adminRead });
      expect(read.statusCode, `${r.route} admin read token`).toBe(method === 'GET' ? 200 : 403);
      // Nothing happened to the victim so far, nor to their group.
      expect(await victimState(victim.id), r.route).toEqual({
        exists: true,
        suspended: false,
        admin: false
      });
      expect((await findGroupBySlug(t.testDb.db, group.slug))?.hiddenByAdmin?.reason, r.route).toBe(
        r.hidden ? 'Given' : undefined
      );
      const allowed = await ask({ cookie: admin.cookie });
      expect(allowed.statusCode, `${r.route} admin: ${allowed.body}`).toBeLessThan(300);
    }
  });

  type RequestMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

  async function victimState(id: string) {
    const row = await t.testDb.db.kysely
      .selectFrom('users')
      .select(['suspended_at', 'is_admin'])
      .where('id', '=', id)
      .executeTakeFirst();
    return {
      exists: row !== undefined,
      suspended: row?.suspended_at != null,
      admin: Boolean(row?.is_admin)
    };
  }

  it('suspends an account: sessions and tokens end, log-in is refused until restored', async () => {
    const mo = await person('Suspended Sam');
    const token = await t.buildToken(mo.id, 'write');
    expect((await t.request({ method: 'GET', url: '/api/v1/me', token })).statusCode).toBe(200);
    const suspend = await t.request({
      method: 'POST',
      url: `/api/v1/admin/users/${mo.id}/suspend`,
      cookie: admin.cookie
    });
    expect(suspend.statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', token })).statusCode).toBe(401);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/me', cookie: mo.cookie })).statusCode
    ).toBe(401);
    const logIn = await t.request({
      method: 'POST',
      url: '/api/v1/auth/log-in',
      body: { email: mo.email, password: PASSWORD }
    });
    expect(logIn.statusCode).toBe(403);
    expect(logIn.json().detail).toMatch(/suspended/);
    expect(logIn.headers['set-cookie']).toBeUndefined();
    const sessions = await t.testDb.db.kysely
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', mo.id)
      .execute();
    expect(sessions).toEqual([]);
    // A wrong password still says only that the log-in failed.
    const wrong = await t.request({
      method: 'POST',
      url: '/api/v1/auth/log-in',
      body: { email: mo.email, password: 'not-the-password' }
    });
    expect(wrong.statusCode).toBe(401);

    const listed = await t.request({
      method: 'GET',
      url: '/api/v1/admin/users?suspended=true&q=sam',
      cookie: admin.cookie
    });
    expect(listed.json().items.map((u: { id: string }) => u.id)).toEqual([mo.id]);

    const restore = await t.request({
      method: 'POST',
      url: `/api/v1/admin/users/${mo.id}/restore`,
      cookie: admin.cookie
    });
    expect(restore.statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', token })).statusCode).toBe(401);
    await t.logIn(mo.email); // works again

    const self = await t.request({
      method: 'POST',
      url: `/api/v1/admin/users/${admin.id}/suspend`,
      cookie: admin.cookie
    });
    expect(self.statusCode).toBe(409);
    const audit = await t.request({
      method: 'GET',
      url: '/api/v1/admin/audit',
      cookie: admin.cookie
    });
    const actions = audit
      .json()
      .items.filter((e: { subjectUserId: string }) => e.subjectUserId === mo.id)
      .map((e: { action: string; actorName: string; group: unknown }) => [
        e.action,
        e.actorName,
        e.group
      ]);
    expect(actions).toEqual([
      ['user.restored', 'Ada Admin', null],
      ['user.suspended', 'Ada Admin', null]
    ]);
  });

  it('keeps at least one admin, and deletes accounts that own no group', async () => {
    const last = await t.request({
      method: 'PUT',
      url: `/api/v1/admin/users/${admin.id}/admin`,
      cookie: admin.cookie,
      body: { isAdmin: false }
    });
    expect(last.statusCode).toBe(409);
    const owner = await person('Olga Owner');
    const group = await createGroup(t.testDb.db, owner.id, {
      slug: `owned-${owner.id.slice(0, 6)}`,
      name: 'Owned Group',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    const owning = await t.request({
      method: 'DELETE',
      url: `/api/v1/admin/users/${owner.id}`,
      cookie: admin.cookie,
      body: { content: 'remove' }
    });
    expect(owning.statusCode).toBe(409);
    expect(owning.json().detail).toContain(group.name);
    const bad = await t.request({
      method: 'DELETE',
      url: `/api/v1/admin/users/${owner.id}`,
      cookie: admin.cookie,
      body: { content: 'all', isAdmin: true }
    });
    expect(bad.statusCode).toBe(400);
    const gone = await person('Gone Gary');
    const del = await t.request({
      method: 'DELETE',
      url: `/api/v1/admin/users/${gone.id}`,
      cookie: admin.cookie,
      body: { content: 'anonymize' }
    });
    expect(del.statusCode).toBe(204);
    expect(await victimState(gone.id)).toMatchObject({ exists: false });
    const missing = await t.request({
      method: 'DELETE',
      url: `/api/v1/admin/users/${gone.id}`,
      cookie: admin.cookie,
      body: { content: 'anonymize' }
    });
    expect(missing.statusCode).toBe(404);
    const audit = await t.request({
      method: 'GET',
      url: '/api/v1/admin/audit?limit=100',
      cookie: admin.cookie
    });
    expect(audit.json().items).toContainEqual(
      expect.objectContaining({ action: 'account.deleted', actorId: admin.id, group: null })
    );
    expect(audit.json().items).toContainEqual(
      expect.objectContaining({
        action: 'group.created',
        group: { slug: group.slug, name: group.name }
      })
    );
  });

  it('sends a test mail to the admin', async () => {
    t.queue.jobs.length = 0;
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/admin/test-mail',
      cookie: admin.cookie
    });
    expect(res.statusCode).toBe(202);
    expect(t.queue.jobs).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ template: 'test-mail', to: admin.email })
      })
    ]);
  });

  it('opens, limits to invitations, or closes sign-ups', async () => {
    const signUp = (email: string) =>
      t.request({
        method: 'POST',
        url: '/api/v1/auth/sign-up',
        body: { email, password: 'plum-tree-harbour-42', displayName: 'New Person' }
      });
    const set = async (registration: string) => {
      const res = await t.request({
        method: 'PATCH',
        url: '/api/v1/admin/settings',
        cookie: admin.cookie,
        body: { registration }
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().registration).toBe(registration);
    };
    await set('closed');
    const closed = await signUp('closed@example.com');
    expect(closed.statusCode).toBe(403);
    expect(closed.json().detail).toMatch(/no new sign-ups/);
    await set('invitation');
    expect((await signUp('uninvited@example.com')).statusCode).toBe(403);
    const group = await createGroup(t.testDb.db, admin.id, {
      slug: 'invite-only',
      name: 'Invite Only',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'invitation'
    });
    await inviteToGroup(
      t.testDb.db,
      t.queue,
      t.config.baseUrl,
      group,
      { id: admin.id, name: 'Ada Admin' },
      'Invited@Example.com'
    );
    expect((await signUp('invited@example.com')).statusCode).toBe(202);
    await set('open');
    expect((await signUp('open@example.com')).statusCode).toBe(202);
    const users = await t.testDb.db.kysely.selectFrom('users').select('email').execute();
    expect(users.map((u) => u.email)).not.toContain('closed@example.com');
    expect(users.map((u) => u.email)).not.toContain('uninvited@example.com');
    const bad = await t.request({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      cookie: admin.cookie,
      body: { registration: 'sometimes' }
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('registration');
  });
});
