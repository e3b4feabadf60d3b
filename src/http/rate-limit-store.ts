import type {
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
  RateLimitPluginOptions
} from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AppContext } from './context.ts';

/** What a store reports for one key: requests counted in its window and ms until the window ends. */
interface Count {
  current: number;
  ttl: number;
}

type Callback = (error: Error | null, result?: Count) => void;

/** How often (at most) a process deletes windows that ended; pruning rides along an `incr`. */
const PRUNE_EVERY_MS = 60_000;

/** State every route's store shares: the database and when this process last pruned. */
interface Shared {
  db: Db;
  pruneEveryMs: number;
  lastPruneAt: number;
}

/**
 * A @fastify/rate-limit store over the `rate_limits` table, so that every app node on one
 * PostgreSQL database counts against the same limit. Fixed windows: a window starts at a multiple
 * of `timeWindow` (on the database's clock, so nodes with skewed clocks agree), and one
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` counts a request and reads the total atomically.
 * Windows that ended are deleted now and then. The plugin's `continueExceeding` and
 * `exponentialBackoff` options are not supported (no route uses them).
 */
class PostgresRateLimitStore implements FastifyRateLimitStore {
  readonly #shared: Shared;
  readonly #prefix: string;

  constructor(shared: Shared, prefix: string) {
    this.#shared = shared;
    this.#prefix = prefix;
  }

  incr(key: string, callback: Callback, timeWindow: number): void {
    this.#count(key, timeWindow).then(
      (count) => {
        callback(null, count);
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    );
    this.#pruneNowAndThen();
  }

  /** The count without counting (the plugin's `createRateLimit(...)(req, { increment: false })`). */
  read(key: string, callback: Callback, timeWindow: number): void {
    this.#peek(key, timeWindow).then(
      (count) => {
        callback(null, count);
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    );
  }

  /** One store per route, its keys prefixed with the route (as the plugin's Redis store does). */
  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    // At runtime the plugin passes its merged options with the route under `routeInfo`.
    const route = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
    const method = Array.isArray(route?.method)
      ? route.method.join(',')
      : typeof route?.method === 'string'
        ? route.method
        : '';
    const routeKey = typeof route?.url === 'string' ? `${method}${route.url}-` : 'route-';
    return new PostgresRateLimitStore(this.#shared, `${this.#prefix}${routeKey}`);
  }

  async #count(key: string, timeWindow: number): Promise<Count> {
    const window = windowLength(timeWindow);
    const { rows } = await sql<{ count: number; ttl: string }>`
      WITH t AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms)
      INSERT INTO rate_limits AS r (key, window_start, window_end, count)
      SELECT ${this.#prefix + key}, now_ms - now_ms % ${window}, now_ms - now_ms % ${window} + ${window}, 1
        FROM t
      ON CONFLICT (key, window_start) DO UPDATE SET count = r.count + 1
      RETURNING r.count, r.window_end - (SELECT now_ms FROM t) AS ttl`.execute(
      this.#shared.db.kysely
    );
    const row = rows[0];
    if (!row) throw new Error('rate limit upsert returned no row');
    return { current: row.count, ttl: Math.max(0, Number(row.ttl)) };
  }

  async #peek(key: string, timeWindow: number): Promise<Count> {
    const window = windowLength(timeWindow);
    const { rows } = await sql<{ count: number; ttl: string }>`
      WITH t AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms)
      SELECT r.count, r.window_end - t.now_ms AS ttl
        FROM rate_limits r, t
       WHERE r.key = ${this.#prefix + key} AND r.window_start = t.now_ms - t.now_ms % ${window}`.execute(
      this.#shared.db.kysely
    );
    const row = rows[0];
    return row ? { current: row.count, ttl: Math.max(0, Number(row.ttl)) } : { current: 0, ttl: 0 };
  }

  /** Deletes ended windows at most once per `pruneEveryMs` per process, without holding anyone up. */
  #pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.#shared.lastPruneAt < this.#shared.pruneEveryMs) return;
    this.#shared.lastPruneAt = now;
    // The clock sits in a scalar subquery, evaluated once: compared directly, the volatile
    // clock_timestamp() would keep the index on window_end out and scan the whole table.
    void sql`
      DELETE FROM rate_limits
       WHERE window_end < (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`
      .execute(this.#shared.db.kysely)
      .catch(() => {
        // Left for the next prune: stale rows only take space, they never count.
        this.#shared.lastPruneAt = 0;
      });
  }
}

/** A window length the SQL can use: a whole number of ms, at least one. */
function windowLength(timeWindow: number): number {
  return Number.isFinite(timeWindow) ? Math.max(1, Math.round(timeWindow)) : 60_000;
}

/**
 * The rate-limit store class over PostgreSQL table `rate_limits` (see `PostgresRateLimitStore`),
 * for @fastify/rate-limit's `store` option, which it instantiates itself.
 *
 * @example
 * await app.register(rateLimit, { global: false, store: postgresRateLimitStore(db) });
 */
export function postgresRateLimitStore(
  db: Db,
  options: { pruneEveryMs?: number } = {}
): FastifyRateLimitStoreCtor {
  const shared: Shared = {
    db,
    pruneEveryMs: options.pruneEveryMs ?? PRUNE_EVERY_MS,
    lastPruneAt: 0
  };
  return class extends PostgresRateLimitStore {
    constructor() {
      super(shared, 'guildhall-rate-limit-');
    }
  };
}

/**
 * Where rate-limit counters live: on PostgreSQL in a table every app node shares (a limit of 10
 * log-ins is 10 across all nodes, not 10 per node); on SQLite (one process) in memory, the
 * plugin's default.
 *
 * @example
 * await app.register(rateLimit, { global: false, ...rateLimitBackend(context) });
 */
export function rateLimitBackend(context: AppContext): Partial<RateLimitPluginOptions> {
  return context.db.dialect === 'postgres' ? { store: postgresRateLimitStore(context.db) } : {};
}
