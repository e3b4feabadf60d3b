import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now, either way, before it counts as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** The outcome of checking a request: `valid`, or why it was refused. */
export type SignatureCheck = 'valid' | 'missing' | 'stale' | 'invalid';

/** What a Slack-compatible request carries to prove it came from the app that holds the secret. */
export interface SignedRequest {
  /** `X-Slack-Signature`: `v0=` and the hex HMAC-SHA256. */
  signature: string | undefined;
  /** `X-Slack-Request-Timestamp`: Unix seconds when the request was sent. */
  timestamp: string | undefined;
  /** The body exactly as it was sent (before any parsing). */
  rawBody: string;
}

const SIGNATURE_PATTERN = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;

/**
 * The `v0=` signature of a request body: hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with
 * the app's signing secret (Slack's request signing, version 0).
 *
 * @example
 * signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', '1531420618', 'text=topics');
 * // 'v0=…' (64 hex digits)
 */
export function signSlackRequest(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/**
 * Checks a request's signature in constant time, and that its timestamp lies within
 * `SIGNATURE_TOLERANCE_SECONDS` of `now` (older requests are replays, newer ones forged clocks).
 *
 * @example
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * const signature = signSlackRequest(secret, timestamp, body);
 * verifySlackSignature(secret, { signature, timestamp, rawBody: body }); // 'valid'
 */
export function verifySlackSignature(
  secret: string,
  request: SignedRequest,
  now = new Date()
): SignatureCheck {
  const { signature, timestamp, rawBody } = request;
  if (!signature || !timestamp) return 'missing';
  if (!TIMESTAMP_PATTERN.test(timestamp) || !SIGNATURE_PATTERN.test(signature)) return 'invalid';
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skew > SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  const expected = Buffer.from(signSlackRequest(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'valid' : 'invalid';
}
