import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The web UI's catalogs (namespace `web`): every string in English and German, with the same
// placeholders, so no page ever shows a key or a half-translated sentence.

const dir = path.join(import.meta.dirname, 'locales');

function load(locale: 'en' | 'de'): Record<string, string> {
  const flat: Record<string, string> = {};
  const walk = (value: unknown, prefix: string): void => {
    if (typeof value === 'string') {
      flat[prefix] = value;
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        walk(child, prefix ? `${prefix}.${key}` : key);
      }
    } else {
      throw new Error(`${locale}/web.json: ${prefix} is neither text nor a group`);
    }
  };
  walk(JSON.parse(readFileSync(path.join(dir, locale, 'web.json'), 'utf8')), '');
  return flat;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] ?? '').sort();
}

describe('web catalogs', () => {
  const en = load('en');
  const de = load('de');

  it('have identical keys in English and German', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty strings', () => {
    for (const [locale, catalog] of Object.entries({ en, de })) {
      const empty = Object.entries(catalog).filter(([, text]) => text.trim() === '');
      expect(empty, locale).toEqual([]);
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders(de[key] ?? ''), key).toEqual(placeholders(text));
    }
  });
});
