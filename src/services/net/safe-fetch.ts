// Every outbound HTTP(S) request of the server goes through `safeFetch`: link previews and webhook
// deliveries fetch URLs that members type in, so a request must never reach the server's own
// network (SSRF). The address is checked after DNS resolution, at connect time, by
// request-filtering-agent (per connection, so per redirect hop); IP literals are refused before any
// socket exists. Only operators can open a hole: `OUTBOUND_ALLOW` names exact host:port pairs.

import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type * as requestFilteringAgent from 'request-filtering-agent';
import { lazyPackage } from '../../lazy-package.ts';

/** The connect-time address filter, loaded with the first outbound request. */
const filteringAgents = lazyPackage<typeof requestFilteringAgent>('request-filtering-agent');

/** Why a safe fetch failed. */
export type SafeFetchErrorKind =
  | 'invalid_url' // not an absolute http(s) URL, or one with credentials
  | 'refused' // the address is private, loopback, link-local, … (or resolves to one)
  | 'timeout'
  | 'too_large' // the body exceeds the cap
  | 'too_many_redirects'
  | 'bad_status' // a non-2xx answer (a 3xx when redirects are not followed)
  | 'network'; // DNS failure, connection reset, TLS error, …

/** A typed failure of `safeFetch`; `status` is set for `bad_status`. */
export class SafeFetchError extends Error {
  readonly kind: SafeFetchErrorKind;
  readonly status: number | undefined;
  constructor(kind: SafeFetchErrorKind, message: string, status?: number) {
    super(message);
    this.name = 'SafeFetchError';
    this.kind = kind;
    this.status = status;
  }
}

/** Defaults: 5 s to connect, 10 s in all, 1 MiB of body, 5 redirects. */
export const SAFE_FETCH_DEFAULTS = {
  connectTimeoutMs: 5_000,
  timeoutMs: 10_000,
  maxBytes: 1024 * 1024,
  maxRedirects: 5
} as const;

export interface SafeFetchOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /**
   * Exact `host:port` pairs that may be reached even on a private address (`OUTBOUND_ALLOW`); a
   * redirect elsewhere is checked as usual.
   */
  allow?: readonly string[];
  connectTimeoutMs?: number;
  /** The whole exchange, redirects included. */
  timeoutMs?: number;
  /** The most body bytes read; more is `too_large` unless `truncate`. */
  maxBytes?: number;
  /** Stop reading at `maxBytes` and return what was read (webhook answers). */
  truncate?: boolean;
  /** Redirects followed (GET only); 0 turns a 3xx into `bad_status`. */
  maxRedirects?: number;
}

export interface SafeResponse {
  status: number;
  /** The URL that answered (after redirects). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

/** Normalizes `host:port` entries the way URLs are normalized (`127.1:80` → `127.0.0.1:80`). */
export function normalizeAllowEntry(entry: string): string | null {
  const trimmed = entry.trim();
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/@[\]]+):\d{1,5}$/.test(trimmed)) return null;
  try {
    const url = new URL(`http://${trimmed}/`);
    const port = Number(trimmed.slice(trimmed.lastIndexOf(':') + 1));
    if (port < 1 || port > 65535) return null;
    return `${url.hostname}:${port}`;
  } catch {
    return null;
  }
}

/** The `host:port` of a URL, default ports spelled out. */
function hostPortOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

/** Parses a URL a member gave: absolute http(s), no credentials. */
export function parseOutboundUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SafeFetchError('invalid_url', 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError('invalid_url', 'only http and https URLs');
  }
  if (url.username || url.password) throw new SafeFetchError('invalid_url', 'credentials in URL');
  return url;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches `rawUrl` refusing every non-public address (loopback, private, link-local, carrier-grade
 * NAT, unique-local, IPv4-mapped IPv6, unspecified), following at most `maxRedirects` redirects
 * by hand and checking each hop again, with connect and total timeouts and a body cap. Resolves
 * with a 2xx answer; everything else rejects with a `SafeFetchError`.
 *
 * @example
 * const res = await safeFetch('https://example.com/', { maxBytes: 1024 * 1024 });
 * res.body.toString('utf8');
 */
export async function safeFetch(
  rawUrl: string,
  options: SafeFetchOptions = {}
): Promise<SafeResponse> {
  const allow = new Set(
    (options.allow ?? []).map(normalizeAllowEntry).filter((e): e is string => e !== null)
  );
  const maxRedirects = options.maxRedirects ?? SAFE_FETCH_DEFAULTS.maxRedirects;
  const deadline = AbortSignal.timeout(options.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs);
  let url = parseOutboundUrl(rawUrl);
  let method = options.method ?? 'GET';
  let body = options.body;
  for (let hop = 0; ; hop += 1) {
    const res = await requestOnce(url, { ...options, method, body }, allow, deadline);
    const location = res.headers.location;
    if (REDIRECTS.has(res.status) && maxRedirects > 0 && location) {
      if (hop >= maxRedirects) {
        throw new SafeFetchError('too_many_redirects', `more than ${maxRedirects} redirects`);
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new SafeFetchError('invalid_url', 'bad redirect location');
      }
      url = parseOutboundUrl(next.href);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method !== 'GET')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    if (res.status < 200 || res.status > 299) {
      throw new SafeFetchError('bad_status', `HTTP ${res.status}`, res.status);
    }
    return res;
  }
}

