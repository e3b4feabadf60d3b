import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { negotiateLocale } from './i18n.ts';

const dir = path.join(import.meta.dirname, 'locales');

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('i18n', () => {
  it('has the same keys in English and German for every catalog', () => {
    const catalogs = readdirSync(path.join(dir, 'en'));
    expect(catalogs).toEqual(expect.arrayContaining(['api.json', 'mail.json']));
    for (const file of catalogs) {
      const en = keys(JSON.parse(readFileSync(path.join(dir, 'en', file), 'utf8')));
      const de = keys(JSON.parse(readFileSync(path.join(dir, 'de', file), 'utf8')));
      expect(de.sort(), file).toEqual(en.sort());
    }
  });

  it('picks the best language from Accept-Language', () => {
    expect(negotiateLocale('de-CH,de;q=0.9,en;q=0.8')).toBe('de');
    expect(negotiateLocale('fr-FR,fr;q=0.9,de;q=0.5,en;q=0.4')).toBe('de');
    expect(negotiateLocale('fr,es')).toBe('en');
    expect(negotiateLocale('en;q=0.1,de;q=0')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
  });
});
