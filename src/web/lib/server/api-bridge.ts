import type { RequestEvent } from '@sveltejs/kit';

/**
 * The in-process door to the API. `src/http/web-mount.ts` puts it into a `globalThis` slot (Kit
 * bundles its own copy of `src/`, so a shared module would not be shared); `handleFetch` uses it so
 * server-side `fetch('/api/…')` calls never leave the process.
 */
export interface ApiBridge {
  inject: (request: ApiInjectRequest) => Promise<ApiInjectResponse>;
  /** Random per-process token: lets the API trust `x-guildhall-client-ip` from us only. */
  internalToken: string;
}

export interface ApiInjectRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
}

export interface ApiInjectResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  rawPayload: Buffer;
}

/** The `globalThis` slot shared with web-mount.ts. */
export const API_BRIDGE_KEY = Symbol.for('guildhall.api');

function isApiBridge(value: unknown): value is ApiBridge {
  if (typeof value !== 'object' || value === null) return false;
  const bridge = value as Partial<Record<keyof ApiBridge, unknown>>;
  return typeof bridge.inject === 'function' && typeof bridge.internalToken === 'string';
}

function bridge(): ApiBridge | undefined {
  const value: unknown = (globalThis as Record<symbol, unknown>)[API_BRIDGE_KEY];
  return isApiBridge(value) ? value : undefined;
}

const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * Answers a same-origin `/api/…` request from `event.fetch` through `app.inject()`: copies the
 * caller's cookies (including any set earlier in this request) and authorization, speaks the UI's
 * language, vouches for the client's IP, and hands every `Set-Cookie` of the answer to Kit's cookie
 * jar, so a log-in or log-out through the API reaches the browser.
 */
export async function injectApi(
  event: RequestEvent,
  request: Request
): Promise<Response | undefined> {
  const api = bridge();
  if (!api) return undefined;
  const url = new URL(request.url);

  const headers: Record<string, string> = {
    accept: request.headers.get('accept') ?? 'application/json',
    'accept-language': event.locals.lang,
    origin: event.url.origin,
    'x-guildhall-internal': api.internalToken,
    'x-guildhall-client-ip': event.getClientAddress()
  };
  const cookie = event.cookies
    .getAll({ decode: (value) => value })
    .map(({ name, value }) => `${name}=${value}`)
    .join('; ');
  if (cookie) headers.cookie = cookie;
  const authorization =
    request.headers.get('authorization') ?? event.request.headers.get('authorization');
  if (authorization) headers.authorization = authorization;
  const contentType = request.headers.get('content-type');
  if (contentType) headers['content-type'] = contentType;
  // Sessions are listed by device: the API should see the browser, not this process.
  const userAgent = event.request.headers.get('user-agent');
  if (userAgent) headers['user-agent'] = userAgent;

  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const payload = hasBody ? Buffer.from(await request.arrayBuffer()) : undefined;
  const answer = await api.inject({
    method: request.method,
    url: url.pathname + url.search,
    headers,
    ...(payload && payload.length > 0 ? { payload } : {})
  });

  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    for (const one of Array.isArray(value) ? value : [String(value)]) {
      responseHeaders.append(name, one);
    }
  }
  for (const line of responseHeaders.getSetCookie()) {
    const { name, value, ...options } = event.cookies.parse(line, { decode: (v) => v });
    event.cookies.set(name, value ?? '', {
      path: options.path ?? '/',
      httpOnly: options.httpOnly ?? false,
      secure: options.secure ?? false,
      ...(options.sameSite !== undefined ? { sameSite: options.sameSite } : {}),
      ...(options.domain !== undefined ? { domain: options.domain } : {}),
      ...(options.maxAge !== undefined ? { maxAge: options.maxAge } : {}),
      ...(options.expires !== undefined ? { expires: options.expires } : {}),
      ...(options.partitioned !== undefined ? { partitioned: options.partitioned } : {}),
      encode: (v) => v
    });
  }

  const body = NO_BODY_STATUSES.has(answer.statusCode) ? null : new Uint8Array(answer.rawPayload);
  return new Response(body, { status: answer.statusCode, headers: responseHeaders });
}
