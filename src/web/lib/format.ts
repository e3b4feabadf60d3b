import type { Locale } from './i18n.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A date and time for people, in `timeZone`, with the zone's short name.
 *
 * @example
 * formatDateTime('2026-11-23T15:00:00Z', 'de', 'Europe/Berlin'); // '23. Nov. 2026, 16:00 MEZ'
 */
export function formatDateTime(iso: string, locale: Locale, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = `${locale}|${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short'
    });
    formats.set(key, format);
  }
  return format.format(date);
}
