import type { RequestEvent } from '@sveltejs/kit';
import { requireMe } from './guard.ts';
import { notFound } from './meetings.ts';

/** The admin area is not there for anyone but instance admins: a 404, like a hidden group. */
export function requireAdmin(event: Pick<RequestEvent, 'locals' | 'url'>): void {
  const me = requireMe(event);
  if (!me.isAdmin) notFound(event);
}

/** `offset` from the query string: a whole number ≥ 0, else 0. */
export function offsetOf(url: URL): number {
  const offset = Number(url.searchParams.get('offset') ?? 0);
  return Number.isInteger(offset) && offset > 0 ? offset : 0;
}
