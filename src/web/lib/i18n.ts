import i18next, { type TFunction } from 'i18next';
import de from '../../i18n/locales/de/web.json';
import en from '../../i18n/locales/en/web.json';

/** The languages the UI speaks; the first is the fallback. */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

/** Cookie that keeps a visitor's explicit language choice. */
export const LANG_COOKIE = 'guildhall_lang';

/** Each language's own name, shown in the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

type Catalog = typeof en;

/** Dotted paths to every string in the catalog: `'logIn.title' | 'nav.settings' | …`. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = Leaves<Catalog>;

/** Values for `{{placeholders}}` in a message. */
export type MessageValues = Record<string, string | number>;

/** A translator bound to one language. */
export type Translate = (key: MessageKey, values?: MessageValues) => string;

const instance = i18next.createInstance();
void instance.init({
  resources: { en: { web: en }, de: { web: de } },
  ns: ['web'],
  defaultNS: 'web',
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LOCALES],
  // Svelte escapes text itself; escaping here as well would show `&amp;`.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false
});

const translators = new Map<Locale, Translate>();

/**
 * The translator for `locale` (namespace `web`).
 *
 * @example
 * translator('de')('nav.logIn'); // 'Anmelden'
 */
export function translator(locale: Locale): Translate {
  let translate = translators.get(locale);
  if (!translate) {
    const fixed: TFunction = instance.getFixedT(locale, 'web');
    translate = (key, values) => fixed(key, values ?? {});
    translators.set(locale, translate);
  }
  return translate;
}
