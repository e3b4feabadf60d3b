import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { createRealtime, type Realtime } from '../jobs/realtime.ts';
import { upsertVerifiedAccount } from '../services/account.service.ts';
import { createMeeting } from '../services/event.service.ts';
import { createGroup } from '../services/group.service.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../test/test-database.ts';
import { BASE_URL, PASSWORD, RecordingQueue, sessionCookie } from '../test/test-app.ts';
import { buildApp } from './app.ts';
import { PAGE_FLUSH_CHANNEL } from './http-cache.ts';
import { DEFAULT_PAGE_CACHE } from './page-cache.ts';
import { eventually } from '../test/eventually.ts';

// The pages come from the SvelteKit build (`npx vite build`); without one there is nothing to cache.
const buildDir = path.resolve('build');
const built = existsSync(path.join(buildDir, 'handler.js'));
// `npm test` builds before this tier; under CI a missing build is a failure, not a skip.
const ci = process.env.CI === 'true' || process.env.CI === '1';

function nonces(res: LightMyRequestResponse): { header?: string; body: string[] } {
  const csp = res.headers['content-security-policy'] ?? '';
  const header = /'nonce-([^']+)'/.exec(csp)?.[1];
  const body = [...res.body.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1] ?? '');
  return header === undefined ? { body } : { header, body };
}

