import i18next, { type i18n, type TFunction } from 'i18next';
import deApi from './locales/de/api.json' with { type: 'json' };
import deMail from './locales/de/mail.json' with { type: 'json' };
import enApi from './locales/en/api.json' with { type: 'json' };
import enMail from './locales/en/mail.json' with { type: 'json' };

/** The languages Guildhall speaks. */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Picks the best supported language from an `Accept-Language` header, English when none fits.
 *
 * @example
 * negotiateLocale('de-CH,de;q=0.9,en;q=0.8'); // 'de'
 */
export function negotiateLocale(header: string | null | undefined): Locale {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.lang && !Number.isNaN(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.lang).find(isLocale) ?? 'en';
}

let server: i18n | undefined;

/** The server's i18next instance with the `api` and `mail` namespaces (loaded synchronously). */
function serverI18n(): i18n {
  if (!server) {
    const instance = i18next.createInstance();
    void instance.init({
      resources: { en: { api: enApi, mail: enMail }, de: { api: deApi, mail: deMail } },
      ns: ['api', 'mail'],
      defaultNS: 'api',
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      initAsync: false
    });
    server = instance;
  }
  return server;
}

/** The translator for API messages (problem titles, validation messages) in `locale`. */
export function apiTranslator(locale: Locale): TFunction<'api'> {
  return serverI18n().getFixedT(locale, 'api');
}

/** The translator for mails in `locale` (namespace `mail`). */
export function mailTranslator(locale: Locale): Promise<TFunction<'mail'>> {
  return Promise.resolve(serverI18n().getFixedT(locale, 'mail'));
}
