import { beforeAll, expect, it } from 'vitest';
import { PASSWORD, describeWithApp, sessionCookie, type TestApp } from '../../../test/test-app.ts';

describeWithApp('account lifecycle', (app) => {
  let t: TestApp;
  beforeAll(() => {
    t = app();
  });

  const signUp = (email: string, password = PASSWORD, displayName = 'Ada Lovelace') =>
    t.request({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      body: { email, password, displayName }
    });

  it('signs up, verifies by mail, logs in and out; the first account is the instance admin', async () => {
    const res = await signUp('ada@example.com');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'verification-sent' });
    expect(t.queue.lastMail('ada@example.com', 'verify-email').params.url).toMatch(
      /^http:\/\/guildhall\.test\/verify-email\?token=/
    );

    const early = await t.request({
      method: 'POST',
      url: '/api/v1/auth/log-in',
      body: { email: 'ada@example.com', password: PASSWORD }
    });
    expect(early.statusCode).toBe(403);
    expect(early.json()).toMatchObject({ type: 'urn:guildhall:problem:email-not-verified' });
    expect(
      t.queue.mails.filter((m) => m.to === 'ada@example.com' && m.template === 'verify-email')
    ).toHaveLength(2);
    // With a wrong password, nothing reveals that the account exists and is unverified.
    const wrongPassword = await t.request({
      method: 'POST',
      url: '/api/v1/auth/log-in',
      body: { email: 'ada@example.com', password: 'wrong-password-here' }
    });
    expect(wrongPassword.statusCode).toBe(401);

    const token = t.queue.lastToken('ada@example.com', 'verify-email');
    const verified = await t.request({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      body: { token }
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ verified: true, email: 'ada@example.com' });

    const login = await t.request({
      method: 'POST',
      url: '/api/v1/auth/log-in',
      body: { email: 'ada@example.com', password: PASSWORD }
    });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({
      user: {
        email: 'ada@example.com',
        displayName: 'Ada Lovelace',
        handle: 'ada-lovelace',
        isAdmin: true
      }
    });
    const setCookie = login.cookies.find((c) => c.name === 'guildhall.session_token');
    expect(setCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const cookie = sessionCookie(login);

    const me = await t.request({ method: 'GET', url: '/api/v1/me', cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      email: 'ada@example.com',
      emailVerified: true,
      language: 'en'
    });

    const out = await t.request({ method: 'POST', url: '/api/v1/auth/log-out', cookie });
    expect(out.statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', cookie })).statusCode).toBe(401);

    // The second account is an ordinary member.
    expect((await signUp('bob@example.com', PASSWORD, 'Bob')).statusCode).toBe(202);
    const bobToken = t.queue.lastToken('bob@example.com', 'verify-email');
    await t.request({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      body: { token: bobToken }
    });
    const bob = await t.logIn('bob@example.com');
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/me', cookie: bob })).json()
    ).toMatchObject({
      isAdmin: false
    });
  });

  it('signs up people of the same name at the same moment, each with a handle of their own', async () => {
    const emails = Array.from({ length: 4 }, (_, i) => `twin-${i}@example.com`);
    const answers = await Promise.all(
      emails.map((email) => signUp(email, PASSWORD, 'Anna Zwilling'))
    );
    expect(answers.map((r) => r.statusCode)).toEqual(emails.map(() => 202));
    const rows = await t.testDb.db.kysely
      .selectFrom('users')
      .select('handle')
      .where('email', 'in', emails)
      .execute();
    expect(rows).toHaveLength(emails.length);
    expect(new Set(rows.map((r) => r.handle)).size).toBe(emails.length);
  });

  it('answers sign-up for a registered address exactly like a new one, and mails the owner instead', async () => {
    const existing = await t.buildUser({ email: 'taken@example.com' });
    const before = await t.testDb.db.kysely.selectFrom('users').select('id').execute();
    const again = await signUp('taken@example.com', 'another-long-passphrase', 'Impostor');
    const fresh = await signUp('fresh@example.com', 'another-long-passphrase', 'Fresh');
    expect(again.statusCode).toBe(fresh.statusCode);
    expect(again.body).toBe(fresh.body);
    expect(again.headers['content-type']).toBe(fresh.headers['content-type']);
    expect(t.queue.lastMail('taken@example.com').template).toBe('account-exists');
    const after = await t.testDb.db.kysely.selectFrom('users').select(['id', 'name']).execute();
    expect(after).toHaveLength(before.length + 1); // only "fresh" was added
    expect(after.find((u) => u.id === existing.id)?.name).not.toBe('Impostor');
  });

  it('answers log-in the same for an unknown address and a wrong password', async () => {
    const { email } = await t.buildUser();
    const wrong = await t.request({
      method: 'POST',
      url: '/api/v1/auth/log-in',
      body: { email, password: 'not-the-password' }
    });
    const unknown = await t.request({
      method: 'POST',
      url: '/api/v1/auth/log-in',
      body: { email: 'nobody@example.com', password: 'not-the-password' }
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.json()).toMatchObject({ type: 'urn:guildhall:problem:invalid-credentials' });
  });

  it('resets a forgotten password, ends old sessions, and answers the same for unknown addresses', async () => {
    const { email } = await t.buildUser();
    const oldSession = await t.logIn(email);
    const known = await t.request({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      body: { email }
    });
    const unknown = await t.request({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      body: { email: 'ghost@example.com' }
    });
    expect(known.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    expect(() => t.queue.lastMail('ghost@example.com')).toThrow();

    const token = t.queue.lastToken(email, 'reset-password');
    const weak = await t.request({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      body: { token, password: 'password123' }
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors).toEqual([
      { field: 'password', message: expect.stringMatching(/common/) }
    ]);

    const reset = await t.request({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      body: { token, password: 'a-brand-new-passphrase' }
    });
    expect(reset.statusCode).toBe(204);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/me', cookie: oldSession })).statusCode
    ).toBe(401);
    await expect(t.logIn(email)).rejects.toThrow(/401/);
    expect(await t.logIn(email, 'a-brand-new-passphrase')).toMatch(/session_token=/);

    const reused = await t.request({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      body: { token, password: 'yet-another-passphrase' }
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().errors).toEqual([{ field: 'token', message: expect.any(String) }]);
  });

  it('answers a request for a new verification mail the same for any address', async () => {
    const { email } = await t.buildUser(); // already verified
    await signUp('pending@example.com');
    const bodies = [];
    for (const address of [email, 'pending@example.com', 'nobody-here@example.com']) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/auth/resend-verification',
        body: { email: address }
      });
      expect(res.statusCode).toBe(202);
      bodies.push(res.body);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(
      t.queue.mails.filter((m) => m.to === 'pending@example.com' && m.template === 'verify-email')
    ).toHaveLength(2);
    expect(t.queue.mails.filter((m) => m.to === 'nobody-here@example.com')).toEqual([]);
  });

  it('refuses an invalid verification token on the token field', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      body: { token: 'not-a-token' }
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors).toEqual([
      { field: 'token', message: 'This link is invalid or has expired. Request a new one.' }
    ]);
  });

  it('keeps the language and time zone given at sign-up', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      body: {
        email: 'zone@example.com',
        password: PASSWORD,
        displayName: 'Zoe',
        language: 'de',
        timeZone: 'Europe/Vienna'
      }
    });
    expect(res.statusCode).toBe(202);
    expect(t.queue.lastMail('zone@example.com', 'verify-email').locale).toBe('de');
    const token = t.queue.lastToken('zone@example.com', 'verify-email');
    await t.request({ method: 'POST', url: '/api/v1/auth/verify-email', body: { token } });
    const cookie = await t.logIn('zone@example.com');
    expect((await t.request({ method: 'GET', url: '/api/v1/me', cookie })).json()).toMatchObject({
      language: 'de',
      timeZone: 'Europe/Vienna'
    });
    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      body: {
        email: 'zone2@example.com',
        password: PASSWORD,
        displayName: 'Zed',
        timeZone: 'Mars/Base'
      }
    });
    expect(bad.json().errors).toEqual([{ field: 'timeZone', message: expect.any(String) }]);
  });

  it('speaks German when asked', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      body: { email: 'x', password: 'short', displayName: '' },
      headers: { 'accept-language': 'de-DE,de;q=0.9' }
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ title: 'Deine Eingaben enthalten Fehler' });
    expect(res.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'email', message: 'Gib eine gültige E-Mail-Adresse ein.' },
        { field: 'password', message: 'Verwende mindestens 8 Zeichen.' },
        { field: 'displayName', message: 'Darf nicht leer sein.' }
      ])
    );
  });
});
