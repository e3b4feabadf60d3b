import { LANG_COOKIE, isLocale } from '#lib/i18n.ts';
import type { Me } from '#lib/api-types.ts';
import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions } from './$types';

const FIELDS = [
  'displayName',
  'handle',
  'bio',
  'city',
  'country',
  'timeZone',
  'language',
  'tags'
] as const;

/** Splits the comma-separated tags input; the API normalizes and validates each tag. */
function parseTags(input: string): string[] {
  return input
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

export const actions: Actions = {
  save: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const values = {
      displayName: text(form, 'displayName').trim(),
      handle: text(form, 'handle').trim(),
      bio: text(form, 'bio'),
      city: text(form, 'city').trim(),
      country: text(form, 'country'),
      timeZone: text(form, 'timeZone'),
      language: text(form, 'language'),
      tags: text(form, 'tags')
    };
    const result = await api<Me>(event, 'PATCH', '/me', {
      displayName: values.displayName,
      handle: values.handle,
      bio: values.bio,
      city: values.city === '' ? null : values.city,
      country: values.country === '' ? null : values.country,
      timeZone: values.timeZone,
      language: values.language,
      tags: parseTags(values.tags)
    });
    if (!result.ok) return failed(event, result, FIELDS, { values });

    // A new account language is an explicit choice: the UI follows it at once.
    const language = result.data.language;
    if (isLocale(language) && language !== event.locals.lang) {
      event.cookies.set(LANG_COOKIE, language, {
        path: '/',
        maxAge: 60 * 60 * 24 * 365,
        sameSite: 'lax',
        httpOnly: true,
        secure: event.url.protocol === 'https:'
      });
      event.locals.lang = language;
    }
    return { saved: true };
  },

  // "Open to work": a badge next to the member on their groups' boards (fellow members only).
  openToWork: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const result = await api<Me>(event, 'PATCH', '/me', {
      openToWork: form.get('openToWork') === 'on'
    });
    if (!result.ok) return failed(event, result, [], { form: 'openToWork' as const });
    return { form: 'openToWork' as const, saved: true };
  },

  // Not listed to organizers as "gone quiet" (community health); takes effect at once.
  healthOptOut: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const result = await api<Me>(event, 'PATCH', '/me', {
      healthOptOut: form.get('healthOptOut') === 'on'
    });
    if (!result.ok) return failed(event, result, [], { form: 'healthOptOut' as const });
    return { form: 'healthOptOut' as const, saved: true };
  }
};
