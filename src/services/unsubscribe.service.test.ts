import { describe, expect, it } from 'vitest';
import {
  makeUnsubscribeToken,
  maskEmail,
  unsubscribeUrls,
  verifyUnsubscribeToken
} from './unsubscribe.service.ts';

const SECRET = 's'.repeat(40);
const claim = { userId: 'user-1', kind: 'remind' as const, scope: 'group-1' };

describe('unsubscribe tokens', () => {
  it('round-trip the claim and are URL-safe', () => {
    const token = makeUnsubscribeToken(SECRET, claim);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual(claim);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('are bound to the secret', () => {
    const token = makeUnsubscribeToken(SECRET, claim);
    expect(verifyUnsubscribeToken('t'.repeat(40), token)).toBeNull();
  });

  it('refuse an altered claim or signature', () => {
    const token = makeUnsubscribeToken(SECRET, claim);
    const [payload = '', signature = ''] = token.split('.');
    const forged = Buffer.from(JSON.stringify(['user-2', 'remind', 'group-1'])).toString(
      'base64url'
    );
    expect(verifyUnsubscribeToken(SECRET, `${forged}.${signature}`)).toBeNull();
    const otherKind = makeUnsubscribeToken(SECRET, { ...claim, kind: 'changed' }).split('.')[1];
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${otherKind ?? ''}`)).toBeNull();
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${flipped}`)).toBeNull();
    // Same bytes, different last character (non-canonical base64url).
    const last = signature.at(-1) ?? 'A';
    const sibling = String.fromCharCode(last.charCodeAt(0) ^ 1);
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${signature.slice(0, -1)}${sibling}`)).toBe(
      null
    );
  });

  it('refuse garbage and claims with unknown kinds', () => {
    for (const bad of ['', 'abc', 'a.b', '.', `${'a'.repeat(5000)}.${'b'.repeat(43)}`]) {
      expect(verifyUnsubscribeToken(SECRET, bad), bad.slice(0, 20)).toBeNull();
    }
    const forgedKind = makeUnsubscribeToken(SECRET, {
      ...claim,
      kind: 'cancelled' as unknown as 'remind'
    });
    expect(verifyUnsubscribeToken(SECRET, forgedKind)).toBeNull();
  });

  it('lead to the web page and to the one-click endpoint', () => {
    expect(unsubscribeUrls('https://guild.example.com', 'a.b')).toEqual({
      page: 'https://guild.example.com/unsubscribe?token=a.b',
      oneClick: 'https://guild.example.com/api/v1/unsubscribe?token=a.b'
    });
  });
});

describe('maskEmail', () => {
  it('hides all but the first character of the local part', () => {
    expect(maskEmail('ada.lovelace@example.com')).toBe('a***@example.com');
    expect(maskEmail('x@example.de')).toBe('x***@example.de');
    expect(maskEmail('not-an-address')).toBe('***');
  });
});
