import { page } from '$app/state';
import { translator, type Locale, type MessageKey, type MessageValues } from './i18n.ts';

/** The language of the page being rendered. Only during rendering (components, not load functions). */
export function currentLocale(): Locale {
  return page.data.lang;
}

/**
 * Translates `key` into the language of the page being rendered. Reactive inside templates: the
 * text follows a language switch without a reload. In `load` functions and actions use
 * `translator(event.locals.lang)` instead.
 *
 * @example
 * <h1>{t('logIn.title')}</h1>
 */
export function t(key: MessageKey, values?: MessageValues): string {
  return translator(page.data.lang)(key, values);
}
