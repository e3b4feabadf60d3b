import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { postgresRateLimitStore } from './rate-limit-store.ts';

type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];

/** What the plugin hands `child` at runtime: its merged options, the route under `routeInfo`. */
const route = (method: string, url: string) =>
  ({ routeInfo: { method, url } }) as unknown as RouteOptions;

function incr(
  store: FastifyRateLimitStore,
  key: string,
  windowMs: number
): Promise<{ current: number; ttl: number }> {
  return new Promise((resolve, reject) => {
    store.incr(
      key,
      (error, result) => {
        if (error || !result) reject(error ?? new Error('no result'));
        else resolve(result);
      },
      windowMs,
      10
    );
  });
}

// The PostgreSQL store on its own (the two-node test shows two apps sharing it).
describe.runIf(process.env.GUILDHALL_TEST_PG_URL)('PostgreSQL rate-limit store (postgres)', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });

  afterAll(async () => {
    await t.dispose();
  });

  const rows = async () =>
    Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM rate_limits`.execute(t.db.kysely)).rows[0]
        ?.n
    );

  it('counts per route and key within a fixed window, with the time left in it', async () => {
    const Store = postgresRateLimitStore(t.db);
    const root = new Store({});
    const logIn = root.child(route('POST', '/api/v1/auth/log-in'));
    const signUp = root.child(route('POST', '/api/v1/auth/sign-up'));
    const hour = 3600_000;
    const first = await incr(logIn, '10.0.0.1', hour);
    expect(first.current).toBe(1);
    expect(first.ttl).toBeGreaterThan(0);
    expect(first.ttl).toBeLessThanOrEqual(hour);
    // Many requests at once: the upsert is atomic, none is lost.
    const many = await Promise.all(Array.from({ length: 20 }, () => incr(logIn, '10.0.0.1', hour)));
    expect(many.map((r) => r.current).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 2)
    );
    // Another address, and the same address on another route, count on their own.
    expect((await incr(logIn, '10.0.0.2', hour)).current).toBe(1);
    expect((await incr(signUp, '10.0.0.1', hour)).current).toBe(1);
    // A second store instance (another node) sees the same counter.
    const otherNode = new (postgresRateLimitStore(t.db))({}).child(
      route('POST', '/api/v1/auth/log-in')
    );
    expect((await incr(otherNode, '10.0.0.1', hour)).current).toBe(22);
  });

  it('starts a new window when the old one ends, and prunes windows that ended', async () => {
    const Store = postgresRateLimitStore(t.db, { pruneEveryMs: 0 });
    const store = new Store({}).child(route('GET', '/short'));
    const windowMs = 1500;
    // Start right after a window boundary so both increments fall into one window.
    await new Promise((r) => setTimeout(r, windowMs - (Date.now() % windowMs) + 5));
    expect((await incr(store, 'k', windowMs)).current).toBe(1);
    const again = await incr(store, 'k', windowMs);
    expect(again.current).toBe(2);
    await new Promise((r) => setTimeout(r, again.ttl + 50));
    expect((await incr(store, 'k', windowMs)).current).toBe(1);
    // Pruning rides along an increment and does not wait: give it a moment.
    await new Promise((r) => setTimeout(r, windowMs + 50));
    await incr(store, 'other', windowMs);
    await new Promise((r) => setTimeout(r, 200));
    const left = await sql<{ key: string }>`
      SELECT key FROM rate_limits WHERE key LIKE ${'%/short-%'}`.execute(t.db.kysely);
    expect(left.rows.map((r) => r.key)).toEqual(['guildhall-rate-limit-GET/short-other']);
    // The long windows of the first test are still there.
    expect(await rows()).toBeGreaterThan(1);
  });
});
