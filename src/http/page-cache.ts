import { createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';

/**
 * The anonymous page cache (a "micro-cache" in front of SvelteKit's SSR): a few seconds of
 * rendered HTML per URL and language, bounded by bytes, emptied on every write. Pages carry a CSP
 * nonce, so what is stored is a template with the nonce cut out; every answer gets a fresh one.
 */

/** Cookies that change how a page renders for someone signed out (see src/web/hooks.server.ts). */
export const LANG_COOKIE = 'guildhall_lang';
export const TIME_ZONE_COOKIE = 'guildhall_tz';
const ANONYMOUS_COOKIES = new Set([LANG_COOKIE, TIME_ZONE_COOKIE]);
const LOCALES = new Set(['en', 'de']);
/** Links from mails carry secrets in the query (unsubscribe, chat links): never stored. */
const SECRET_QUERY = /[?&](?:token|secret|key)=/i;

/** What a page in the cache carries besides its body. */
export type StoredHeaders = Record<string, string | string[]>;

/** One rendered page, stored with its nonce cut out. */
export interface StoredPage {
  readonly status: number;
  /** Response headers without content-security-policy, length, date and hop-by-hop ones. */
  readonly headers: StoredHeaders;
  /** The body split at every occurrence of the nonce: `parts[0] nonce parts[1] nonce …`. */
  readonly parts: readonly Buffer[];
  /** The CSP header split the same way (empty when the page had none). */
  readonly csp: readonly string[];
  /** Weak validator over the nonce-free template: the same for every answer from this copy. */
  readonly etag: string;
  readonly bytes: number;
  /** Each part as raw deflate ending on a byte boundary, made on the first gzip answer. */
  deflated?: Buffer[];
}

/** The answer for one request: a body, its headers, and the nonce it carries. */
export interface RenderedPage {
  body: Buffer;
  /** `gzip`, `br` or undefined for identity. */
  encoding: 'gzip' | 'br' | undefined;
  csp: string | undefined;
  nonce: string;
}

/** A nonce like SvelteKit's own: 128 random bits, base64. */
export function freshNonce(): string {
  return randomBytes(16).toString('base64');
}

const NONCE_IN_CSP = /'nonce-([A-Za-z0-9+/=_-]{16,})'/;

/**
 * Cuts the CSP nonce out of a rendered page. Returns null when the page cannot be stored safely:
 * a CSP without a nonce is fine (nothing to refresh), but a nonce we cannot find in the header
 * while the body uses one would be served stale, so such pages are not stored.
 *
 * @example
 * const page = templatePage(200, { 'content-type': 'text/html' }, body, csp);
 * const hit = renderPage(page, freshNonce(), undefined);
 */
export function templatePage(
  status: number,
  headers: StoredHeaders,
  body: Buffer,
  csp: string | undefined
): StoredPage | null {
  const nonce = csp ? NONCE_IN_CSP.exec(csp)?.[1] : undefined;
  if (!nonce && body.includes('nonce="')) return null;
  const parts: Buffer[] = [];
  let cspParts: string[] = csp ? [csp] : [];
  if (nonce) {
    const needle = Buffer.from(nonce);
    let from = 0;
    for (let at = body.indexOf(needle, from); at !== -1; at = body.indexOf(needle, from)) {
      parts.push(body.subarray(from, at));
      from = at + needle.length;
    }
    parts.push(body.subarray(from));
    cspParts = csp?.split(nonce) ?? [];
  } else {
    parts.push(body);
  }
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part).update('\0');
  return {
    status,
    headers,
    parts: parts.map((part) => Buffer.from(part)), // own copies: `body` may be a pooled slice
    csp: cspParts,
    etag: `W/"${hash.digest('base64url')}"`,
    bytes: body.length + cspParts.join('').length + 512
  };
}

/** The client's preferred encoding of those we serve pages in (gzip first: it stitches for free). */
export function pageEncoding(acceptEncoding: string | undefined): 'gzip' | 'br' | undefined {
  if (!acceptEncoding) return undefined;
  const q = new Map<string, number>();
  for (const item of acceptEncoding.toLowerCase().split(',')) {
    const [name = '', ...params] = item.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim() === 'x-gzip' ? 'gzip' : name.trim(), Number.isFinite(value) ? value : 0);
  }
  const star = q.get('*') ?? 0;
  if ((q.get('gzip') ?? star) > 0) return 'gzip';
  if ((q.get('br') ?? star) > 0) return 'br';
  return undefined;
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const FINAL_EMPTY_BLOCK = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]);

