import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonPasswords } from '../services/common-passwords.ts';
import { handleFromName, isValidHandle } from './handle.ts';
import { renderMarkdown } from './markdown.ts';
import { checkPassword } from './password-policy.ts';
import { isCountryCode, isTimeZone } from './places.ts';
import { normalizeTag, normalizeTags } from './tags.ts';

describe('password policy', () => {
  const common = commonPasswords();
  it('refuses short, overlong, common and email-like passwords', () => {
    expect(checkPassword('short', { common })).toBe('tooShort');
    expect(checkPassword('x'.repeat(129), { common })).toBe('tooLong');
    expect(checkPassword('password', { common })).toBe('common');
    expect(checkPassword('Password1!', { common })).toBe('common');
    expect(checkPassword('iloveyou2024', { common })).toBe('common');
    expect(
      checkPassword('ada.lovelace@example.com', { common, email: 'ada.lovelace@example.com' })
    ).toBe('containsEmail');
    expect(checkPassword('zanzibarx77', { common, email: 'zanzibarx@example.com' })).toBe(
      'containsEmail'
    );
  });
  it('accepts long, uncommon passphrases', () => {
    expect(checkPassword('correct horse battery staple', { common })).toBeNull();
    expect(checkPassword('plum-tree-harbour-42', { common, email: 'ada@example.com' })).toBeNull();
  });
  it('counts characters, not UTF-16 units', () => {
    expect(checkPassword('🔑🔑🔑🔑🔑🔑🔑', { common })).toBe('tooShort');
    expect(checkPassword('🔑🔑🔑🔑🔑🔑🔑🔑', { common })).toBeNull();
  });
});

describe('handles', () => {
  it('derives a valid handle from any display name', () => {
    expect(handleFromName('Jürgen Müller')).toBe('jurgen-muller');
    expect(handleFromName('Weißbier Fan')).toBe('weissbier-fan');
    expect(handleFromName('李')).toBe('member');
    expect(handleFromName('Admin')).toBe('admin-1');
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (name) => isValidHandle(handleFromName(name)))
    );
  });
  it('accepts only well-formed, unreserved handles', () => {
    expect(isValidHandle('ada')).toBe(true);
    expect(isValidHandle('ada_l-2')).toBe(true);
    for (const bad of [
      'ad',
      'Ada',
      '-ada',
      'ada-',
      'a'.repeat(31),
      'admin',
      'settings',
      'ada lovelace'
    ]) {
      expect(isValidHandle(bad), bad).toBe(false);
    }
  });
});

describe('tags', () => {
  it('normalizes case, spacing and punctuation but keeps C++, C# and .NET', () => {
    expect(normalizeTag('  Data   Engineering ')).toBe('data-engineering');
    expect(normalizeTag('C++')).toBe('c++');
    expect(normalizeTag('C#')).toBe('c#');
    expect(normalizeTag('.NET')).toBe('.net');
    expect(normalizeTag('CI/CD')).toBe('ci-cd');
    expect(normalizeTag('!!!')).toBe('');
  });
  it('deduplicates after normalizing, keeping the first order', () => {
    expect(normalizeTags(['Kubernetes', 'azure', ' kubernetes', 'AZURE', ''])).toEqual([
      'kubernetes',
      'azure'
    ]);
    fc.assert(
      fc.property(fc.array(fc.string()), (tags) => {
        const once = normalizeTags(tags);
        expect(normalizeTags(once)).toEqual(once);
        expect(new Set(once).size).toBe(once.length);
      })
    );
  });
});

describe('markdown', () => {
  it('renders markdown without raw HTML and marks links nofollow ugc', () => {
    const html = renderMarkdown(
      '# Title\n\nHi **there** <img src=x onerror=alert(1)> [x](https://example.com) [y](javascript:alert(1))'
    );
    expect(html).toContain('<h3>Title</h3>');
    expect(html).toContain('<strong>there</strong>');
    expect(html).not.toMatch(/<img|href="javascript/);
    expect(html).toContain('&lt;img');
    expect(html).toContain('<a href="https://example.com" rel="nofollow ugc noopener">x</a>');
  });
});

describe('places', () => {
  it('knows ISO country codes and IANA zones', () => {
    expect(isCountryCode('DE')).toBe(true);
    expect(isCountryCode('XX')).toBe(false);
    expect(isCountryCode('de')).toBe(false);
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
