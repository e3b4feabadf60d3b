import { error, fail, redirect, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { Problem } from '#lib/api-types.ts';
import type { FormErrors } from '#lib/form-errors.ts';
import { translator } from '#lib/i18n.ts';
import { logInUrl } from './guard.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type ApiResult<T> =
  { ok: true; status: number; data: T } | { ok: false; status: number; problem: Problem };

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const problem = value as Partial<Record<keyof Problem, unknown>>;
  return typeof problem.title === 'string' && typeof problem.status === 'number';
}

/**
 * Calls the Guildhall API (`/api/v1` + `path`) with the page's fetch, which `handleFetch` answers
 * in-process with the visitor's cookies. Never throws for HTTP errors: a failed call comes back as
 * a problem (a made-up one when the API sent something else, so pages always have a message).
 *
 * @example
 * const result = await api<Me>(event, 'GET', '/me');
 * if (result.ok) result.data.email;
 */
export async function api<T>(
  event: Pick<RequestEvent, 'fetch' | 'locals'>,
  method: HttpMethod,
  path: `/${string}`,
  body?: unknown
): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await event.fetch(`/api/v1${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });
  } catch (error) {
    console.error(`API ${method} ${path} failed`, error);
    return { ok: false, status: 503, problem: unexpected(event, 503) };
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (response.ok) {
    // The API's own schemas guarantee the shape; the UI trusts its API.
    return { ok: true, status: response.status, data: parsed as T };
  }
  return {
    ok: false,
    status: response.status,
    problem: isProblem(parsed) ? parsed : unexpected(event, response.status)
  };
}

function unexpected(event: Pick<RequestEvent, 'locals'>, status: number): Problem {
  const t = translator(event.locals.lang);
  return {
    type: 'about:blank',
    title: t('errors.unexpectedTitle'),
    status,
    detail: t('errors.unexpected')
  };
}

/**
 * Sorts a problem's messages for a form: `errors[]` whose field (first path segment, so `tags.2`
 * lands on `tags`) is one of `fields` go next to that input, everything else to the top.
 *
 * @example
 * toFormErrors(problem, ['email', 'password']);
 * // { message: null, fields: { password: ['Use at least 8 characters.'] } }
 */
export function toFormErrors(problem: Problem, fields: readonly string[]): FormErrors {
  const byField: Record<string, string[]> = {};
  const loose: string[] = [];
  for (const { field, message } of problem.errors ?? []) {
    const name = field.split('.')[0] ?? '';
    if (fields.includes(name)) (byField[name] ??= []).push(message);
    else loose.push(message);
  }
  const hasFieldErrors = Object.keys(byField).length > 0;
  const message =
    loose.length > 0 ? loose.join(' ') : hasFieldErrors ? null : (problem.detail ?? problem.title);
  return { message, fields: byField };
}

/**
 * The failure a form action returns for a failed API call: per-field errors plus `extra` (which
 * form it was, the values to show again). An expired session goes to the log-in page instead.
 */
export function failed<Extra extends Record<string, unknown>>(
  event: Pick<RequestEvent, 'url'>,
  result: { status: number; problem: Problem },
  fields: readonly string[],
  extra: Extra
): ActionFailure<Extra & { errors: FormErrors }> {
  if (result.status === 401 && result.problem.type.endsWith(':unauthorized')) {
    redirect(303, logInUrl(event.url));
  }
  const status = result.status >= 400 && result.status < 600 ? result.status : 500;
  return fail(status, { ...extra, errors: toFormErrors(result.problem, fields) });
}

/** Reads a text field from a form, '' when missing. */
export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * The data of a successful call for a `load` function: 401 sends the visitor to log in, any
 * other failure becomes the error page with the API's (localized) message.
 */
export function unwrap<T>(event: Pick<RequestEvent, 'url'>, result: ApiResult<T>): T {
  if (result.ok) return result.data;
  if (result.status === 401) redirect(303, logInUrl(event.url));
  const status = result.status >= 400 && result.status < 600 ? result.status : 502;
  error(status, result.problem.detail ?? result.problem.title);
}
