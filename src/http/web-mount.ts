import { existsSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { negotiateLocale } from '../i18n/i18n.ts';
import {
  etagMatches,
  freshNonce,
  PageCache,
  pageCacheKey,
  pageEncoding,
  renderPage,
  type StoredHeaders,
  type StoredPage,
  templatePage
} from './page-cache.ts';
import type {
  ApiBridge,
  ApiInjectRequest,
  ApiInjectResponse
} from '../web/lib/server/api-bridge.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The `globalThis` slot `src/web/lib/server/api-bridge.ts` reads (Kit bundles its own copy of src). */
const API_BRIDGE_KEY = Symbol.for('guildhall.api');

/** Header that carries Fastify's idea of the client address to Kit's `getClientAddress()`. */
const CLIENT_ADDRESS_HEADER = 'x-guildhall-web-client-address';

/** Paths that belong to the server, never to the pages. */
const SERVER_PATHS = /^\/(?:api|healthz|readyz)(?:[/?]|$)/;

const PAGE_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const INJECT_METHODS = new Set<string>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Kit's immutable assets (served by sirv with their own long cache headers) skip the cache. */
const ASSET_PATHS = /^\/_app\//;

/** Headers a stored page does not keep: per answer, hop-by-hop, or set afresh on every answer. */
const UNSTORED_HEADERS = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'content-security-policy',
  'date',
  'etag',
  'keep-alive',
  'transfer-encoding',
  'x-cache'
]);

/**
 * What a browser's cache must key a cached page on: the encoding, the language (Accept-Language
 * or the language cookie) and the cookies (a session cookie means a different page).
 */
const PAGE_VARY = 'Accept-Encoding, Accept-Language, Cookie';

/** A header's value as text, whatever shape Node holds it in. */
function headerText(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' || typeof value === 'number' ? `${value}` : '';
}

/** A page that may be stored: a plain 200 HTML answer meant for anyone. */
function storable(status: number, headers: OutgoingHttpHeaders): boolean {
  if (status !== 200) return false;
  if (!headerText(headers['content-type']).startsWith('text/html')) return false;
  if (headers['set-cookie'] !== undefined || headers['content-encoding'] !== undefined) {
    return false;
  }
  return !/private|no-store|no-cache/i.test(headerText(headers['cache-control']));
}

function storedHeaders(headers: OutgoingHttpHeaders): StoredHeaders {
  const kept: StoredHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || UNSTORED_HEADERS.has(name)) continue;
    kept[name] = Array.isArray(value) ? value : String(value);
  }
  return kept;
}

interface Captured {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  csp: string | undefined;
}

type Writer = (...args: unknown[]) => unknown;

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string') {
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return Buffer.alloc(0);
}

/**
 * Intercepts SvelteKit's answer on `res`. When its status and headers make it storable, the body
 * is collected instead of sent and the promise resolves with it (nothing has gone out yet); any
 * other answer is let through untouched, as it is written, and the promise resolves to null.
 */
function captureStorable(res: ServerResponse): Promise<Captured | null> {
  return new Promise((resolve) => {
    const target = res as unknown as Record<'writeHead' | 'write' | 'end', Writer>;
    const original = { writeHead: target.writeHead, write: target.write, end: target.end };
    let mode: 'undecided' | 'capture' | 'pass' | 'done' = 'undecided';
    let status = 200;
    const chunks: Buffer[] = [];
    const restore = () => {
      Object.assign(target, original);
    };
    const decide = (code: number): boolean => {
      if (mode === 'undecided') {
        status = code;
        if (storable(code, res.getHeaders())) {
          mode = 'capture';
        } else {
          mode = 'pass';
          restore();
          resolve(null);
        }
      }
      return mode === 'capture';
    };
    const callback = (args: unknown[]) => {
      const last = args.at(-1);
      if (typeof last === 'function') {
        queueMicrotask(() => {
          (last as () => void)();
        });
      }
    };
    target.writeHead = (...args: unknown[]) => {
      const [code, ...rest] = args;
      const headers = rest.find((a) => typeof a === 'object' && a !== null);
      if (Array.isArray(headers))
        mode = 'pass'; // raw header lists: never stored
      else if (headers) {
        for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
          if (value !== undefined) res.setHeader(name, value);
        }
      }
      if (mode === 'pass') {
        restore();
        resolve(null);
      }
      if (decide(Number(code))) return res;
      return original.writeHead.apply(res, args);
    };
    target.write = (...args: unknown[]) => {
      if (!decide(res.statusCode)) return original.write.apply(res, args);
      chunks.push(toBuffer(args[0], args[1]));
      callback(args);
      return true;
    };
    target.end = (...args: unknown[]) => {
      if (!decide(res.statusCode)) return original.end.apply(res, args);
      if (typeof args[0] !== 'function') chunks.push(toBuffer(args[0], args[1]));
      callback(args);
      mode = 'done';
      restore();
      const csp = res.getHeader('content-security-policy');
      resolve({
        status,
        headers: res.getHeaders(),
        body: Buffer.concat(chunks),
        csp: typeof csp === 'string' ? csp : undefined
      });
      return res;
    };
    res.once('close', () => {
      if (mode !== 'done' && mode !== 'pass') {
        restore();
        resolve(null);
      }
    });
  });
}

