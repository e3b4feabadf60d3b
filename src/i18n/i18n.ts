import i18next, { type i18n, type TFunction } from 'i18next';
import deMail from './locales/de/mail.json' with { type: 'json' };
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

let mailI18n: i18n | undefined;

/** The translator for mails in `locale` (namespace `mail`). */
export async function mailTranslator(locale: Locale): Promise<TFunction> {
  if (!mailI18n) {
    const instance = i18next.createInstance();
    await instance.init({
      resources: { en: { mail: enMail }, de: { mail: deMail } },
      ns: ['mail'],
      defaultNS: 'mail',
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      initAsync: false
    });
    mailI18n = instance;
  }
  return mailI18n.getFixedT(locale, 'mail');
}
