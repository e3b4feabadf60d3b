import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type RequestOptions, type TestApp } from '../test/test-app.ts';
import { testDialects } from '../test/test-database.ts';

type Method = RequestOptions['method'];

/** Every account endpoint that needs a caller, with a valid-looking body where it takes one. */
const PROTECTED: { method: Method; url: string; body?: Record<string, unknown> }[] = [
  { method: 'GET', url: '/api/v1/me' },
  { method: 'PATCH', url: '/api/v1/me', body: { city: 'Bonn' } },
  {
    method: 'POST',
    url: '/api/v1/me/password',
    body: { currentPassword: 'x', newPassword: 'long-enough-pass' }
  },
  { method: 'POST', url: '/api/v1/me/email', body: { newEmail: 'new@example.com' } },
  { method: 'GET', url: '/api/v1/me/sessions' },
  { method: 'DELETE', url: '/api/v1/me/sessions/some-id' },
  { method: 'POST', url: '/api/v1/me/sessions/revoke-others' },
  { method: 'GET', url: '/api/v1/me/tokens' },
  { method: 'POST', url: '/api/v1/me/tokens', body: { name: 'x', scope: 'read' } },
  { method: 'DELETE', url: '/api/v1/me/tokens/some-id' }
];

/** Endpoints with a JSON body, and per field a value that is too long and one of the wrong type. */
const BODIES: {
  url: string;
  auth: 'none' | 'session';
  method: Method;
  valid: Record<string, unknown>;
  required: string[];
}[] = [
  {
    url: '/api/v1/auth/sign-up',
    auth: 'none',
    method: 'POST',
    valid: { email: 'v@example.com', password: 'plum-tree-harbour-42', displayName: 'V' },
    required: ['email', 'password', 'displayName']
  },
  {
    url: '/api/v1/auth/log-in',
    auth: 'none',
    method: 'POST',
    valid: { email: 'v@example.com', password: 'whatever-it-is' },
    required: ['email', 'password']
  },
  {
    url: '/api/v1/auth/verify-email',
    auth: 'none',
    method: 'POST',
    valid: { token: 'abc' },
    required: ['token']
  },
  {
    url: '/api/v1/auth/resend-verification',
    auth: 'none',
    method: 'POST',
    valid: { email: 'v@example.com' },
    required: ['email']
  },
  {
    url: '/api/v1/auth/forgot-password',
    auth: 'none',
    method: 'POST',
    valid: { email: 'v@example.com' },
    required: ['email']
  },
  {
    url: '/api/v1/auth/reset-password',
    auth: 'none',
    method: 'POST',
    valid: { token: 'abc', password: 'plum-tree-harbour-42' },
    required: ['token', 'password']
  },
  {
    url: '/api/v1/me',
    auth: 'session',
    method: 'PATCH',
    valid: {
      displayName: 'V',
      bio: 'hi',
      city: 'Bonn',
      handle: 'valid-handle',
      timeZone: 'UTC',
      language: 'en',
      tags: ['a']
    },
    required: []
  },
  {
    url: '/api/v1/me/password',
    auth: 'session',
    method: 'POST',
    valid: { currentPassword: 'x', newPassword: 'plum-tree-harbour-43' },
    required: ['currentPassword', 'newPassword']
  },
  {
    url: '/api/v1/me/email',
    auth: 'session',
    method: 'POST',
    valid: { newEmail: 'new@example.com' },
    required: ['newEmail']
  },
  {
    url: '/api/v1/me/tokens',
    auth: 'session',
    method: 'POST',
    valid: { name: 'n', scope: 'read' },
    required: ['name', 'scope']
  }
];

