import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/database.ts';
import type { Auth } from '../services/auth.ts';
import { authenticateToken, type TokenScope } from '../services/token.service.ts';
import { Problem } from './problem.ts';

/** Who is calling: a browser session, a personal API token, or nobody. */
export type Caller =
  | { kind: 'session'; userId: string; sessionId: string; sessionToken: string }
  | { kind: 'token'; userId: string; tokenId: string; scope: TokenScope };

/** Per-route access rule, set in the route's `config.access`. */
export type Access = 'public' | 'user' | 'session';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** `public`: anyone; `user`: a session or token (write methods need a write token); `session`: browser session only. */
    access?: Access;
  }
}

export const INTERNAL_HEADER = 'x-guildhall-internal';
export const CLIENT_IP_HEADER = 'x-guildhall-client-ip';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Headers better-auth should see for a request: cookies, user agent and the client's IP. */
export function authHeaders(request: FastifyRequest, internalToken: string): Headers {
  const headers = new Headers();
  for (const name of ['cookie', 'user-agent', 'origin'] as const) {
    const value = request.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  headers.set(CLIENT_IP_HEADER, clientIp(request, internalToken));
  return headers;
}

/**
 * The caller's IP. Requests the web UI makes in-process carry the browser's address in a header,
 * trusted only together with this process's random internal token.
 */
export function clientIp(request: FastifyRequest, internalToken: string): string {
  const forwarded = request.headers[CLIENT_IP_HEADER];
  if (
    request.headers[INTERNAL_HEADER] === internalToken &&
    typeof forwarded === 'string' &&
    forwarded
  ) {
    return forwarded;
  }
  return request.ip;
}

/**
 * Resolves `request.caller` from a Bearer token or the session cookie, enforces each route's
 * `config.access`, token scopes, and an Origin check on cookie-authenticated writes (CSRF).
 */
export function registerCaller(
  app: FastifyInstance,
  deps: { db: Db; auth: Auth; baseUrl: string; internalToken: string }
): void {
  const origin = new URL(deps.baseUrl).origin;
  app.decorateRequest('caller', null);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/v1/')) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const found = match?.[1] ? await authenticateToken(deps.db, match[1]) : null;
      if (found) request.caller = { kind: 'token', ...found };
      return; // a bad token never falls back to the cookie
    }
    if (!request.headers.cookie?.includes('session_token')) return;
    const { headers, response: session } = await deps.auth.api.getSession({
      headers: authHeaders(request, deps.internalToken),
      returnHeaders: true
    });
    const refreshed = headers.getSetCookie();
    if (refreshed.length > 0) void reply.header('set-cookie', refreshed);
    if (session) {
      request.caller = {
        kind: 'session',
        userId: session.user.id,
        sessionId: session.session.id,
        sessionToken: session.session.token
      };
    }
  });

  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined) return;
    const unsafe = UNSAFE.has(request.method);
    if (unsafe && request.headers[INTERNAL_HEADER] !== deps.internalToken) {
      // Cookie-authenticated (or cookie-setting) writes must come from our own pages.
      const from = request.headers.origin;
      const site = request.headers['sec-fetch-site'];
      const crossSite =
        (from !== undefined && from !== origin) ||
        (site !== undefined && site !== 'same-origin' && site !== 'none');
      if (crossSite && request.caller?.kind !== 'token') throw new Problem('csrf');
      if (request.caller?.kind === 'session' && from === undefined && site === undefined) {
        throw new Problem('csrf');
      }
    }
    if (access === 'public') return;
    const caller = request.caller;
    if (!caller) throw new Problem('unauthorized');
    if (caller.kind === 'token') {
      if (access === 'session') throw new Problem('session-required');
      if (unsafe && caller.scope !== 'write') throw new Problem('read-only-token');
    }
  });
}

/** The authenticated caller; routes with `access: 'user' | 'session'` can rely on it. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Problem('unauthorized');
  return request.caller;
}
