import { createHash, randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Realtime } from '../jobs/realtime.ts';
import type { AppContext } from './context.ts';
import { DEFAULT_PAGE_CACHE, etagMatches, PageCache, type PageCacheOptions } from './page-cache.ts';

/** The realtime channel on which a node tells the others to empty their page caches. */
export const PAGE_FLUSH_CHANNEL = 'pages:flush';

/** Short public lifetime of anonymous API reads: a shared cache may absorb bursts, no more. */
export const PUBLIC_API_CACHE_CONTROL = 'public, max-age=5';

/** What a public API answer depends on besides its URL. */
const PUBLIC_VARY = ['Accept-Language', 'Authorization', 'Cookie'];

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Compressed: text and JSON-like answers. Never text/event-stream (it must stream). */
const COMPRESSIBLE =
  /^(?:text\/(?:html|plain|css|csv|calendar|xml)|application\/(?:json|problem\+json|xml|atom\+xml|rss\+xml|ld\+json|javascript))\s*(?:;|$)/i;

/** Anonymous reads that are secrets in themselves: a token or secret in the path or the query. */
const SECRET_ROUTE = /:(?:token|secret)\b/;
const SECRET_QUERY = /[?&](?:token|secret|key)=/i;

/** Requests whose anonymous answer may be `public` (decided before the handler runs). */
const publicCandidates = new WeakSet<FastifyRequest>();

function appendVary(reply: FastifyReply, names: string[]): void {
  const current = reply.getHeader('vary');
  const have = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const lower = new Set(have.map((n) => n.toLowerCase()));
  if (lower.has('*')) return;
  const missing = names.filter((n) => !lower.has(n.toLowerCase()));
  if (missing.length > 0) void reply.header('vary', [...have, ...missing].join(', '));
}

/** A weak validator for a serialized answer (equal bodies, equal tags, whatever the encoding). */
function weakEtag(payload: string | Buffer): string {
  return `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
}

/**
 * Empties this node's page cache after every write and tells the other nodes to do the same,
 * publishing at most one message at a time (writes that land meanwhile share the next one).
 */
function pageFlusher(cache: PageCache, realtime: Realtime, log: FastifyInstance['log']) {
  const node = randomUUID();
  let inFlight = false;
  let again = false;
  const publish = (): void => {
    inFlight = true;
    again = false;
    realtime.publish(PAGE_FLUSH_CHANNEL, node).then(
      () => {
        inFlight = false;
        if (again) publish();
      },
      (error: unknown) => {
        inFlight = false;
        log.warn({ err: error }, 'could not tell other nodes to empty their page caches');
      }
    );
  };
  // A message from another node — or an empty one after a lost connection — empties ours.
  const stop = realtime.subscribe(PAGE_FLUSH_CHANNEL, (from) => {
    if (from !== node) cache.clear();
  });
  return {
    stop,
    flush(): void {
      cache.clear();
      if (inFlight) again = true;
      else publish();
    }
  };
}

/**
 * HTTP caching and compression (issue 9):
 *
 * - the anonymous page cache (`app.pageCache`, used by web-mount.ts), emptied by every successful
 *   unsafe request — including the API calls pages make in-process — on this node and, over the
 *   realtime fan-out, on every other;
 * - weak ETags and 304s on GET/HEAD 200 answers (API JSON, feeds);
 * - Cache-Control: anonymous reads of public API routes are `public, max-age=5` with Vary on
 *   language and credentials; everything else keeps what the route set, or app.ts's `no-store`;
 * - br/gzip compression of API answers and feeds from 1 KiB (pages compress in web-mount.ts,
 *   Server-Sent Events are never compressed).
 *
 * Registered on the root instance before any route, so its hooks apply to all of them.
 *
 * @example
 * await registerHttpCaching(app, context);
 */
export async function registerHttpCaching(
  app: FastifyInstance,
  context: AppContext,
  options: PageCacheOptions = DEFAULT_PAGE_CACHE
): Promise<void> {
  const cache = new PageCache(options);
  app.decorate('pageCache', cache);
  const flusher = pageFlusher(cache, context.realtime, app.log);
  app.addHook('onClose', async () => {
    flusher.stop();
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    if (!request.url.startsWith('/api/v1/')) return;
    if (request.routeOptions.config.access !== 'public' || request.caller !== null) return;
    if (request.headers.authorization !== undefined) return;
    if (request.headers.cookie?.includes('session_token')) return;
    if (SECRET_ROUTE.test(request.routeOptions.url ?? '') || SECRET_QUERY.test(request.url)) {
      return;
    }
    publicCandidates.add(request);
    // Before the handler, so a route that sets its own Cache-Control wins.
    void reply.header('cache-control', PUBLIC_API_CACHE_CONTROL);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    // The write has committed when its answer is sent: no page rendered from now on is older.
    if (UNSAFE.has(request.method) && status < 400) flusher.flush();

    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    const cacheControl = reply.getHeader('cache-control');
    if (
      publicCandidates.has(request) &&
      cacheControl === PUBLIC_API_CACHE_CONTROL &&
      status !== 200
    ) {
      void reply.header('cache-control', 'no-store'); // errors and redirects are not shared
    }
    const finalCacheControl = String(reply.getHeader('cache-control') ?? '');
    if (request.url.startsWith('/api/') && /\bpublic\b/.test(finalCacheControl)) {
      appendVary(reply, PUBLIC_VARY);
    }

    if (status !== 200 || reply.hasHeader('etag')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const etag = weakEtag(payload);
    void reply.header('etag', etag);
    if (etagMatches(request.headers['if-none-match'], etag)) {
      void reply.code(304);
      return '';
    }
    return payload;
  });

  await app.register(compress, {
    global: true,
    globalDecompression: false, // request bodies stay plain JSON (and bounded by bodyLimit)
    threshold: 1024,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE,
    // Answers are made per request and compressed per request: fast levels (gzip 1 is nginx's
    // default), several times cheaper than level 6 for a few per cent more bytes.
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 1 }
  });
}