for (const dialect of testDialects()) {
  describe(`HTTP security and input handling (${dialect})`, () => {
    let t: TestApp;
    let cookie: string;
    let userId: string;
    const counts = async () => {
      const k = t.testDb.db.kysely;
      const [users, tokens, verifications] = await Promise.all([
        k.selectFrom('users').selectAll().execute(),
        k.selectFrom('api_tokens').selectAll().execute(),
        k.selectFrom('verifications').select('id').execute()
      ]);
      return JSON.stringify({
        users,
        tokens,
        verifications: verifications.length,
        mails: t.queue.jobs.length
      });
    };

    beforeAll(async () => {
      t = await createTestApp(dialect);
      const user = await t.buildUser({ email: 'owner@example.com' });
      userId = user.id;
      cookie = await t.logIn(user.email);
    });
    afterAll(async () => {
      await t.close();
    });

    it('answers 401 problem+json to anonymous callers on every protected endpoint', async () => {
      for (const e of PROTECTED) {
        const res = await t.request({
          method: e.method,
          url: e.url,
          ...(e.body ? { body: e.body } : {})
        });
        expect(res.statusCode, `${e.method} ${e.url}`).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({
          type: 'urn:guildhall:problem:unauthorized',
          status: 401
        });
      }
    });

    it('lets a read-only token do nothing but read', async () => {
      const token = await t.buildToken(userId, 'read');
      for (const e of PROTECTED) {
        const res = await t.request({
          method: e.method,
          url: e.url,
          token,
          ...(e.body ? { body: e.body } : {})
        });
        if (e.method === 'GET' && !e.url.includes('sessions'))
          expect(res.statusCode, e.url).toBe(200);
        else expect(res.statusCode, `${e.method} ${e.url}`).toBe(403);
      }
    });

    it('refuses cookie-authenticated writes from other sites or without an Origin (CSRF)', async () => {
      const body = { city: 'Evil City' };
      const foreign = await t.request({
        method: 'PATCH',
        url: '/api/v1/me',
        cookie,
        body,
        headers: { origin: 'https://evil.example' }
      });
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json().type).toBe('urn:guildhall:problem:csrf');
      const crossSite = await t.request({
        method: 'PATCH',
        url: '/api/v1/me',
        cookie,
        body,
        headers: { 'sec-fetch-site': 'cross-site' }
      });
      expect(crossSite.statusCode).toBe(403);
      const bare = await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: { cookie },
        payload: body
      });
      expect(bare.statusCode).toBe(403);
      const loginCsrf = await t.request({
        method: 'POST',
        url: '/api/v1/auth/log-in',
        body: { email: 'owner@example.com', password: 'plum-tree-harbour-42' },
        headers: { origin: 'https://evil.example' }
      });
      expect(loginCsrf.statusCode).toBe(403);
      expect(
        (await t.request({ method: 'GET', url: '/api/v1/me', cookie })).json().city
      ).toBeNull();
    });

    it('answers malformed bodies with 400 naming each field, and stores nothing', async () => {
      for (const e of BODIES) {
        const auth = e.auth === 'session' ? { cookie } : {};
        const before = await counts();
        const cases: { body: unknown; fields: string[] }[] = [
          { body: { ...e.valid, unexpected: 1, role: 'admin' }, fields: ['unexpected', 'role'] },
          ...Object.keys(e.valid).map((field) => ({
            body: { ...e.valid, [field]: 12345 },
            fields: [field]
          })),
          ...Object.keys(e.valid)
            .filter((f) => f !== 'tags')
            .map((field) => ({ body: { ...e.valid, [field]: 'x'.repeat(5000) }, fields: [field] }))
        ];
        if (e.required.length > 0) cases.push({ body: {}, fields: e.required });
        if (e.required.length > 0) cases.push({ body: undefined, fields: e.required });
        for (const c of cases) {
          const res = await t.request({
            method: e.method,
            url: e.url,
            ...auth,
            ...(c.body !== undefined ? { body: c.body } : {})
          });
          const label = `${e.method} ${e.url} ${c.body === undefined ? '(no body)' : JSON.stringify(c.body).slice(0, 80)}`;
          expect(res.statusCode, label).toBe(400);
          expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
          const problem = res.json();
          expect(problem.type, label).toBe('urn:guildhall:problem:validation');
          const named = problem.errors.map((x: { field: string }) => x.field);
          for (const field of c.fields) expect(named, label).toContain(field);
          for (const err of problem.errors) expect(err.message, label).toMatch(/\S/);
        }
        expect(await counts(), e.url).toBe(before);
      }
    });

    it('answers a JSON null body with 400 and changes nothing (it is not an empty body)', async () => {
      for (const e of BODIES.filter((b) => b.method === 'PATCH' || b.required.length === 0)) {
        const before = await counts();
        const res = await t.app.inject({
          method: e.method,
          url: e.url,
          headers: { cookie, origin: 'http://guildhall.test', 'content-type': 'application/json' },
          payload: 'null'
        });
        expect(res.statusCode, e.url).toBe(400);
        expect(res.json()).toMatchObject({
          type: 'urn:guildhall:problem:validation',
          errors: [{ field: '' }]
        });
        expect(await counts(), e.url).toBe(before);
      }
    });

    it('never answers 5xx to random bodies (property test)', async () => {
      const json = fc.jsonValue({ maxDepth: 3 });
      const shaped = (e: (typeof BODIES)[number]) =>
        fc.record(
          Object.fromEntries(
            Object.keys(e.valid).map((k) => [
              k,
              fc.oneof(json, fc.string(), fc.constant(e.valid[k]))
            ])
          ),
          {
            requiredKeys: []
          }
        );
      for (const e of BODIES) {
        const auth = e.auth === 'session' ? { cookie } : {};
        await fc.assert(
          fc.asyncProperty(fc.oneof(json, shaped(e)), async (body) => {
            const res = await t.request({
              method: e.method,
              url: e.url,
              ...auth,
              body
            });
            expect(res.statusCode, `${e.url} ${JSON.stringify(body)}`).toBeLessThan(500);
            expect(res.body).not.toMatch(/at .*\.ts:\d+/); // no stack traces
          }),
          { numRuns: 60 }
        );
      }
    });

    it('refuses bodies that are not JSON, too large, or of another media type', async () => {
      const base = {
        method: 'POST' as const,
        url: '/api/v1/auth/forgot-password',
        headers: { origin: 'http://guildhall.test' }
      };
      const broken = await t.app.inject({
        ...base,
        headers: { ...base.headers, 'content-type': 'application/json' },
        payload: '{"email":'
      });
      expect(broken.statusCode).toBe(400);
      expect(broken.json().type).toBe('urn:guildhall:problem:invalid-json');
      const big = await t.app.inject({
        ...base,
        headers: { ...base.headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'x'.repeat(70_000) })
      });
      expect(big.statusCode).toBe(413);
      expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
      const text = await t.app.inject({
        ...base,
        headers: { ...base.headers, 'content-type': 'text/plain' },
        payload: 'hello'
      });
      expect(text.statusCode).toBe(415);
    });

    it('sends security headers on API responses and health checks', async () => {
      for (const url of ['/api/v1/me', '/healthz', '/api/v1/nope']) {
        const res = await t.request({ method: 'GET', url, cookie });
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
        expect(res.headers['x-request-id']).toMatch(/\S/);
        if (url.startsWith('/api/')) {
          expect(res.headers['content-security-policy']).toBe(
            "default-src 'none'; frame-ancestors 'none'"
          );
          expect(res.headers['cache-control']).toBe('no-store');
        }
      }
      const unknown = await t.request({ method: 'GET', url: '/api/v1/nope' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().type).toBe('urn:guildhall:problem:not-found');
    });

    it('reports health and readiness, and documents the API as OpenAPI 3.1', async () => {
      expect((await t.request({ method: 'GET', url: '/healthz' })).json()).toEqual({
        status: 'ok'
      });
      expect((await t.request({ method: 'GET', url: '/readyz' })).json()).toEqual({
        status: 'ready'
      });
      const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/auth/sign-up',
          '/api/v1/me',
          '/api/v1/me/tokens',
          '/api/v1/me/tokens/{id}',
          '/api/v1/me/sessions'
        ])
      );
      expect(
        doc.paths['/api/v1/auth/sign-up'].post.requestBody.content['application/json'].schema
          .required
      ).toEqual(expect.arrayContaining(['email', 'password', 'displayName']));
      const redirect = await t.request({ method: 'GET', url: '/api/docs' });
      const docs =
        redirect.statusCode === 301
          ? await t.request({ method: 'GET', url: String(redirect.headers.location) })
          : redirect;
      expect(docs.statusCode).toBe(200);
      expect(docs.headers['content-type']).toMatch(/text\/html/);
    });
  });

  describe(`rate limits (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, {
        signUp: { max: 2, windowMs: 60_000 },
        logIn: { max: 3, windowMs: 60_000 },
        recovery: { max: 2, windowMs: 60_000 }
      });
    });
    afterAll(async () => {
      await t.close();
    });

    const hammer = async (
      url: string,
      body: (i: number) => Record<string, unknown>,
      n: number,
      ip: string
    ) => {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < n; i++) {
        last = await t.request({ method: 'POST', url, body: body(i), ip });
        statuses.push(last.statusCode);
      }
      return { statuses, last };
    };

    it('limits sign-up, log-in and recovery per client with 429 and Retry-After', async () => {
      const signUp = await hammer(
        '/api/v1/auth/sign-up',
        (i) => ({ email: `r${i}@example.com`, password: 'plum-tree-harbour-42', displayName: 'R' }),
        3,
        '10.0.0.1'
      );
      expect(signUp.statuses).toEqual([202, 202, 429]);
      expect(Number(signUp.last?.headers['retry-after'])).toBeGreaterThan(0);
      expect(signUp.last?.json()).toMatchObject({
        type: 'urn:guildhall:problem:rate-limited',
        status: 429
      });
      const users = await t.testDb.db.kysely.selectFrom('users').select('email').execute();
      expect(users.map((u) => u.email)).not.toContain('r2@example.com');

      const logIn = await hammer(
        '/api/v1/auth/log-in',
        () => ({ email: 'r0@example.com', password: 'wrong-password' }),
        4,
        '10.0.0.2'
      );
      expect(logIn.statuses).toEqual([401, 401, 401, 429]);
      expect(Number(logIn.last?.headers['retry-after'])).toBeGreaterThan(0);

      const reset = await hammer(
        '/api/v1/auth/forgot-password',
        () => ({ email: 'r0@example.com' }),
        3,
        '10.0.0.3'
      );
      expect(reset.statuses).toEqual([202, 202, 429]);

      // Another client is not affected.
      const other = await t.request({
        method: 'POST',
        url: '/api/v1/auth/forgot-password',
        body: { email: 'r0@example.com' },
        ip: '10.0.0.4'
      });
      expect(other.statusCode).toBe(202);
    });
  });
}
