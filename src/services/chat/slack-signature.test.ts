import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from './slack-signature.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BODY = 'team_id=T1&user_id=U1&text=vote+2';
const NOW = new Date('2026-11-23T20:00:00Z');
const seconds = (date: Date, offset = 0) => String(Math.floor(date.getTime() / 1000) + offset);

describe('slack request signatures', () => {
  it('are v0= and the hex HMAC-SHA256 of v0:<timestamp>:<body>', () => {
    const expected = createHmac('sha256', SECRET).update(`v0:1531420618:${BODY}`).digest('hex');
    expect(signSlackRequest(SECRET, '1531420618', BODY)).toBe(`v0=${expected}`);
  });

  it('accept a correctly signed, fresh request', () => {
    const timestamp = seconds(NOW, -30);
    const signature = signSlackRequest(SECRET, timestamp, BODY);
    expect(verifySlackSignature(SECRET, { signature, timestamp, rawBody: BODY }, NOW)).toBe(
      'valid'
    );
  });

  it('refuse another secret, another body or another timestamp', () => {
    const timestamp = seconds(NOW);
    const signature = signSlackRequest(SECRET, timestamp, BODY);
    expect(
      verifySlackSignature('another-secret', { signature, timestamp, rawBody: BODY }, NOW)
    ).toBe('invalid');
    expect(verifySlackSignature(SECRET, { signature, timestamp, rawBody: `${BODY}0` }, NOW)).toBe(
      'invalid'
    );
    expect(
      verifySlackSignature(SECRET, { signature, timestamp: seconds(NOW, -1), rawBody: BODY }, NOW)
    ).toBe('invalid');
  });

  it('refuse timestamps more than five minutes away, either way', () => {
    for (const offset of [-6 * 60, 6 * 60, -301, 301]) {
      const timestamp = seconds(NOW, offset);
      const signature = signSlackRequest(SECRET, timestamp, BODY);
      expect(
        verifySlackSignature(SECRET, { signature, timestamp, rawBody: BODY }, NOW),
        String(offset)
      ).toBe('stale');
    }
    for (const offset of [-299, 299]) {
      const timestamp = seconds(NOW, offset);
      const signature = signSlackRequest(SECRET, timestamp, BODY);
      expect(verifySlackSignature(SECRET, { signature, timestamp, rawBody: BODY }, NOW)).toBe(
        'valid'
      );
    }
  });

  it('refuse missing and malformed headers', () => {
    const timestamp = seconds(NOW);
    const signature = signSlackRequest(SECRET, timestamp, BODY);
    const check = (s: string | undefined, ts: string | undefined) =>
      verifySlackSignature(SECRET, { signature: s, timestamp: ts, rawBody: BODY }, NOW);
    expect(check(undefined, timestamp)).toBe('missing');
    expect(check(signature, undefined)).toBe('missing');
    expect(check('', timestamp)).toBe('missing');
    expect(check(signature.toUpperCase(), timestamp)).toBe('invalid');
    expect(check(signature.replace('v0=', 'v1='), timestamp)).toBe('invalid');
    expect(check(signature.slice(0, -2), timestamp)).toBe('invalid');
    expect(check(`${signature}00`, timestamp)).toBe('invalid');
    expect(check(signature, `${timestamp}.5`)).toBe('invalid');
    expect(check(signature, '-1')).toBe('invalid');
  });
});