/** Whether an error from the agent or the socket is the address refusal. */
function isRefusal(error: Error): boolean {
  return /is not allowed\. Because/.test(error.message);
}

function requestOnce(
  url: URL,
  options: SafeFetchOptions & { method: 'GET' | 'POST' },
  allow: ReadonlySet<string>,
  deadline: AbortSignal
): Promise<SafeResponse> {
  const secure = url.protocol === 'https:';
  // Only the exact host:port an operator named may reach a private address.
  const filter = { allowPrivateIPAddress: allow.has(hostPortOf(url)), keepAlive: false };
  const agents = filteringAgents();
  const agent = secure
    ? new agents.RequestFilteringHttpsAgent(filter)
    : new agents.RequestFilteringHttpAgent(filter);
  const maxBytes = options.maxBytes ?? SAFE_FETCH_DEFAULTS.maxBytes;
  const connectTimeoutMs = options.connectTimeoutMs ?? SAFE_FETCH_DEFAULTS.connectTimeoutMs;
  const headers: Record<string, string> = {
    'user-agent': 'Guildhall',
    ...options.headers
  };
  if (options.body !== undefined)
    headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise<SafeResponse>((resolve, reject) => {
    if (deadline.aborted) {
      reject(new SafeFetchError('timeout', 'timed out'));
      return;
    }
    let settled = false;
    const fail = (error: SafeFetchError) => {
      if (settled) return;
      settled = true;
      req.destroy();
      agent.destroy();
      reject(error);
    };
    const onAbort = () => {
      fail(new SafeFetchError('timeout', 'timed out'));
    };
    deadline.addEventListener('abort', onAbort, { once: true });
    const req = (secure ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: options.method,
        headers,
        agent
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const finish = () => {
          if (settled) return;
          settled = true;
          deadline.removeEventListener('abort', onAbort);
          agent.destroy();
          resolve({
            status: res.statusCode ?? 0,
            url: url.href,
            headers: res.headers,
            body: Buffer.concat(chunks),
            truncated
          });
        };
        const declared = Number(res.headers['content-length']);
        if (!options.truncate && Number.isFinite(declared) && declared > maxBytes) {
          fail(new SafeFetchError('too_large', `body over ${maxBytes} bytes`));
          return;
        }
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          size += chunk.length;
          if (size > maxBytes) {
            if (!options.truncate) {
              fail(new SafeFetchError('too_large', `body over ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
            truncated = true;
            finish();
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', finish);
        res.on('error', (error) => {
          fail(new SafeFetchError('network', error.message));
        });
      }
    );
    req.on('socket', (socket) => {
      const timer = setTimeout(() => {
        fail(new SafeFetchError('timeout', 'connect timed out'));
      }, connectTimeoutMs);
      timer.unref();
      socket.once('connect', () => {
        clearTimeout(timer);
      });
      socket.once('secureConnect', () => {
        clearTimeout(timer);
      });
      socket.once('close', () => {
        clearTimeout(timer);
      });
    });
    req.on('error', (error) => {
      fail(
        isRefusal(error)
          ? new SafeFetchError('refused', `${url.hostname} is a private or local address`)
          : new SafeFetchError('network', error.message)
      );
    });
    req.end(options.body);
  });
}

/**
 * `safeFetch` behind the shape of the global `fetch` (string or URL input; method, headers and a
 * string body; redirects not followed), for code written against `fetch` such as the chat agenda
 * post: a non-2xx answer is a `Response` with its status, a refused address or a timeout rejects.
 *
 * @example
 * await postAgendaToChat(db, roundId, safeFetchAsFetch(config.outboundAllow));
 */
export function safeFetchAsFetch(allow: readonly string[] = []): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = typeof init?.body === 'string' ? init.body : undefined;
    try {
      const res = await safeFetch(url, {
        method: init?.method === 'POST' ? 'POST' : 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        allow,
        maxRedirects: 0,
        truncate: true,
        maxBytes: 64 * 1024
      });
      return new Response(new Uint8Array(res.body), { status: res.status });
    } catch (error) {
      if (error instanceof SafeFetchError && error.kind === 'bad_status' && error.status) {
        const status = error.status >= 200 && error.status <= 599 ? error.status : 502;
        return new Response(null, { status });
      }
      throw error;
    }
  };
}
