import { fail, redirect } from '@sveltejs/kit';
import { isLocale, LANG_COOKIE } from '#lib/i18n.ts';
import { api, text } from '#lib/server/api.ts';
import { safeNext } from '#lib/server/guard.ts';
import type { Actions } from './$types';

const ONE_YEAR = 60 * 60 * 24 * 365;

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const lang = text(form, 'lang');
    if (!isLocale(lang)) return fail(400, { invalid: true });
    event.cookies.set(LANG_COOKIE, lang, {
      path: '/',
      maxAge: ONE_YEAR,
      sameSite: 'lax',
      httpOnly: true,
      secure: event.url.protocol === 'https:'
    });
    event.locals.lang = lang;
    const me = event.locals.me;
    if (me && me.language !== lang) {
      const result = await api(event, 'PATCH', '/me', { language: lang });
      if (!result.ok) console.error('Could not save the language on the account', result.problem);
    }
    redirect(303, safeNext(text(form, 'redirectTo')));
  }
};
