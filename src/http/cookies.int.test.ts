import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, sessionCookie, type TestApp } from '../test/test-app.ts';
import { testDialects } from '../test/test-database.ts';

// Session cookies over https, and sessions across log-ins and password changes.
for (const dialect of testDialects()) {
  describe(`session cookies and rotation (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, undefined, { baseUrl: 'https://guildhall.test' });
    });
    afterAll(async () => {
      await t.close();
    });

    const logIn = (email: string, cookie?: string) =>
      t.request({
        method: 'POST',
        url: '/api/v1/auth/log-in',
        body: { email, password: PASSWORD },
        ...(cookie ? { cookie } : {})
      });

    it('sets a __Host- session cookie over https: Secure, Path=/, no Domain, HttpOnly', async () => {
      const { email } = await t.buildUser();
      const res = await logIn(email);
      expect(res.statusCode).toBe(200);
      const cookie = res.cookies.find((c) => c.name.endsWith('session_token'));
      expect(cookie?.name).toBe('__Host-guildhall.session_token');
      expect(cookie).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Lax' });
      expect(cookie?.domain).toBeUndefined();
      for (const other of res.cookies) expect(other.name, other.name).toMatch(/^__Host-/);
      const me = await t.request({ method: 'GET', url: '/api/v1/me', cookie: sessionCookie(res) });
      expect(me.statusCode).toBe(200);
      const out = await t.request({
        method: 'POST',
        url: '/api/v1/auth/log-out',
        cookie: sessionCookie(res)
      });
      expect(out.cookies.find((c) => c.name === '__Host-guildhall.session_token')).toMatchObject({
        value: '',
        secure: true,
        path: '/'
      });
    });

    it('gives every log-in a new session, whatever session cookie the browser sent', async () => {
      const mallory = await t.buildUser();
      const ada = await t.buildUser();
      // A session an attacker planted in the victim's browser is not taken over by her log-in.
      const planted = sessionCookie(await logIn(mallory.email));
      const res = await logIn(ada.email, planted);
      const fresh = sessionCookie(res);
      expect(fresh).not.toBe(planted);
      const me = await t.request({ method: 'GET', url: '/api/v1/me', cookie: fresh });
      expect(me.json().email).toBe(ada.email);
      const again = sessionCookie(await logIn(ada.email, fresh));
      expect(again).not.toBe(fresh);
    });
  });
}
