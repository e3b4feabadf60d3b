const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
let zones: ReadonlySet<string> | undefined;

/**
 * Whether `code` is an ISO 3166-1 alpha-2 country code the runtime knows.
 *
 * @example
 * isCountryCode('DE'); // true
 * isCountryCode('XX'); // false
 */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && regionNames.of(code) !== code;
}

/**
 * Whether `zone` is an IANA time zone name (e.g. `Europe/Berlin`, `UTC`).
 *
 * @example
 * isTimeZone('Europe/Berlin'); // true
 */
export function isTimeZone(zone: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return zones.has(zone);
}
