// Prometheus metrics at /metrics: request latency by route, job queue depth, open event streams,
// the database (pool sizes on PostgreSQL, file sizes on SQLite) and the process (memory, event loop).
import { timingSafeEqual, createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { BlockList, isIPv4 } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from './context.ts';
import { isEventStream, openEventStreams } from './event-stream.ts';
import { Problem } from './problem.ts';

/** How `/metrics` may be reached. */
export interface MetricsOptions {
  /**
   * A bearer token scrapers must send (`Authorization: Bearer <token>`). When set, the token is
   * required from every address; when unset, only private addresses may scrape (see `registerMetrics`).
   */
  token?: string | undefined;
}

/** Route label of the pages (SvelteKit's catch-all), so each page URL is not a series of its own. */
export const PAGE_ROUTE = 'page';
/** Route label of requests no route matched (Fastify's 404 handler). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Loopback, RFC 1918 and IPv6 unique-local addresses: where a scraper inside the network sits. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/**
 * Whether `ip` is a loopback or private-network address (an IPv4-mapped IPv6 address counts as
 * its IPv4 address).
 *
 * @example
 * isPrivateAddress('10.1.2.3'); // true
 * isPrivateAddress('203.0.113.9'); // false
 */
export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  try {
    return PRIVATE.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  } catch {
    return false; // not an IP address at all
  }
}

/**
 * Process-wide metrics (memory, CPU, event loop lag, GC) in a registry of their own: they describe
 * the process, not one app, and collecting them sets up event-loop and GC observers that must
 * exist once per process — not once per app, as several apps share a process in tests.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Serves Prometheus metrics at `/metrics` from a registry of this app (never prom-client's global
 * one, so several apps in one process keep their own numbers):
 *
 * - `http_request_duration_seconds` (histogram; labels `method`, `route`, `status_code`): `route`
 *   is the route pattern (`/api/v1/groups/:slug`), never the URL, so ids do not multiply series;
 *   pages are `page`, requests no route matched `unmatched`. Event streams are left out (they
 *   last as long as the client stays). The pages' in-process API calls count as API requests.
 * - `guildhall_job_queue_depth`: jobs running or due (`JobQueue.depth()`, read on scrape).
 * - `guildhall_sse_clients`: open Server-Sent Event streams of this app.
 * - PostgreSQL: `guildhall_db_pool_connections` (all pool connections), `…_idle_connections`,
 *   `…_waiting_requests` (queries waiting for a connection — above 0 for long means the pool is
 *   too small) and `…_max_connections`. SQLite has no pool; instead `guildhall_db_size_bytes`
 *   (pages in use × page size) and `guildhall_db_wal_bytes` (the WAL file, which grows when
 *   checkpoints cannot keep up).
 * - Node's process metrics (`process_resident_memory_bytes`, `nodejs_heap_size_used_bytes`,
 *   `nodejs_eventloop_lag_seconds`, GC, …).
 *
 * Access: metrics tell an outsider how busy the site is and which routes exist, so they are not
 * public. With `options.token`, a scraper must send `Authorization: Bearer <token>` (from any
 * address). Without one, only loopback and private-network addresses (127/8, 10/8, 172.16/12,
 * 192.168/16, ::1, fc00::/7) may scrape, and only when the request did not come through a reverse
 * proxy that Guildhall does not trust (`TRUST_PROXY=false` and an `X-Forwarded-For` or `Forwarded`
 * header): a proxy on the same host would otherwise make every visitor look like loopback. With
 * `TRUST_PROXY=true` the client address the proxy reports decides. Everyone else gets a 404, as
 * for any private thing.
 *
 * @example
 * await registerMetrics(app, context, { token: 'a-long-random-secret' });
 * // curl -H 'authorization: Bearer …' http://10.0.0.5:3000/metrics
 */
