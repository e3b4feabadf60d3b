import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.ts';
import {
  DEFAULT_CHANNELS,
  NOTIFICATION_KINDS,
  type NotificationKind
} from './notification/notification-kinds.ts';

/**
 * The kinds of mail a person can stop from a link in the mail. Meeting mails: `announce`,
 * `remind`, `changed`, `promoted` (scope: the group). Cancellations have no kind of their own:
 * they are always sent, because someone who planned to come must know. Their unsubscribe link
 * stops announcements instead. Notification mails: `notify-<kind>` stops the mails at once of that
 * kind, `digest-daily` and `digest-weekly` the digests (scope `*`: every group; the notifications
 * stay in the app).
 */
export const UNSUBSCRIBE_KINDS = [
  'announce',
  'remind',
  'changed',
  'promoted',
  'notify-mention',
  'notify-reply',
  'notify-post',
  'notify-meeting',
  'notify-round',
  'notify-member',
  'notify-report',
  'digest-daily',
  'digest-weekly'
] as const;
export type UnsubscribeKind = (typeof UNSUBSCRIBE_KINDS)[number];

/** The unsubscribe kind that stops the mails at once of a notification kind (none for warnings). */
export function notifyUnsubscribeKind(kind: NotificationKind): UnsubscribeKind | null {
  const candidate = `notify-${kind}`;
  return isKind(candidate) ? candidate : null;
}

/** Whether a kind stops notification mail (not meeting mail): it names no group. */
function isNotificationKind(kind: UnsubscribeKind): boolean {
  return kind.startsWith('notify-') || kind.startsWith('digest-');
}

/** What an unsubscribe token stands for: this person stops this kind of mail from this group. */
export interface UnsubscribeClaim {
  userId: string;
  kind: UnsubscribeKind;
  /** The group id. */
  scope: string;
}

/** What a valid token would stop, for the confirmation page (the address partly hidden). */
export interface UnsubscribeSummary {
  kind: UnsubscribeKind;
  groupName: string;
  /** The recipient's address with most of the local part hidden, e.g. `a***@example.com`. */
  email: string;
  /** Whether this kind of mail is already stopped (applying again changes nothing). */
  stopped: boolean;
}

/** The token is forged, altered, or names a person or group that no longer exists. */
export class UnsubscribeError extends Error {
  constructor() {
    super('invalid unsubscribe token');
    this.name = 'UnsubscribeError';
  }
}

const VERSION = 'u1';

/** A key of its own for these tokens, derived from SECRET (which also signs sessions). */
function tokenKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('guildhall/unsubscribe-token').digest();
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', tokenKey(secret)).update(`${VERSION}.${payload}`).digest();
}

function isKind(value: unknown): value is UnsubscribeKind {
  return typeof value === 'string' && (UNSUBSCRIBE_KINDS as readonly string[]).includes(value);
}

/**
 * A stateless token for one-click unsubscribe: the claim (user id, kind, group id) in base64url
 * JSON, a dot, and an HMAC-SHA256 over it (keyed from SECRET), base64url. It never expires: it can
 * only ever stop mail, and it stops working when SECRET changes.
 *
 * @example
 * const token = makeUnsubscribeToken(config.secret, { userId, kind: 'remind', scope: group.id });
 * verifyUnsubscribeToken(config.secret, token); // { userId, kind: 'remind', scope: group.id }
 */
export function makeUnsubscribeToken(secret: string, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(JSON.stringify([claim.userId, claim.kind, claim.scope])).toString(
    'base64url'
  );
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The claim of a token made by `makeUnsubscribeToken` with the same secret, else null. */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeClaim | null {
  const match = /^([A-Za-z0-9_-]{1,1000})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!match) return null;
  const [, payload = '', signature = ''] = match;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  // Canonical base64url only: a signature with other trailing bits would decode to the same bytes.
  if (given.toString('base64url') !== signature) return null;
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [userId, kind, scope] = value as unknown[];
  if (typeof userId !== 'string' || typeof scope !== 'string' || !isKind(kind)) return null;
  if (!userId || !scope) return null;
  return { userId, kind, scope };
}

/**
 * Where a token leads: the web page that asks nothing and confirms (`page`, shown in the mail's
 * body), and the API endpoint mail clients POST to (`oneClick`, the `List-Unsubscribe` header).
 */
export function unsubscribeUrls(
  baseUrl: string,
  token: string
): { page: string; oneClick: string } {
  const query = `token=${encodeURIComponent(token)}`;
  return {
    page: `${baseUrl}/unsubscribe?${query}`,
    oneClick: `${baseUrl}/api/v1/unsubscribe?${query}`
  };
}

