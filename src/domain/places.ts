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

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const FOLDED_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'a',
  œ: 'o',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h'
};

/**
 * The form of a place name used for matching: lower case, diacritics folded, German umlaut
 * spellings treated alike (`ä`, `ae` and `a` all become `a`; likewise for o and u), `ß` as `ss`,
 * apostrophes dropped and every run of spaces, hyphens and other punctuation one space. The same
 * function is applied to the names in the data and to what a person typed, so a folded `ue` in
 * other languages ("Buenos Aires" → "bunos aires") still matches itself.
 *
 * @example
 * normalizePlaceName('München'); // 'munchen'
 * normalizePlaceName('Muenchen'); // 'munchen'
 * normalizePlaceName('  Frankfurt (Oder) '); // 'frankfurt oder'
 */
export function normalizePlaceName(name: string): string {
  const folded = PRINTABLE_ASCII.test(name)
    ? name.toLowerCase()
    : name
        .normalize('NFKD')
        .toLowerCase()
        .replace(/\p{M}/gu, '')
        .replace(/[ßæœøłđðþıħ]/g, (letter) => FOLDED_LETTERS[letter] ?? letter);
  return folded
    .replace(/([aou])e/g, '$1')
    .replace(/['’ʻʼ`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Whether a name is written in Latin script (letters with or without diacritics, digits,
 * punctuation): the alternate names worth matching against what people type in a Latin keyboard
 * layout. Upper-case abbreviations of two to four letters (mostly airport codes such as `MUC`) are
 * not names.
 *
 * @example
 * isLatinPlaceName('München'); // true
 * isLatinPlaceName('Мюнхен'); // false
 * isLatinPlaceName('MUC'); // false
 */
export function isLatinPlaceName(name: string): boolean {
  if (PRINTABLE_ASCII.test(name)) return /[a-z]/i.test(name) && !/^[A-Z]{2,4}$/.test(name);
  return (
    /\p{Script=Latin}/u.test(name) &&
    /^[\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]+$/u.test(name)
  );
}
