import { beforeAll, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

describeWithApp('sessions', (app) => {
  let t: TestApp;
  beforeAll(() => {
    t = app();
  });

  it('lists where you are logged in, ends one, and logs out everywhere else', async () => {
    const { email } = await t.buildUser();
    const laptop = await t.logIn(email);
    const phone = await t.logIn(email);
    const tablet = await t.logIn(email);
    const list = (
      await t.request({ method: 'GET', url: '/api/v1/me/sessions', cookie: laptop })
    ).json();
    expect(list.items).toHaveLength(3);
    expect(list.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(JSON.stringify(list)).not.toMatch(/token/i);

    const phoneId = (await t.request({ method: 'GET', url: '/api/v1/me/sessions', cookie: phone }))
      .json()
      .items.find((s: { current: boolean }) => s.current).id;
    expect(
      (
        await t.request({
          method: 'DELETE',
          url: `/api/v1/me/sessions/${phoneId}`,
          cookie: laptop
        })
      ).statusCode
    ).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', cookie: phone })).statusCode).toBe(
      401
    );

    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/me/sessions/revoke-others',
          cookie: laptop
        })
      ).statusCode
    ).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', cookie: tablet })).statusCode).toBe(
      401
    );
    expect((await t.request({ method: 'GET', url: '/api/v1/me', cookie: laptop })).statusCode).toBe(
      200
    );
  });

  it('never lists or ends another user’s sessions', async () => {
    const a = await t.buildUser();
    const b = await t.buildUser();
    const cookieA = await t.logIn(a.email);
    const cookieB = await t.logIn(b.email);
    const idA = (
      await t.request({ method: 'GET', url: '/api/v1/me/sessions', cookie: cookieA })
    ).json().items[0].id;
    const listB = (
      await t.request({ method: 'GET', url: '/api/v1/me/sessions', cookie: cookieB })
    ).json();
    expect(listB.items.map((s: { id: string }) => s.id)).not.toContain(idA);
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/me/sessions/${idA}`, cookie: cookieB }))
        .statusCode
    ).toBe(404);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/me/sessions/revoke-others',
          cookie: cookieB
        })
      ).statusCode
    ).toBe(204);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/me', cookie: cookieA })).statusCode
    ).toBe(200);
  });

  it('refuses session management with API tokens of any scope', async () => {
    const user = await t.buildUser();
    for (const scope of ['read', 'write'] as const) {
      const token = await t.buildToken(user.id, scope);
      const res = await t.request({ method: 'GET', url: '/api/v1/me/sessions', token });
      expect(res.statusCode).toBe(403);
      expect(res.json().type).toBe('urn:guildhall:problem:session-required');
    }
  });
});