/** `ada.lovelace@example.com` → `a***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** The kinds whose channel `claim` turns from mail to in-app, and that channel. */
function notificationTarget(claim: UnsubscribeClaim): { kinds: NotificationKind[]; from: string } {
  if (claim.kind === 'digest-daily' || claim.kind === 'digest-weekly') {
    const from = claim.kind === 'digest-daily' ? 'daily' : 'weekly';
    return { kinds: NOTIFICATION_KINDS.filter((k) => k !== 'moderation'), from };
  }
  const kind = claim.kind.slice('notify-'.length) as NotificationKind;
  return { kinds: [kind], from: 'email' };
}

/** Each kind's channel for a person (stored, else the default). */
async function channelsOf(db: Db, userId: string): Promise<Record<NotificationKind, string>> {
  const rows = await db.kysely
    .selectFrom('notification_preferences')
    .select(['kind', 'channel'])
    .where('user_id', '=', userId)
    .execute();
  const out: Record<NotificationKind, string> = { ...DEFAULT_CHANNELS };
  for (const row of rows) {
    if ((NOTIFICATION_KINDS as readonly string[]).includes(row.kind)) {
      out[row.kind as NotificationKind] = row.channel;
    }
  }
  return out;
}

async function isStopped(db: Db, claim: UnsubscribeClaim): Promise<boolean> {
  if (isNotificationKind(claim.kind)) {
    const channels = await channelsOf(db, claim.userId);
    const { kinds, from } = notificationTarget(claim);
    return kinds.every((k) => channels[k] !== from);
  }
  if (claim.kind === 'announce') {
    const membership = await db.kysely
      .selectFrom('memberships')
      .select('meeting_mail')
      .where('group_id', '=', claim.scope)
      .where('user_id', '=', claim.userId)
      .executeTakeFirst();
    return !membership || membership.meeting_mail === 'none';
  }
  const row = await db.kysely
    .selectFrom('mail_opt_outs')
    .select('user_id')
    .where('user_id', '=', claim.userId)
    .where('kind', '=', claim.kind)
    .where('scope', 'in', [claim.scope, '*'])
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Verifies `token` and says what it would stop. Throws `UnsubscribeError` for a forged or altered
 * token, or one whose person or group is gone.
 */
export async function describeUnsubscribe(
  db: Db,
  secret: string,
  token: string
): Promise<{ claim: UnsubscribeClaim; summary: UnsubscribeSummary }> {
  const claim = verifyUnsubscribeToken(secret, token);
  if (!claim) throw new UnsubscribeError();
  const user = await db.kysely
    .selectFrom('users')
    .select('email')
    .where('id', '=', claim.userId)
    .executeTakeFirst();
  const group = isNotificationKind(claim.kind)
    ? { name: '' }
    : await db.kysely
        .selectFrom('groups')
        .select('name')
        .where('id', '=', claim.scope)
        .executeTakeFirst();
  if (!user || !group) throw new UnsubscribeError();
  return {
    claim,
    summary: {
      kind: claim.kind,
      groupName: group.name,
      email: maskEmail(user.email),
      stopped: await isStopped(db, claim)
    }
  };
}

/**
 * Stops the kind of mail `token` names, without logging in (idempotent): for `announce` the
 * membership's `meeting_mail` becomes `none` (no announcements, no reminders from that group);
 * for `remind`, `changed` and `promoted` a `mail_opt_outs` row with the group as scope is stored;
 * for `notify-<kind>` that kind's channel becomes `in_app` when it was `email`, and for
 * `digest-daily` / `digest-weekly` every kind on that digest becomes `in_app` (the notifications
 * stay in the app, the mail stops).
 *
 * @example
 * const summary = await applyUnsubscribe(db, config.secret, token); // summary.stopped === true
 */
export async function applyUnsubscribe(
  db: Db,
  secret: string,
  token: string,
  now = new Date()
): Promise<UnsubscribeSummary> {
  const { claim, summary } = await describeUnsubscribe(db, secret, token);
  const at = now.toISOString();
  if (isNotificationKind(claim.kind)) {
    const channels = await channelsOf(db, claim.userId);
    const { kinds, from } = notificationTarget(claim);
    for (const kind of kinds.filter((k) => channels[k] === from)) {
      await db.kysely
        .insertInto('notification_preferences')
        .values({ user_id: claim.userId, kind, channel: 'in_app' })
        .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ channel: 'in_app' }))
        .execute();
    }
  } else if (claim.kind === 'announce') {
    await db.kysely
      .updateTable('memberships')
      .set({ meeting_mail: 'none', updated_at: at })
      .where('group_id', '=', claim.scope)
      .where('user_id', '=', claim.userId)
      .where('meeting_mail', '!=', 'none')
      .execute();
  } else {
    await db.kysely
      .insertInto('mail_opt_outs')
      .values({ user_id: claim.userId, kind: claim.kind, scope: claim.scope, created_at: at })
      .onConflict((oc) => oc.columns(['user_id', 'kind', 'scope']).doNothing())
      .execute();
  }
  return { ...summary, stopped: true };
}
