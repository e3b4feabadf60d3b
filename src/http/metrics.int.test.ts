import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createJobQueue } from '../jobs/create-job-queue.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { createGroup } from '../services/group.service.ts';
import { buildRoomFixture } from '../test/room-fixture.ts';
import { describeWithApp, type TestApp } from '../test/test-app.ts';
import type { AppContext } from './context.ts';
import { registerErrorHandling } from './error-handler.ts';
import { isPrivateAddress, registerMetrics } from './metrics.ts';

/** The value of the sample `name{labels}` (labels as Prometheus prints them), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** Every label set of the histogram's `_count` samples. */
function countLabels(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('http_request_duration_seconds_count{'))
    .map((l) => l.slice(l.indexOf('{') + 1, l.lastIndexOf('}')));
}

it('tells private from public addresses', () => {
  for (const ip of ['127.0.0.1', '10.2.3.4', '172.20.0.9', '192.168.1.1', '::1', 'fd00::7']) {
    expect(isPrivateAddress(ip), ip).toBe(true);
  }
  expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
  for (const ip of ['203.0.113.9', '8.8.8.8', '172.32.0.1', '2001:db8::1', '::ffff:8.8.8.8', 'x']) {
    expect(isPrivateAddress(ip), ip).toBe(false);
  }
});