/**
 * Answers from a stored page: a fresh nonce in body and CSP, compressed as the client accepts,
 * a weak ETag (a 304 when the client has it — without a CSP header, which would otherwise replace
 * the one stored with the client's copy and no longer match its nonce).
 */
function sendPage(
  request: FastifyRequest,
  res: ServerResponse,
  page: StoredPage,
  state: 'hit' | 'stale' | 'miss'
): void {
  if (res.destroyed) return;
  for (const [name, value] of Object.entries(page.headers)) res.setHeader(name, value);
  // Anonymous pages are the same for everyone, but carry a nonce: no shared cache may keep one.
  res.setHeader('cache-control', 'private, no-cache');
  res.setHeader('vary', PAGE_VARY);
  res.setHeader('etag', page.etag);
  res.setHeader('x-cache', state);
  if (etagMatches(request.headers['if-none-match'], page.etag)) {
    for (const name of ['content-security-policy', 'content-type', 'content-length']) {
      res.removeHeader(name);
    }
    res.writeHead(304);
    res.end();
    return;
  }
  const rendered = renderPage(page, freshNonce(), pageEncoding(request.headers['accept-encoding']));
  if (rendered.csp) res.setHeader('content-security-policy', rendered.csp);
  if (rendered.encoding) res.setHeader('content-encoding', rendered.encoding);
  else res.removeHeader('content-encoding');
  res.setHeader('content-length', rendered.body.length);
  res.writeHead(page.status);
  res.end(request.method === 'HEAD' ? undefined : rendered.body);
}

function isInjectMethod(method: string): method is HTTPMethods {
  return INJECT_METHODS.has(method);
}

function isNodeHandler(value: unknown): value is NodeHandler {
  return typeof value === 'function';
}

/**
 * Mounts the SvelteKit pages (adapter-node's `handler.js` in `buildDir`) on `app`, behind every
 * route registered before it (`/api/*`, `/healthz`, `/readyz`), and opens the in-process door
 * through which the pages' server code calls the API. Returns false, mounting nothing, when there
 * is no build.
 *
 * @example
 * if (!(await mountWeb(app, { internalToken, buildDir: path.resolve('build') }))) {
 *   app.log.warn('no web build: run `npm run build`');
 * }
 */