/** A non-final stored (uncompressed) deflate block holding `data` (under 64 KiB). */
function storedBlock(data: Buffer): Buffer {
  const len = data.length;
  return Buffer.concat([
    Buffer.from([0x00, len & 0xff, len >> 8, ~len & 0xff, (~len >> 8) & 0xff]),
    data
  ]);
}

/**
 * gzip of `parts` joined by `nonce`, without compressing anything per request: each part was
 * deflated once on its own (its back-references stay inside it, and it ends on a byte boundary),
 * the nonce goes in between as a stored block, and only the CRC is computed over the whole body.
 */
function stitchGzip(page: StoredPage, nonce: Buffer, body: Buffer): Buffer {
  page.deflated ??= page.parts.map((part) =>
    zlib.deflateRawSync(part, { level: 6, finishFlush: zlib.constants.Z_SYNC_FLUSH })
  );
  const chunks: Buffer[] = [GZIP_HEADER];
  const nonceBlock = storedBlock(nonce);
  page.deflated.forEach((deflated, i) => {
    if (i > 0) chunks.push(nonceBlock);
    chunks.push(deflated);
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(body), 0);
  trailer.writeUInt32LE(body.length % 2 ** 32, 4);
  chunks.push(FINAL_EMPTY_BLOCK, trailer);
  return Buffer.concat(chunks);
}

/** Pages smaller than this go out uncompressed: the headers would cost more than they save. */
export const COMPRESS_THRESHOLD = 1024;

/**
 * One answer from a stored page: `nonce` put back into body and CSP, compressed as `encoding`
 * asks (gzip is stitched from parts deflated once; brotli is compressed per answer at a fast level).
 *
 * @example
 * const { body, csp, encoding } = renderPage(page, freshNonce(), pageEncoding(acceptEncoding));
 */
export function renderPage(
  page: StoredPage,
  nonce: string,
  encoding: 'gzip' | 'br' | undefined
): RenderedPage {
  const nonceBuffer = Buffer.from(nonce);
  const chunks: Buffer[] = [];
  page.parts.forEach((part, i) => {
    if (i > 0) chunks.push(nonceBuffer);
    chunks.push(part);
  });
  const plain = Buffer.concat(chunks);
  const csp = page.csp.length > 0 ? page.csp.join(nonce) : undefined;
  if (!encoding || plain.length < COMPRESS_THRESHOLD) {
    return { body: plain, encoding: undefined, csp, nonce };
  }
  if (encoding === 'gzip') {
    return { body: stitchGzip(page, nonceBuffer, plain), encoding, csp, nonce };
  }
  const body = zlib.brotliCompressSync(plain, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 4,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: plain.length
    }
  });
  return { body, encoding, csp, nonce };
}

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/** The request facts the cache looks at. */
export interface PageRequest {
  method: string;
  url: string;
  protocol: string;
  host: string | undefined;
  headers: { authorization?: string | undefined; 'accept-language'?: string | undefined };
  cookies: Record<string, string | undefined>;
}

/**
 * The cache key of an anonymous page request, or null when the request must not be served from
 * (or stored into) the cache: not a GET/HEAD, carries credentials, or carries any cookie besides
 * the language and time-zone choices — a session cookie (better-auth's `guildhall.*`, with or
 * without `__Host-`) or anything we do not know, which might identify someone —, or a secret in
 * the query (a mailed link).
 *
 * The key holds what changes an anonymous page: origin (pages link to themselves absolutely),
 * path and query, the language the page will speak (the cookie, else Accept-Language negotiated as
 * hooks.server.ts does) and the time-zone cookie.
 *
 * @example
 * const key = pageCacheKey({ method: 'GET', url: '/groups/x', protocol: 'https',
 *   host: 'example.org', headers: {}, cookies: {} }, negotiateLocale);
 */
