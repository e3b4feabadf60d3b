import { beforeAll, expect, it } from 'vitest';
import { describeWithApp } from '../../../test/test-app.ts';
import { insertNotification } from './notification-test-support.ts';

interface Page {
  items: { id: string; title: string; read: boolean; text: string; path: string }[];
  nextCursor: string | null;
}

describeWithApp('notifications', (app) => {
  let cookie = '';
  let userId = '';

  beforeAll(async () => {
    const user = await app().buildUser();
    userId = user.id;
    cookie = await app().logIn(user.email);
    const db = app().testDb.db;
    for (let i = 0; i < 5; i += 1) {
      await insertNotification(db, userId, {
        title: `n${i}`,
        at: new Date(Date.UTC(2026, 10, 20, 10, i)),
        read: i === 0
      });
    }
  });

  const get = async (url: string) => {
    const res = await app().request({ method: 'GET', url, cookie });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<unknown>();
  };

  it('lists newest first with cursor pagination and an unread filter', async () => {
    const first = (await get('/api/v1/me/notifications?limit=3')) as Page;
    expect(first.items.map((n) => n.title)).toEqual(['n4', 'n3', 'n2']);
    expect(first.items[0]).toMatchObject({ text: 'post', path: '/groups/g/board/p', read: false });
    const second = (await get(
      `/api/v1/me/notifications?limit=3&cursor=${first.nextCursor ?? ''}`
    )) as Page;
    expect(second.items.map((n) => [n.title, n.read])).toEqual([
      ['n1', false],
      ['n0', true]
    ]);
    expect(second.nextCursor).toBeNull();
    const unread = (await get('/api/v1/me/notifications?unread=true')) as Page;
    expect(unread.items.map((n) => n.title)).toEqual(['n4', 'n3', 'n2', 'n1']);
    expect(await get('/api/v1/me/notifications/unread-count')).toEqual({ unread: 4 });
  });

  it('refuses a bad cursor, limit or filter per field', async () => {
    for (const [query, field] of [
      ['cursor=nope', 'cursor'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['unread=yes', 'unread']
    ] as const) {
      const res = await app().request({
        method: 'GET',
        url: `/api/v1/me/notifications?${query}`,
        cookie
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual([
        field
      ]);
    }
  });

  it('marks one and then all read', async () => {
    const page = (await get('/api/v1/me/notifications?unread=true')) as Page;
    const one = page.items[0]?.id ?? '';
    const res = await app().request({
      method: 'POST',
      url: `/api/v1/me/notifications/${one}/read`,
      cookie
    });
    expect(res.statusCode).toBe(204);
    expect(await get('/api/v1/me/notifications/unread-count')).toEqual({ unread: 3 });
    const missing = await app().request({
      method: 'POST',
      url: '/api/v1/me/notifications/nope/read',
      cookie
    });
    expect(missing.statusCode).toBe(404);
    const all = await app().request({
      method: 'POST',
      url: '/api/v1/me/notifications/read-all',
      cookie
    });
    expect(all.json()).toEqual({ marked: 3 });
    expect(await get('/api/v1/me/notifications/unread-count')).toEqual({ unread: 0 });
  });

  it('reads and changes preferences, validating each field', async () => {
    expect(await get('/api/v1/me/notification-preferences')).toEqual({
      mention: 'email',
      reply: 'email',
      post: 'daily',
      meeting: 'email',
      round: 'in_app',
      member: 'in_app',
      report: 'email',
      moderation: 'email'
    });
    const put = (body: unknown) =>
      app().request({ method: 'PUT', url: '/api/v1/me/notification-preferences', cookie, body });
    const ok = await put({ post: 'weekly', mention: 'off', moderation: 'email' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ post: 'weekly', mention: 'off', moderation: 'email' });

    const bad = await put({ post: 'hourly', reply: 'never', color: 'red' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ errors: { field: string }[] }>()
        .errors.map((e) => e.field)
        .sort()
    ).toEqual(['color', 'post', 'reply']);
    const fixed = await put({ moderation: 'off', post: 'in_app' });
    expect(fixed.statusCode).toBe(400);
    const problem = fixed.json<{ errors: { field: string; message: string }[] }>();
    expect(problem.errors).toEqual([
      {
        field: 'moderation',
        message:
          'Warnings from moderators always reach you, in the app and by mail; this cannot be changed.'
      }
    ]);
    // Nothing was stored by the refused requests.
    expect(await get('/api/v1/me/notification-preferences')).toMatchObject({
      post: 'weekly',
      reply: 'email',
      mention: 'off'
    });
  });

  it('documents every route in the OpenAPI document', async () => {
    const res = await app().request({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = res.json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(doc.paths['/api/v1/me/notifications'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/api/v1/me/notifications/unread-count'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/api/v1/me/notifications/{id}/read'] ?? {})).toContain('post');
    expect(Object.keys(doc.paths['/api/v1/me/notifications/read-all'] ?? {})).toContain('post');
    expect(Object.keys(doc.paths['/api/v1/me/notification-preferences'] ?? {}).sort()).toEqual([
      'get',
      'put'
    ]);
  });
});