for (const dialect of testDialects()) {
  describe.skipIf(!built && !ci)(`anonymous page cache (${dialect})`, () => {
    let app: FastifyInstance;
    let realtime: Realtime;
    let testDb: TestDatabase;
    let pagePath: string;
    let member: string;

    beforeAll(async () => {
      if (!built) throw new Error(`no web UI build in ${buildDir}: run \`npx vite build\` first`);
      testDb = await createTestDatabase(dialect);
      const config = loadConfig({
        DATA_DIR: testDb.dataDir,
        BASE_URL,
        NODE_ENV: 'test',
        SECRET: 'x'.repeat(40)
      });
      const queue = new RecordingQueue();
      realtime = await createRealtime({ dialect, databaseUrl: testDb.url });
      const server = await buildApp({
        config,
        db: testDb.db,
        queue,
        logger: pino({ level: 'silent' }),
        webBuildDir: buildDir,
        realtime
      });
      app = server.app;
      const auth = server.context.auth;
      await app.ready();

      const { id: ownerId } = await upsertVerifiedAccount(auth, testDb.db, {
        email: `owner-${dialect}@example.com`,
        name: 'Owner',
        password: PASSWORD
      });
      const group = await createGroup(testDb.db, ownerId, {
        slug: `cache-${dialect}`,
        name: 'Cache Club',
        kind: 'meetup',
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      const startsAt = new Date(Date.now() + 7 * 24 * 3600_000);
      const meeting = await createMeeting(testDb.db, queue, group.id, ownerId, {
        title: 'Caching talks',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
        timeZone: 'Europe/Berlin',
        publish: true
      });
      pagePath = `/groups/${group.slug}/events/${meeting.id}`;

      const email = `member-${dialect}@example.com`;
      await upsertVerifiedAccount(auth, testDb.db, { email, name: 'Member', password: PASSWORD });
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/log-in',
        headers: { origin: BASE_URL },
        payload: { email, password: PASSWORD }
      });
      member = sessionCookie(login);
      await app.inject({
        method: 'POST',
        url: `/api/v1/groups/${group.slug}/join`,
        headers: { origin: BASE_URL, cookie: member }
      });
    }, 120_000);

    afterAll(async () => {
      if (!built) return;
      await app.close();
      await testDb.dispose();
    });

    const get = (headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
      app.inject({ method, url: pagePath, headers: { host: 'guildhall.test', ...headers } });

    const empty = () => {
      app.pageCache?.clear();
    };

    it('sends the security headers on pages, static files and error pages', async () => {
      const entry = readdirSync(path.join(buildDir, 'client/_app/immutable/entry')).find((f) =>
        f.endsWith('.js')
      );
      const urls = ['/', pagePath, `/_app/immutable/entry/${entry ?? ''}`, '/favicon.svg', '/nope'];
      for (const url of urls) {
        const res = await app.inject({ method: 'GET', url, headers: { host: 'guildhall.test' } });
        expect(res.statusCode, url).toBe(url === '/nope' ? 404 : 200);
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        expect(res.headers['x-frame-options'], url).toBe('DENY');
        expect(res.headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin');
        expect(res.headers['strict-transport-security'], url).toBeUndefined(); // http here
        if (!url.includes('.')) {
          // Pages (the error page too) allow scripts only with this answer's nonce.
          const csp = res.headers['content-security-policy'] ?? '';
          const scripts = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
          expect(scripts, url).toMatch(/'nonce-[^']+'/);
          expect(scripts, url).not.toContain("'unsafe-inline'");
          expect(csp, url).toMatch(/frame-ancestors 'none'/);
        }
      }
    });

    it('renders an anonymous page once, then serves the copy with a fresh nonce', async () => {
      empty();
      const first = await get();
      const second = await get();
      expect(first.statusCode).toBe(200);
      expect(second.statusCode).toBe(200);
      expect(first.headers['x-cache']).toBe('miss');
      expect(second.headers['x-cache']).toBe('hit');

      const a = nonces(first);
      const b = nonces(second);
      expect(a.header).toBeDefined();
      expect(b.header).toBeDefined();
      expect(a.header).not.toBe(b.header);
      for (const { header, body } of [a, b]) {
        expect(body.length).toBeGreaterThan(0);
        expect(new Set(body)).toEqual(new Set([header]));
      }
      expect(second.body.replaceAll(b.header ?? '', 'N')).toBe(
        first.body.replaceAll(a.header ?? '', 'N')
      );
      expect(second.headers['cache-control']).toBe('private, no-cache');
      expect(String(second.headers.vary)).toMatch(/Cookie/);
      expect(second.headers.etag).toBe(first.headers.etag);
    });

    it('keys the copy on the language', async () => {
      empty();
      const en = await get({ 'accept-language': 'en' });
      const de = await get({ 'accept-language': 'de-DE' });
      expect(en.headers['x-cache']).toBe('miss');
      expect(de.headers['x-cache']).toBe('miss');
      expect(de.body).toContain('lang="de"');
      const deAgain = await get({ cookie: 'guildhall_lang=de' });
      expect(deAgain.headers['x-cache']).toBe('hit');
      expect(deAgain.body).toContain('lang="de"');
    });

    it('neither serves nor stores pages for a signed-in visitor', async () => {
      empty();
      await get(); // an anonymous copy exists
      const signedIn = await get({ cookie: member });
      expect(signedIn.statusCode).toBe(200);
      expect(signedIn.headers['x-cache']).toBeUndefined();
      expect(signedIn.headers['cache-control']).toBe('private, no-store');
      empty();
      await get({ cookie: member });
      await get({ authorization: 'Bearer gh_nothing' });
      expect(app.pageCache?.size).toBe(0);
      expect((await get()).headers['x-cache']).toBe('miss');
    });

    it('is emptied by an RSVP made through the page form', async () => {
      empty();
      await get();
      expect((await get()).headers['x-cache']).toBe('hit');
      const rsvp = await app.inject({
        method: 'POST',
        url: `${pagePath}?/rsvp`,
        headers: {
          host: 'guildhall.test',
          origin: BASE_URL,
          cookie: member,
          'content-type': 'application/x-www-form-urlencoded'
        },
        payload: 'status=going&guests=0'
      });
      expect(rsvp.statusCode).toBeLessThan(400);
      const after = await get();
      expect(after.headers['x-cache']).toBe('miss');
    });

    it('is emptied when another node writes', async () => {
      empty();
      await get();
      expect(app.pageCache?.size).toBe(1);
      const other =
        dialect === 'postgres'
          ? await createRealtime({ dialect, databaseUrl: testDb.url })
          : realtime;
      try {
        await other.publish(PAGE_FLUSH_CHANNEL, 'another-node');
        await eventually(() => app.pageCache?.size === 0);
      } finally {
        if (other !== realtime) await other.close();
      }
      expect((await get()).headers['x-cache']).toBe('miss');
    });

    it('compresses as the client accepts, with the nonce intact', async () => {
      empty();
      await get();
      for (const [accept, encoding] of [
        ['gzip, deflate, br', 'gzip'],
        ['br', 'br']
      ] as const) {
        const res = await get({ 'accept-encoding': accept });
        expect(res.headers['content-encoding']).toBe(encoding);
        expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
        const html = (
          encoding === 'gzip'
            ? zlib.gunzipSync(res.rawPayload)
            : zlib.brotliDecompressSync(res.rawPayload)
        ).toString();
        const header = /'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))?.[1];
        expect(header).toBeDefined();
        expect(html).toContain(`nonce="${header ?? ''}"`);
      }
      const plain = await get();
      expect(plain.headers['content-encoding']).toBeUndefined();
    });

    it('answers 304 to a matching If-None-Match, without a CSP header', async () => {
      empty();
      const first = await get();
      const again = await get({ 'if-none-match': String(first.headers.etag) });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers['content-security-policy']).toBeUndefined();
      const head = await get({}, 'HEAD');
      expect(head.statusCode).toBe(200);
      expect(head.headers['x-cache']).toBe('hit');
      expect(head.body).toBe('');
    });

    it('serves an expired copy while one request renders the page anew', async () => {
      empty();
      const first = await get();
      expect(first.headers['x-cache']).toBe('miss');
      const later = Date.now() + DEFAULT_PAGE_CACHE.ttlMs + 1000;
      const clock = vi.spyOn(Date, 'now').mockImplementation(() => later);
      try {
        const [renderer, reader] = await Promise.all([get(), get()]);
        expect(renderer.headers['x-cache']).toBe('miss');
        expect(reader.headers['x-cache']).toBe('stale');
        expect(reader.headers.etag).toBe(first.headers.etag);
        expect((await get()).headers['x-cache']).toBe('hit');
      } finally {
        clock.mockRestore();
      }
    });

    it('renders concurrent misses for one page once', async () => {
      empty();
      const answers = await Promise.all(Array.from({ length: 5 }, () => get()));
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.filter((a) => a.headers['x-cache'] === 'miss')).toHaveLength(1);
      expect(new Set(answers.map((a) => nonces(a).header)).size).toBe(5);
    });
  });
}