export function pageCacheKey(
  request: PageRequest,
  negotiate: (acceptLanguage: string | undefined) => string
): string | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  if (request.headers.authorization !== undefined) return null;
  if (SECRET_QUERY.test(request.url)) return null;
  for (const name of Object.keys(request.cookies)) {
    if (!ANONYMOUS_COOKIES.has(name)) return null;
  }
  const chosen = request.cookies[LANG_COOKIE];
  const lang =
    chosen && LOCALES.has(chosen) ? chosen : negotiate(request.headers['accept-language']);
  const zone = request.cookies[TIME_ZONE_COOKIE] ?? '';
  if (zone.length > 64) return null;
  return `${request.protocol}://${request.host ?? ''}${request.url}\n${lang}\n${zone}`;
}

interface Entry {
  page: StoredPage;
  expires: number;
}

export interface PageCacheOptions {
  /** Upper bound of the bytes held (bodies and headers, roughly). */
  maxBytes: number;
  /**
   * How long a copy is fresh; it may be served stale for as long again while it is rendered anew.
   * Bounds staleness (2 × ttlMs) for changes not made over HTTP, such as jobs; writes over HTTP
   * empty the cache at once.
   */
  ttlMs: number;
  /** Injected clock for tests. */
  now?: () => number;
}

/** 32 MiB of pages, fresh for 5 s (then 5 s stale while re-rendered) by default. */
export const DEFAULT_PAGE_CACHE: PageCacheOptions = { maxBytes: 32 * 1024 * 1024, ttlMs: 5000 };

/**
 * LRU by bytes with a TTL (and as long again of stale-while-revalidate), a generation that every `clear()` bumps (a render that began before a
 * write is not stored after it), and request coalescing for concurrent misses.
 *
 * @example
 * const cache = new PageCache(DEFAULT_PAGE_CACHE);
 * const generation = cache.generation;
 * cache.set(key, page, generation);
 * cache.get(key); // { page, fresh: true } for ttlMs, then fresh: false for ttlMs
 * cache.clear();  // after any write
 */
export class PageCache {
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<StoredPage | null>>();
  readonly #options: PageCacheOptions;
  readonly #now: () => number;
  #bytes = 0;
  #generation = 0;

  constructor(options: PageCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => Date.now());
  }

  /** Bumped by every `clear()`. */
  get generation(): number {
    return this.#generation;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The copy under `key`, marked most recently used: `fresh` for `ttlMs` after it was stored, then
   * stale for as long again (served while one request renders it anew, so no reader waits for that
   * render), then dropped.
   */
  get(key: string): { page: StoredPage; fresh: boolean } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    const now = this.#now();
    if (entry.expires + this.#options.ttlMs <= now) {
      this.#bytes -= entry.page.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return { page: entry.page, fresh: entry.expires > now };
  }

  /**
   * Stores `page` unless the cache was cleared since `generation` was read (the render may show
   * data from before a write) or the page alone would take over an eighth of the budget.
   * Least recently used copies make room. Returns whether it was stored.
   */
  set(key: string, page: StoredPage, generation: number): boolean {
    if (generation !== this.#generation) return false;
    if (page.bytes > this.#options.maxBytes / 8) return false;
    const old = this.#entries.get(key);
    if (old) {
      this.#entries.delete(key);
      this.#bytes -= old.page.bytes;
    }
    this.#entries.set(key, { page, expires: this.#now() + this.#options.ttlMs });
    this.#bytes += page.bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#options.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.page.bytes;
    }
    return true;
  }

  /** Drops every copy (after a write here or on another node). */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** The render in flight for `key`, if a request is already rendering it. */
  pending(key: string): Promise<StoredPage | null> | undefined {
    return this.#pending.get(key);
  }

  /**
   * Runs `render` as the one render for `key`; requests that arrive meanwhile await the same
   * promise (see `pending`). It resolves to the stored page, or null when the page was not
   * cacheable — then each waiter renders for itself.
   */
  lead(key: string, render: () => Promise<StoredPage | null>): Promise<StoredPage | null> {
    const run = render().finally(() => {
      if (this.#pending.get(key) === run) this.#pending.delete(key);
    });
    this.#pending.set(key, run);
    return run;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The anonymous page cache (registered by http-cache.ts, used by web-mount.ts). */
    pageCache: PageCache | null;
  }
}
