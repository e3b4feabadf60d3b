import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRealtime } from '../jobs/realtime.ts';
import { buildRoomFixture, type RoomFixture } from '../test/room-fixture.ts';
import { SseReader } from '../test/sse-reader.ts';
import { describeWithApp, type TestApp } from '../test/test-app.ts';
import { PAGE_FLUSH_CHANNEL, PUBLIC_API_CACHE_CONTROL } from './http-cache.ts';
import { templatePage } from './page-cache.ts';
import { eventually } from '../test/eventually.ts';

/** Puts one page into the app's page cache, as web-mount.ts would after a render. */
function fillPageCache(t: TestApp, key = 'http://guildhall.test/x\nen\n'): void {
  const cache = t.app.pageCache;
  const page = templatePage(
    200,
    { 'content-type': 'text/html' },
    Buffer.from('<p>hi</p>'),
    undefined
  );
  if (!cache || !page) throw new Error('no page cache');
  expect(cache.set(key, page, cache.generation)).toBe(true);
  expect(cache.size).toBe(1);
}

/** Waits until `check` holds (realtime listeners run on a later tick, or after a NOTIFY). */
function varyOf(headers: Record<string, unknown>): string[] {
  const vary = headers.vary;
  return (typeof vary === 'string' ? vary : '').split(',').map((v) => v.trim().toLowerCase());
}

describeWithApp('HTTP caching and compression', (app, dialect) => {
  let t: TestApp;
  let room: RoomFixture;
  let eventUrl: string;
  let feedUrl: string;
  let base: string;

  beforeAll(async () => {
    t = app();
    room = await buildRoomFixture(t, { going: 1 });
    eventUrl = `/api/v1/events/${room.meeting.id}`;
    feedUrl = `/api/v1/groups/${room.group.slug}/calendar.ics`;
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    await t.app.close();
  });

  it('gives an anonymous public read a weak ETag, a short public lifetime and a Vary', async () => {
    const res = await t.request({ method: 'GET', url: eventUrl });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toMatch(/^W\/".+"$/);
    expect(res.headers['cache-control']).toBe(PUBLIC_API_CACHE_CONTROL);
    expect(varyOf(res.headers)).toEqual(
      expect.arrayContaining(['accept-language', 'authorization', 'cookie'])
    );

    const again = await t.request({
      method: 'GET',
      url: eventUrl,
      headers: { 'if-none-match': String(res.headers.etag) }
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(res.headers.etag);

    const other = await t.request({
      method: 'GET',
      url: eventUrl,
      headers: { 'if-none-match': 'W/"something-else"' }
    });
    expect(other.statusCode).toBe(200);
    expect(other.body).toBe(res.body);
  });

  it('never marks an answer for a signed-in caller public, but still validates it', async () => {
    const res = await t.request({ method: 'GET', url: eventUrl, token: room.going[0]?.token });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toMatch(/^W\//);
    const again = await t.request({
      method: 'GET',
      url: eventUrl,
      token: room.going[0]?.token,
      headers: { 'if-none-match': String(res.headers.etag) }
    });
    expect(again.statusCode).toBe(304);
    // The signed-in view differs from the anonymous one (it carries `myRsvp`): another tag.
    const anonymous = await t.request({ method: 'GET', url: eventUrl });
    expect(anonymous.headers.etag).not.toBe(res.headers.etag);
  });

  it('keeps errors and secret URLs out of shared caches', async () => {
    const missing = await t.request({
      method: 'GET',
      url: '/api/v1/events/00000000-0000-4000-8000-000000000000'
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    expect(missing.headers.etag).toBeUndefined();

    const someone = await t.buildUser();
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/me/calendar-feed',
      cookie: await t.logIn(someone.email)
    });
    expect(created.statusCode).toBe(201);
    const secretPath = new URL(created.json<{ url: string }>().url).pathname;
    const feed = await t.request({ method: 'GET', url: secretPath });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['cache-control']).toBe('private, no-cache');
    expect(feed.headers.etag).toMatch(/^W\//);
  });

  it('validates calendar feeds with ETags and keeps their own Cache-Control', async () => {
    const res = await t.request({ method: 'GET', url: feedUrl });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/calendar');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(varyOf(res.headers)).toContain('accept-language');
    const again = await t.request({
      method: 'GET',
      url: feedUrl,
      headers: { 'if-none-match': String(res.headers.etag) }
    });
    expect(again.statusCode).toBe(304);
  });

  it('compresses with br or gzip as asked, and not at all when not asked', async () => {
    const url = '/api/v1/openapi.json';
    const plain = await t.request({ method: 'GET', url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1024);

    const gzip = await t.request({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    expect(varyOf(gzip.headers)).toContain('accept-encoding');

    const br = await t.request({
      method: 'GET',
      url,
      headers: { 'accept-encoding': 'gzip, deflate, br' }
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    // The weak ETag is the same for every encoding of the same answer.
    expect(br.headers.etag).toBe(plain.headers.etag);

    const feed = await t.request({
      method: 'GET',
      url: feedUrl,
      headers: { 'accept-encoding': 'gzip' }
    });
    if (Buffer.byteLength(feed.body) >= 1024) expect(feed.headers['content-encoding']).toBe('gzip');
  });

  it('leaves Server-Sent Events uncompressed and streaming', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/events/${room.meeting.id}/room/stream`, {
      headers: { 'accept-encoding': 'gzip, br', authorization: `Bearer ${room.host.token}` },
      signal: controller.signal
    });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expect(res.headers.get('content-encoding')).toBeNull();
      const first = await new SseReader(res).next(5000);
      expect(first.data.length).toBeGreaterThan(0);
    } finally {
      controller.abort();
    }
  });

  it('empties the page cache after a successful write, not after a refused one', async () => {
    fillPageCache(t);
    const refused = await t.request({
      method: 'POST',
      url: `/api/v1/events/${room.meeting.id}/questions`,
      token: room.outsider.token,
      body: { body: '' }
    });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(t.app.pageCache?.size).toBe(1);

    const written = await t.request({
      method: 'POST',
      url: `/api/v1/events/${room.meeting.id}/questions`,
      token: room.host.token,
      body: { body: 'Will the slides be online?' }
    });
    expect(written.statusCode).toBeLessThan(400);
    expect(t.app.pageCache?.size).toBe(0);
  });

  it('empties the page cache when another node says so', async () => {
    fillPageCache(t);
    // Another node: on PostgreSQL its own LISTEN/NOTIFY connection, on SQLite (one process by
    // design) a message on the same fan-out from another sender.
    const other =
      dialect === 'postgres'
        ? await createRealtime({ dialect, databaseUrl: t.testDb.url })
        : t.context.realtime;
    try {
      await other.publish(PAGE_FLUSH_CHANNEL, 'another-node');
      await eventually(() => t.app.pageCache?.size === 0);
    } finally {
      if (other !== t.context.realtime) await other.close();
    }
  });

  it('tells the other nodes when it writes', async () => {
    const heard: string[] = [];
    const stop = t.context.realtime.subscribe(PAGE_FLUSH_CHANNEL, (from) => heard.push(from));
    try {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/events/${room.meeting.id}/questions`,
        token: room.host.token,
        body: { body: 'And the recording?' }
      });
      expect(res.statusCode).toBeLessThan(400);
      await eventually(() => heard.length > 0);
    } finally {
      stop();
    }
  });
});
