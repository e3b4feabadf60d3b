import { page } from '$app/state';

/**
 * The URL of the form action `name` on the current page that keeps the page's own query
 * (`?token=…`, `?next=…`): the answer then renders the same page, with or without JavaScript.
 * Only during rendering.
 *
 * @example
 * // on /reset-password?token=abc
 * formAction('reset'); // '?token=abc&/reset'
 */
export function formAction(name: string): string {
  const params = new URLSearchParams(page.url.search);
  for (const key of [...params.keys()]) if (key.startsWith('/')) params.delete(key);
  const query = params.toString();
  return `?${query ? `${query}&` : ''}/${name}`;
}
