import { beforeAll, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

describeWithApp('/api/v1/me', (app) => {
  let t: TestApp;
  beforeAll(() => {
    t = app();
  });

  it('updates the profile: normalized tags, sanitized bio, IANA zone, language', async () => {
    const { email } = await t.buildUser({ name: 'Jürgen Müller' });
    const cookie = await t.logIn(email);
    const res = await t.request({
      method: 'PATCH',
      url: '/api/v1/me',
      cookie,
      body: {
        displayName: '  Jürgen M.  ',
        handle: 'Juergen',
        bio: 'I like **Terraform** <script>alert(1)</script> and [links](https://example.com)',
        city: 'Köln',
        country: 'de',
        timeZone: 'Europe/Berlin',
        language: 'de',
        tags: ['Kubernetes', ' kubernetes', 'Data Engineering', 'C#']
      }
    });
    expect(res.statusCode).toBe(200);
    const me = res.json();
    expect(me).toMatchObject({
      displayName: 'Jürgen M.',
      handle: 'juergen',
      city: 'Köln',
      country: 'DE',
      timeZone: 'Europe/Berlin',
      language: 'de',
      tags: ['kubernetes', 'data-engineering', 'c#']
    });
    expect(me.bioHtml).toContain('<strong>Terraform</strong>');
    expect(me.bioHtml).not.toContain('<script');
    expect(me.bioHtml).toContain('rel="nofollow ugc noopener"');
    const again = await t.request({ method: 'GET', url: '/api/v1/me', cookie });
    expect(again.json()).toEqual(me);

    const cleared = await t.request({
      method: 'PATCH',
      url: '/api/v1/me',
      cookie,
      body: { city: '', country: null }
    });
    expect(cleared.json()).toMatchObject({ city: null, country: null, handle: 'juergen' });
  });

  it('keeps handles unique and refuses invalid values per field, storing nothing', async () => {
    const a = await t.buildUser();
    const b = await t.buildUser();
    const cookieA = await t.logIn(a.email);
    const cookieB = await t.logIn(b.email);
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: '/api/v1/me',
          cookie: cookieA,
          body: { handle: 'unique-one' }
        })
      ).statusCode
    ).toBe(200);
    const taken = await t.request({
      method: 'PATCH',
      url: '/api/v1/me',
      cookie: cookieB,
      body: { handle: 'unique-one', city: 'Wien' }
    });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().errors).toEqual([{ field: 'handle', message: 'This handle is taken.' }]);

    const bad = await t.request({
      method: 'PATCH',
      url: '/api/v1/me',
      cookie: cookieB,
      body: {
        handle: 'admin',
        timeZone: 'Mars/Olympus',
        country: 'XX',
        tags: ['ok', '!!!'],
        language: 'fr'
      }
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort()
    ).toEqual(['country', 'handle', 'language', 'tags.1', 'timeZone'].sort());
    const me = (await t.request({ method: 'GET', url: '/api/v1/me', cookie: cookieB })).json();
    expect(me.city).toBeNull();
    expect(me.timeZone).toBe('UTC');
  });

  it('lets a read token read and a write token write, never more', async () => {
    const user = await t.buildUser();
    const read = await t.buildToken(user.id, 'read');
    const write = await t.buildToken(user.id, 'write');
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/me', token: read })).json()
    ).toMatchObject({
      email: user.email
    });
    const denied = await t.request({
      method: 'PATCH',
      url: '/api/v1/me',
      token: read,
      body: { city: 'Bonn' }
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().type).toBe('urn:guildhall:problem:read-only-token');
    const allowed = await t.request({
      method: 'PATCH',
      url: '/api/v1/me',
      token: write,
      body: { city: 'Bonn' }
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().city).toBe('Bonn');
    // Account security needs a browser session, whatever the token's scope.
    for (const token of [read, write]) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/me/tokens',
        token,
        body: { name: 'escalate', scope: 'write' }
      });
      expect(res.statusCode).toBe(403);
    }
  });

  it('changes the password with the current one and can end the other sessions', async () => {
    const { email } = await t.buildUser();
    const laptop = await t.logIn(email);
    const phone = await t.logIn(email);
    const wrong = await t.request({
      method: 'POST',
      url: '/api/v1/me/password',
      cookie: laptop,
      body: { currentPassword: 'nope-nope-nope', newPassword: 'fresh-passphrase-99' }
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([
      { field: 'currentPassword', message: 'The current password is wrong.' }
    ]);

    const ok = await t.request({
      method: 'POST',
      url: '/api/v1/me/password',
      cookie: laptop,
      // By default a new password logs out every other device.
      body: { currentPassword: 'plum-tree-harbour-42', newPassword: 'fresh-passphrase-99' }
    });
    expect(ok.statusCode).toBe(204);
    expect(t.queue.lastMail(email).template).toBe('password-changed');
    expect((await t.request({ method: 'GET', url: '/api/v1/me', cookie: phone })).statusCode).toBe(
      401
    );
    const renewed = ok.cookies.find((c) => c.name.endsWith('session_token'));
    const current = renewed ? `${renewed.name}=${renewed.value}` : laptop;
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/me', cookie: current })).statusCode
    ).toBe(200);
    expect(await t.logIn(email, 'fresh-passphrase-99')).toMatch(/session_token/);
  });

  it('changes the email only after the link sent to the new address is opened', async () => {
    const { email } = await t.buildUser();
    const cookie = await t.logIn(email);
    const same = await t.request({
      method: 'POST',
      url: '/api/v1/me/email',
      cookie,
      body: { newEmail: email }
    });
    expect(same.statusCode).toBe(400);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/me/email',
      cookie,
      body: { newEmail: 'moved@example.com' }
    });
    expect(res.statusCode).toBe(202);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', cookie })).json().email).toBe(
      email
    );
    const token = t.queue.lastToken('moved@example.com', 'change-email');
    const confirmed = await t.request({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      cookie,
      body: { token }
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toEqual({ verified: true, email: 'moved@example.com' });
    expect((await t.request({ method: 'GET', url: '/api/v1/me', cookie })).json().email).toBe(
      'moved@example.com'
    );
  });
});