export async function mountWeb(
  app: FastifyInstance,
  options: { internalToken: string; buildDir: string }
): Promise<boolean> {
  const handlerFile = path.join(options.buildDir, 'handler.js');
  if (!existsSync(handlerFile)) return false;

  // adapter-node reads these once, when handler.js loads (vite.config.ts sets the prefix). The
  // origin comes from the protocol we put in x-forwarded-proto and the Host header, the client
  // address from Fastify (which honours its trustProxy setting).
  process.env.GUILDHALL_WEB_PROTOCOL_HEADER = 'x-forwarded-proto';
  process.env.GUILDHALL_WEB_ADDRESS_HEADER = CLIENT_ADDRESS_HEADER;
  const module = (await import(pathToFileURL(handlerFile).href)) as Record<string, unknown>;
  const handler = module.handler;
  if (!isNodeHandler(handler)) throw new Error(`${handlerFile} does not export a handler`);

  const bridge: ApiBridge = {
    internalToken: options.internalToken,
    inject: async (request: ApiInjectRequest): Promise<ApiInjectResponse> => {
      if (!isInjectMethod(request.method)) {
        return { statusCode: 405, headers: {}, rawPayload: Buffer.alloc(0) };
      }
      const response = await app.inject({
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(request.payload ? { payload: request.payload } : {})
      });
      return {
        statusCode: response.statusCode,
        headers: response.headers,
        rawPayload: response.rawPayload
      };
    }
  };
  (globalThis as Record<symbol, unknown>)[API_BRIDGE_KEY] = bridge;

  const cache = app.hasDecorator('pageCache') ? app.pageCache : null;

  /** Hands the request to SvelteKit, which answers on the raw response. */
  const runKit = (request: FastifyRequest, reply: FastifyReply): void => {
    try {
      handler(request.raw, reply.raw, () => {
        if (!reply.raw.headersSent) reply.raw.statusCode = 404;
        reply.raw.end();
      });
    } catch (error) {
      request.log.error({ err: error }, 'web page handler failed');
      if (!reply.raw.headersSent) reply.raw.statusCode = 500;
      reply.raw.end();
    }
  };

  /**
   * Renders through SvelteKit as the one render for `key`; the leader answers its own request
   * (from the captured page, or straight through when the answer is not cacheable) and returns
   * what waiters may reuse: the page when it was stored, else null.
   */
  const renderAndStore = async (
    pageCache: PageCache,
    key: string,
    request: FastifyRequest,
    reply: FastifyReply
  ): Promise<StoredPage | null> => {
    const generation = pageCache.generation;
    const captured = captureStorable(reply.raw);
    runKit(request, reply);
    const done = await captured;
    if (!done) return null; // already answered as SvelteKit wrote it
    const page = templatePage(done.status, storedHeaders(done.headers), done.body, done.csp);
    if (!page) {
      reply.raw.writeHead(done.status);
      reply.raw.end(done.body);
      return null;
    }
    const stored = pageCache.set(key, page, generation);
    sendPage(request, reply.raw, page, 'miss');
    return stored ? page : null;
  };

  await app.register(async (pages) => {
    // SvelteKit reads request bodies itself: leave them unread (otherwise form posts get a 415).
    pages.removeAllContentTypeParsers();
    pages.addContentTypeParser('*', (_request, _payload, done) => {
      done(null);
    });

    pages.route({
      method: PAGE_METHODS,
      url: '/*',
      schema: { hide: true },
      handler: async (request, reply) => {
        if (SERVER_PATHS.test(request.url)) {
          reply.callNotFound();
          return;
        }
        const raw = request.raw;
        raw.headers['x-forwarded-proto'] = request.protocol;
        raw.headers[CLIENT_ADDRESS_HEADER] = request.ip;
        reply.hijack();

        const key =
          cache && !ASSET_PATHS.test(request.url)
            ? pageCacheKey(
                {
                  method: request.method,
                  url: request.url,
                  protocol: request.protocol,
                  host: request.headers.host,
                  headers: request.headers,
                  cookies: request.cookies
                },
                (acceptLanguage) => negotiateLocale(acceptLanguage)
              )
            : null;
        if (!cache || key === null) {
          runKit(request, reply);
          return;
        }
        const cached = cache.get(key);
        if (cached?.fresh) {
          sendPage(request, reply.raw, cached.page, 'hit');
          return;
        }
        const pending = cache.pending(key);
        if (cached && (pending || request.method === 'HEAD')) {
          // Someone renders it anew right now: the copy from a few seconds ago will do meanwhile.
          sendPage(request, reply.raw, cached.page, 'stale');
          return;
        }
        reply.raw.setHeader('x-cache', 'miss');
        if (pending || request.method === 'HEAD') {
          // Someone renders this page right now: wait for that render rather than repeat it.
          const page = await pending;
          if (page) sendPage(request, reply.raw, page, 'hit');
          else runKit(request, reply);
          return;
        }
        await cache.lead(key, () => renderAndStore(cache, key, request, reply));
      }
    });
  });
  return true;
}
