import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLatinPlaceName, normalizePlaceName } from './places.ts';

describe('place names', () => {
  it('treats case, diacritics and German umlaut spellings alike', () => {
    for (const name of ['München', 'Munchen', 'Muenchen', 'münchen', 'MÜNCHEN', 'MUENCHEN']) {
      expect(normalizePlaceName(name), name).toBe('munchen');
    }
    expect(normalizePlaceName('Köln')).toBe(normalizePlaceName('Koeln'));
    expect(normalizePlaceName('Köln')).toBe(normalizePlaceName('Koln'));
    expect(normalizePlaceName('Zürich')).toBe(normalizePlaceName('Zuerich'));
    expect(normalizePlaceName('Gießen')).toBe(normalizePlaceName('Giessen'));
    expect(normalizePlaceName('Bad Tölz')).toBe('bad tolz');
    expect(normalizePlaceName('São Paulo')).toBe(normalizePlaceName('Sao Paulo'));
    expect(normalizePlaceName('Łódź')).toBe('lodz');
    expect(normalizePlaceName('İstanbul')).toBe('istanbul');
  });

  it('collapses whitespace, hyphens and punctuation; drops apostrophes', () => {
    expect(normalizePlaceName('  Garmisch-Partenkirchen ')).toBe('garmisch partenkirchen');
    expect(normalizePlaceName('Garmisch   Partenkirchen')).toBe('garmisch partenkirchen');
    expect(normalizePlaceName('Frankfurt (Oder)')).toBe('frankfurt oder');
    expect(normalizePlaceName('Frankfurt - Oder')).toBe('frankfurt oder');
    expect(normalizePlaceName("L'Aquila")).toBe(normalizePlaceName('LAquila'));
    expect(normalizePlaceName('--')).toBe('');
  });

  it('is idempotent and never leaves upper case, marks or doubled spaces', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: 'grapheme' }), (name) => {
        const key = normalizePlaceName(name);
        expect(normalizePlaceName(key)).toBe(key);
        expect(key).not.toMatch(/\p{M}|\s{2}|^\s|\s$/u);
        expect(key).toBe(key.toLowerCase());
      })
    );
  });

  it('keeps Latin-script names, not other scripts or airport codes', () => {
    expect(isLatinPlaceName('München')).toBe(true);
    expect(isLatinPlaceName('Muenchen')).toBe(true);
    expect(isLatinPlaceName('Mùnich ëd Baviera')).toBe(true);
    expect(isLatinPlaceName('Мюнхен')).toBe(false);
    expect(isLatinPlaceName('ミュンヘン')).toBe(false);
    expect(isLatinPlaceName('Gorad Мюнхен')).toBe(false);
    expect(isLatinPlaceName('MUC')).toBe(false);
    expect(isLatinPlaceName('123')).toBe(false);
    expect(isLatinPlaceName('')).toBe(false);
  });
});
