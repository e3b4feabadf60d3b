import type { FastifyReply } from 'fastify';
import { APIError } from 'better-auth/api';

/** Copies the Set-Cookie headers better-auth produced onto the Fastify reply. */
export function forwardCookies(reply: FastifyReply, headers: Headers): void {
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) void reply.header('set-cookie', cookies);
}

/** The machine-readable code of a better-auth error (e.g. `INVALID_TOKEN`), or undefined. */
export function authErrorCode(error: unknown): string | undefined {
  if (!(error instanceof APIError)) return undefined;
  const code = (error.body as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : String(error.status);
}

/** Whether `error` is a better-auth client error (4xx), as opposed to a bug or outage. */
export function isAuthClientError(error: unknown): error is APIError {
  return error instanceof APIError && error.statusCode >= 400 && error.statusCode < 500;
}
