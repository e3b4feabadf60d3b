import type { Handle, HandleFetch, HandleServerError } from '@sveltejs/kit/hooks';
import { negotiateLocale } from '../i18n/i18n.ts';
import type { Me } from '#lib/api-types.ts';
import { isLocale, LANG_COOKIE, translator } from '#lib/i18n.ts';
import { api } from '#lib/server/api.ts';
import { injectApi } from '#lib/server/api-bridge.ts';
import { isTimeZone, TIME_ZONE_COOKIE } from '#lib/time-zones.ts';

// Over https the session cookie carries the `__Host-` prefix (see services/auth.ts).
const SESSION_COOKIES = ['guildhall.session_token', '__Host-guildhall.session_token'];

/**
 * Per request: who is signed in (from the API, only when a session cookie is present), which
 * language to speak (explicit choice in a cookie, else the account's language, else the browser's
 * Accept-Language) and which time zone to show times in.
 */
export const handle: Handle = async ({ event, resolve }) => {
  const chosen = event.cookies.get(LANG_COOKIE);
  const explicit = isLocale(chosen) ? chosen : undefined;
  event.locals.lang = explicit ?? negotiateLocale(event.request.headers.get('accept-language'));
  event.locals.me = null;

  if (SESSION_COOKIES.some((name) => event.cookies.get(name))) {
    const me = await api<Me>(event, 'GET', '/me');
    if (me.ok) {
      event.locals.me = me.data;
      if (!explicit && isLocale(me.data.language)) event.locals.lang = me.data.language;
    }
  }

  // Times are shown where the viewer is: the browser's zone (reported by hooks.client.ts), else
  // the profile's, else UTC.
  const browserZone = event.cookies.get(TIME_ZONE_COOKIE);
  event.locals.timeZone = isTimeZone(browserZone)
    ? browserZone
    : (event.locals.me?.timeZone ?? 'UTC');

  const lang = event.locals.lang;
  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%lang%', lang)
  });
  if (event.locals.me && !response.headers.has('cache-control')) {
    // Pages with account data must not outlive a log-out in a shared browser's cache.
    response.headers.set('cache-control', 'private, no-store');
  }
  return response;
};

/** Same-origin `/api/…` calls go to the API in-process (see web-mount.ts), everything else out. */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  if (url.origin === event.url.origin && url.pathname.startsWith('/api/')) {
    const response = await injectApi(event, request);
    if (response) return response;
    // Only when the pages run without the server around them (e.g. `vite preview`).
    const t = translator(event.locals.lang);
    return Response.json(
      {
        type: 'about:blank',
        title: t('errors.unexpectedTitle'),
        status: 503,
        detail: t('errors.unexpected')
      },
      { status: 503, headers: { 'content-type': 'application/problem+json' } }
    );
  }
  return fetch(request);
};

/** Unexpected errors are logged here; the page only learns the status (see +error.svelte). */
export const handleError: HandleServerError = ({ kind, error, event }) => {
  if (kind === 'unknown') {
    console.error(`Unexpected error on ${event.request.method} ${event.url.pathname}`, error);
  }
};