export async function registerMetrics(
  app: FastifyInstance,
  context: AppContext,
  options: MetricsOptions = {}
): Promise<void> {
  const registry = new Registry();
  const { db, queue } = context;

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its response, by route pattern',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry]
  });
  // One child per label combination, found by a cheap string key: label sets are few (methods ×
  // routes × status codes) and looking a child up by an object of labels costs more per request.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  const routeOf = (request: FastifyRequest): string => {
    const url = request.routeOptions.url;
    if (url === undefined) return UNMATCHED_ROUTE;
    return url === '/*' ? PAGE_ROUTE : url;
  };
  app.addHook('onResponse', (request, reply, done) => {
    if (!isEventStream(request)) {
      const route = routeOf(request);
      const status = reply.statusCode;
      const key = `${request.method} ${status} ${route}`;
      let child = children.get(key);
      if (!child) {
        child = duration.labels(request.method, route, String(status));
        children.set(key, child);
      }
      child.observe(reply.elapsedTime / 1000);
    }
    done();
  });

  new Gauge({
    name: 'guildhall_job_queue_depth',
    help: 'Jobs running or due now, over all queues',
    registers: [registry],
    async collect() {
      try {
        this.set(await queue.depth());
      } catch (error) {
        // A scrape still answers while the database is away; the series is missing meanwhile.
        app.log.warn({ err: error }, 'could not read the job queue depth for /metrics');
        this.reset();
      }
    }
  });

  new Gauge({
    name: 'guildhall_sse_clients',
    help: 'Open Server-Sent Event streams',
    registers: [registry],
    collect() {
      this.set(openEventStreams(app));
    }
  });

  const { pool, sqlite } = db;
  if (pool) {
    const poolGauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        }
      });
    poolGauge(
      'guildhall_db_pool_connections',
      'PostgreSQL connections the pool holds (idle and in use)',
      () => pool.totalCount
    );
    poolGauge(
      'guildhall_db_pool_idle_connections',
      'PostgreSQL connections of the pool that are idle',
      () => pool.idleCount
    );
    poolGauge(
      'guildhall_db_pool_waiting_requests',
      'Queries waiting for a free PostgreSQL connection',
      () => pool.waitingCount
    );
    poolGauge(
      'guildhall_db_pool_max_connections',
      'The most PostgreSQL connections the pool opens',
      () => pool.options.max
    );
  } else if (sqlite) {
    new Gauge({
      name: 'guildhall_db_size_bytes',
      help: 'Size of the SQLite database (pages in use times page size)',
      registers: [registry],
      collect() {
        if (!sqlite.open) return;
        const pages = Number(sqlite.pragma('page_count', { simple: true }));
        const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
        this.set(pages * pageSize);
      }
    });
    if (!sqlite.memory) {
      new Gauge({
        name: 'guildhall_db_wal_bytes',
        help: 'Size of the SQLite write-ahead log file',
        registers: [registry],
        async collect() {
          this.set(
            await stat(`${sqlite.name}-wal`).then(
              (s) => s.size,
              () => 0
            )
          );
        }
      });
    }
  }

  const expected = options.token ? sha256(options.token) : undefined;
  const allowed = (request: FastifyRequest): boolean => {
    if (expected) {
      const header = request.headers.authorization ?? '';
      const given = /^Bearer (.+)$/i.exec(header)?.[1];
      // Digests have equal length, so timingSafeEqual compares without leaking the token length.
      return given !== undefined && timingSafeEqual(sha256(given), expected);
    }
    const proxied =
      request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
    if (proxied && !context.config.trustProxy) return false;
    return isPrivateAddress(request.ip);
  };

  app.get(
    '/metrics',
    {
      schema: { hide: true },
      onRequest: (request, _reply, done) => {
        done(allowed(request) ? undefined : new Problem('not-found'));
      }
    },
    async (_request, reply) => {
      const merged = Registry.merge([processMetrics(), registry]);
      const body = await merged.metrics();
      return reply
        .header('content-type', merged.contentType)
        .header('cache-control', 'no-store')
        .send(body);
    }
  );
}