describeWithApp('metrics', (app, dialect) => {
  let t: TestApp;
  const scrape = async (headers: Record<string, string> = {}): Promise<string> => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  beforeAll(() => {
    t = app();
  });

  it('records request latency by route pattern, never by the raw URL', async () => {
    const { id: ownerId } = await t.buildUser();
    const group = await createGroup(t.testDb.db, ownerId, {
      slug: 'metrics-group',
      name: 'Metrics group',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    for (let i = 0; i < 3; i += 1) {
      expect((await t.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    }
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/groups/${group.slug}` })).statusCode
    ).toBe(200);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/groups/no-such-group' })).statusCode
    ).toBe(404);
    expect((await t.request({ method: 'GET', url: '/nothing-here?x=1' })).statusCode).toBe(404);

    const text = await scrape();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(
      sample(
        text,
        'http_request_duration_seconds_count',
        'method="GET",route="/healthz",status_code="200"'
      )
    ).toBe(3);
    expect(
      sample(
        text,
        'http_request_duration_seconds_count',
        'method="GET",route="/api/v1/groups/:slug",status_code="200"'
      )
    ).toBe(1);
    expect(
      sample(
        text,
        'http_request_duration_seconds_count',
        'method="GET",route="/api/v1/groups/:slug",status_code="404"'
      )
    ).toBe(1);
    expect(
      sample(
        text,
        'http_request_duration_seconds_bucket',
        'le="+Inf",method="GET",route="/healthz",status_code="200"'
      )
    ).toBe(3);
    const labels = countLabels(text);
    expect(labels.join('\n')).not.toContain('metrics-group');
    expect(labels.join('\n')).not.toContain('no-such-group');
    expect(labels.join('\n')).not.toContain('nothing-here');
    expect(labels).toContain('method="GET",route="unmatched",status_code="404"');
  });

  it('shows the process and the database', async () => {
    const text = await scrape();
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(sample(text, 'guildhall_job_queue_depth')).toBe(0);
    expect(sample(text, 'guildhall_sse_clients')).toBe(0);
    if (dialect === 'postgres') {
      expect(sample(text, 'guildhall_db_pool_max_connections')).toBe(5); // the test pool's size
      expect(sample(text, 'guildhall_db_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'guildhall_db_pool_idle_connections')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'guildhall_db_pool_waiting_requests')).toBe(0);
      expect(text).not.toContain('guildhall_db_size_bytes');
    } else {
      expect(sample(text, 'guildhall_db_size_bytes')).toBeGreaterThan(4096);
      expect(sample(text, 'guildhall_db_wal_bytes')).toBeGreaterThanOrEqual(0);
      expect(text).not.toContain('guildhall_db_pool');
    }
  });

  it('counts waiting PostgreSQL queries while the pool is exhausted', async () => {
    const pool = t.testDb.db.pool;
    if (dialect !== 'postgres' || !pool) return;
    const held = await Promise.all(Array.from({ length: 5 }, () => pool.connect()));
    const waiting = pool.query('select 1');
    let text: string;
    try {
      text = await scrape();
    } finally {
      for (const client of held) client.release();
      await waiting;
    }
    expect(sample(text, 'guildhall_db_pool_connections')).toBe(5);
    expect(sample(text, 'guildhall_db_pool_idle_connections')).toBe(0);
    expect(sample(text, 'guildhall_db_pool_waiting_requests')).toBe(1);
  });

  it('counts open event streams and forgets closed ones', async () => {
    const room = await buildRoomFixture(t);
    // The app stops listening when the suite closes it.
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    {
      const open = () => {
        const controller = new AbortController();
        const response = fetch(`${base}/api/v1/events/${room.meeting.id}/room/stream`, {
          headers: { authorization: `Bearer ${room.host.token}` },
          signal: controller.signal
        });
        return { controller, response };
      };
      const first = open();
      const second = open();
      expect((await first.response).status).toBe(200);
      expect((await second.response).status).toBe(200);
      expect(sample(await scrape(), 'guildhall_sse_clients')).toBe(2);

      first.controller.abort();
      await expect.poll(async () => sample(await scrape(), 'guildhall_sse_clients')).toBe(1);
      second.controller.abort();
      await expect.poll(async () => sample(await scrape(), 'guildhall_sse_clients')).toBe(0);
      // A stream lasts as long as its client: it would only blur the latency histogram.
      expect(countLabels(await scrape()).join('\n')).not.toContain('/room/stream');
    }
  });

  it('answers only private addresses that did not come through an untrusted proxy', async () => {
    const get = (remoteAddress: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });
    expect((await get('10.0.0.8')).statusCode).toBe(200);
    expect((await get('192.168.4.2')).statusCode).toBe(200);
    expect((await get('::1')).statusCode).toBe(200);

    const denied = await get('203.0.113.7');
    expect(denied.statusCode).toBe(404);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(denied.body).not.toContain('http_request_duration_seconds');
    // A reverse proxy on the same host that Guildhall does not trust: every visitor is loopback.
    expect(t.config.trustProxy).toBe(false);
    expect((await get('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).statusCode).toBe(404);
    expect((await get('127.0.0.1', { forwarded: 'for=203.0.113.7' })).statusCode).toBe(404);
  });

  describeBareApp(app);
});

/**
 * A second Fastify instance with only the metrics (and problem answers) on the test app's
 * database, for what the full app does not configure: a bearer token, a real job queue.
 */
function describeBareApp(app: () => TestApp): void {
  let bare: FastifyInstance | undefined;
  let queue: JobQueue | undefined;
  const TOKEN = 'scrape-token-0123456789abcdef';

  beforeAll(async () => {
    const t = app();
    queue = createJobQueue(t.testDb.db, {
      databaseUrl: t.testDb.url,
      logger: pino({ level: 'silent' })
    });
    const context: AppContext = { ...t.context, queue };
    bare = Fastify({ logger: false });
    registerErrorHandling(bare);
    await registerMetrics(bare, context, { token: TOKEN });
    // Stands in for the pages' catch-all route (web-mount.ts), which test apps do not mount.
    bare.get('/*', () => 'a page');
    await bare.ready();
  });

  afterAll(async () => {
    await bare?.close();
    await queue?.stop();
  });

  const get = (headers: Record<string, string>, remoteAddress = '127.0.0.1') => {
    if (!bare) throw new Error('bare app not started');
    return bare.inject({ method: 'GET', url: '/metrics', headers, remoteAddress });
  };

  it('with a token, wants it from every address, and only it', async () => {
    expect((await get({})).statusCode).toBe(404);
    expect((await get({ authorization: 'Bearer wrong' })).statusCode).toBe(404);
    expect((await get({ authorization: `Bearer ${TOKEN}x` })).statusCode).toBe(404);
    expect((await get({ authorization: TOKEN })).statusCode).toBe(404);
    expect((await get({ authorization: `Bearer ${TOKEN}` })).statusCode).toBe(200);
    expect((await get({ authorization: `Bearer ${TOKEN}` }, '203.0.113.7')).statusCode).toBe(200);
  });

  it('labels every page with one route, whatever its URL', async () => {
    if (!bare) throw new Error('bare app not started');
    for (const url of ['/groups/a', '/groups/b/events/1', '/people/c?x=1']) {
      expect((await bare.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
    const labels = countLabels((await get({ authorization: `Bearer ${TOKEN}` })).body);
    expect(labels).toContain('method="GET",route="page",status_code="200"');
    expect(labels.join('\n')).not.toMatch(/groups|people/);
    expect(
      sample(
        (await get({ authorization: `Bearer ${TOKEN}` })).body,
        'http_request_duration_seconds_count',
        'method="GET",route="page",status_code="200"'
      )
    ).toBe(3);
  });

  it('shows the jobs that are due on the queue', async () => {
    if (!queue) throw new Error('queue not created');
    const auth = { authorization: `Bearer ${TOKEN}` };
    queue.work('metrics-depth', () => Promise.resolve());
    await queue.enqueue('metrics-depth', { n: 1 });
    await queue.enqueue('metrics-depth', { n: 2 });
    await queue.enqueue('metrics-depth', { n: 3 }, { runAt: new Date(Date.now() + 3_600_000) });
    // Not started: the first two wait, due; the third is not due yet.
    expect(sample((await get(auth)).body, 'guildhall_job_queue_depth')).toBe(2);
  });
}
