import { redirect, type RequestEvent } from '@sveltejs/kit';
import type { Me } from '#lib/api-types.ts';

/**
 * A path on this site to go to after logging in, or '/' when `next` is missing or points
 * anywhere else (no open redirects: `//evil.example`, `https://…` and `/\evil` are refused).
 *
 * @example
 * safeNext('/settings/tokens?x=1'); // '/settings/tokens?x=1'
 * safeNext('//evil.example');       // '/'
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  try {
    const url = new URL(next, 'http://guildhall.invalid');
    if (url.origin !== 'http://guildhall.invalid') return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
}

/** `/log-in?next=<current path>` (without a form action's `?/name`). */
export function logInUrl(url: URL): string {
  const search = new URLSearchParams(url.search);
  for (const key of [...search.keys()]) if (key.startsWith('/')) search.delete(key);
  const query = search.size > 0 ? `?${search.toString()}` : '';
  return `/log-in?next=${encodeURIComponent(url.pathname + query)}`;
}

/** The signed-in account, or a redirect to the log-in page that comes back here afterwards. */
export function requireMe(event: Pick<RequestEvent, 'locals' | 'url'>): Me {
  const me = event.locals.me;
  if (!me) redirect(303, logInUrl(event.url));
  return me;
}
