import type { RequestEvent } from '@sveltejs/kit';
import { api, type ApiResult, failed, text, unwrap } from './api.ts';
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

/** One page of an admin list, with what the search form shows and the next page's query. */
export interface AdminListPage<T> {
  items: T[];
  /** The text searched for. */
  q: string;
  /** Whether the list's one filter (`suspended`, `hidden`) is on. */
  only: boolean;
  /** `?offset=…` with the same search, for the next page; null on the last page. */
  more: string | null;
}

/**
 * A page of `GET /admin/<list>` as the URL asks for it: `q`, the yes/no filter `filter`, `offset`.
 *
 * @example
 * const page = await adminListPage<AdminUser>(event, 'users', 'suspended');
 */
export async function adminListPage<T>(
  event: Pick<RequestEvent, 'fetch' | 'locals' | 'url'>,
  list: 'users' | 'groups',
  filter: 'suspended' | 'hidden'
): Promise<AdminListPage<T>> {
  requireAdmin(event);
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  const only = event.url.searchParams.get(filter) === 'true';
  const search = new URLSearchParams();
  if (q) search.set('q', q);
  if (only) search.set(filter, 'true');
  const query = new URLSearchParams({ offset: String(offsetOf(event.url)), limit: '50' });
  for (const [key, value] of search) query.set(key, value);
  const result = await api<{ items: T[]; nextOffset: number | null }>(
    event,
    'GET',
    `/admin/${list}?${query.toString()}`
  );
  const page = unwrap(event, result);
  const rest = search.size > 0 ? `&${search.toString()}` : '';
  return {
    items: page.items,
    q,
    only,
    more: page.nextOffset === null ? null : `?offset=${page.nextOffset}${rest}`
  };
}

/**
 * A form action on one row of an admin list, named by the form's field `field` (an account's id,
 * a group's address): `call` gets it URL-encoded. Answers the row, its name for the message (the
 * form's `label`: the row may have left a filtered list) and what was done; or the failure with
 * the API's errors (`fields` go next to their inputs in that row, which shows what was typed into
 * them again: `values`).
 */
export async function adminRowAction<Done extends string>(
  event: Pick<RequestEvent, 'locals' | 'url' | 'request'>,
  field: string,
  done: Done,
  call: (target: string, form: FormData) => Promise<ApiResult<unknown>>,
  fields: readonly string[] = []
) {
  requireAdmin(event);
  const form = await event.request.formData();
  const target = text(form, field);
  const result = await call(encodeURIComponent(target), form);
  if (!result.ok) {
    const values = Object.fromEntries(fields.map((name) => [name, text(form, name)]));
    return failed(event, result, fields, { target, values });
  }
  return { target, label: text(form, 'label'), done };
}
