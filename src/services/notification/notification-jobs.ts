import type { Db } from '../../db/database.ts';
import { toBool, toDate } from '../../db/values.ts';
import { isTimeZone } from '../../domain/places.ts';
import { isLocale } from '../../i18n/i18n.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { DIGEST_FREQUENCIES, type DigestFrequency } from './notification-kinds.ts';
import { type DigestItem, type MailRecipient, sendDigestMail } from './notification-mail.ts';

/** What the notification jobs need beyond the database. */
export interface NotificationJobDeps {
  baseUrl: string;
  secret: string;
  /** The clock (tests pin it). */
  now?: () => Date;
}

/** The queue of the digest sweep. */
export const DIGESTS_QUEUE = 'digests';
const SWEEP_EVERY_MS = 15 * 60_000;
/** Digests go out at or after this hour of the member's morning. */
export const DIGEST_HOUR = 7;
/** At most this many items go into one digest; the rest wait for the next. */
const DIGEST_MAX_ITEMS = 1000;

/** A day in a zone as `YYYY-MM-DD`, its weekday (1 = Monday … 7 = Sunday) and the hour. */
export function localClock(
  at: Date,
  timeZone: string
): { day: string; weekday: number; hour: number } {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      hourCycle: 'h23'
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value])
  );
  const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: weekdays.indexOf(parts.weekday ?? '') + 1,
    hour: Number(parts.hour)
  };
}

/**
 * Whether a member's digest is due at `now`: at or after 07:00 in their zone, on a calendar day
 * (in that zone) after the last one's, and for weekly digests on a Monday.
 */
export function digestDue(
  frequency: DigestFrequency,
  now: Date,
  timeZone: string,
  lastSentAt: Date | null
): boolean {
  const clock = localClock(now, timeZone);
  if (clock.hour < DIGEST_HOUR) return false;
  if (frequency === 'weekly' && clock.weekday !== 1) return false;
  return lastSentAt === null || localClock(lastSentAt, timeZone).day < clock.day;
}

interface Candidate extends MailRecipient {
  timeZone: string;
  lastSentAt: Date | null;
}

/**
 * People with digest items not yet mailed (created up to `now`), with their mail details and
 * their last digest of this frequency, in one query.
 */
async function candidates(db: Db, frequency: DigestFrequency, now: Date): Promise<Candidate[]> {
  const rows = await db.kysely
    .selectFrom('users as u')
    .leftJoin('digest_cursors as c', (join) =>
      join.onRef('c.user_id', '=', 'u.id').on('c.frequency', '=', frequency)
    )
    .select([
      'u.id',
      'u.email',
      'u.name',
      'u.language',
      'u.email_verified',
      'u.time_zone',
      'c.last_sent_at'
    ])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('notifications as n')
          .select('n.id')
          .whereRef('n.user_id', '=', 'u.id')
          .where('n.delivery', '=', frequency)
          .where('n.mailed_at', 'is', null)
          .where('n.created_at', '<=', now.toISOString())
      )
    )
    .orderBy('u.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    locale: isLocale(r.language) ? r.language : 'en',
    verified: toBool(r.email_verified),
    timeZone: r.time_zone,
    lastSentAt: r.last_sent_at === null ? null : toDate(r.last_sent_at)
  }));
}

/**
 * Claims one member's digest in one write transaction: re-reads the cursor (locked on PostgreSQL;
 * SQLite's `BEGIN IMMEDIATE` serializes writers), checks that the digest is still due, takes every
 * item of the frequency not yet mailed and created up to `now`, marks them `mailed_at` and moves
 * the cursor to `now`. A second run (another node, a retry) finds the cursor moved and claims
 * nothing, so no item goes out twice; an item not yet committed stays unmailed for the next one,
 * so none is skipped. Returns the claimed items, or null.
 */
async function claimDigest(
  db: Db,
  person: Candidate,
  frequency: DigestFrequency,
  now: Date
): Promise<DigestItem[] | null> {
  return writeTransaction(db, async (trx) => {
    let cursorQuery = trx
      .selectFrom('digest_cursors')
      .select('last_sent_at')
      .where('user_id', '=', person.id)
      .where('frequency', '=', frequency);
    if (db.dialect === 'postgres') cursorQuery = cursorQuery.forUpdate();
    const cursor = await cursorQuery.executeTakeFirst();
    const lastSentAt = cursor ? toDate(cursor.last_sent_at) : null;
    if (!digestDue(frequency, now, person.timeZone, lastSentAt)) return null;
    const items = await trx
      .selectFrom('notifications')
      .select(['id', 'kind', 'payload'])
      .where('user_id', '=', person.id)
      .where('delivery', '=', frequency)
      .where('mailed_at', 'is', null)
      .where('created_at', '<=', now.toISOString())
      .orderBy('created_at')
      .orderBy('id')
      .limit(DIGEST_MAX_ITEMS)
      .execute();
    if (items.length === 0) return null;
    const at = now.toISOString();
    if (cursor) {
      await trx
        .updateTable('digest_cursors')
        .set({ last_sent_at: at })
        .where('user_id', '=', person.id)
        .where('frequency', '=', frequency)
        .execute();
    } else {
      const inserted = await trx
        .insertInto('digest_cursors')
        .values({ user_id: person.id, frequency, last_sent_at: at })
        .onConflict((oc) => oc.columns(['user_id', 'frequency']).doNothing())
        .returning('user_id')
        .executeTakeFirst();
      if (!inserted) return null; // another run claimed it first
    }
    const ids = items.map((i) => i.id);
    for (let i = 0; i < ids.length; i += 500) {
      await trx
        .updateTable('notifications')
        .set({ mailed_at: at })
        .where('id', 'in', ids.slice(i, i + 500))
        .where('mailed_at', 'is', null)
        .execute();
    }
    return items.map((i) => ({ kind: i.kind, payload: i.payload }));
  });
}

/**
 * Sends every digest due at `now` (see `digestDue`): one mail per member and frequency holding
 * exactly the items claimed by `claimDigest`, grouped by group. No items, no mail. Members with
 * an unverified address are claimed like the others (their items stay in the app) but get no
 * mail. The mail is enqueued after the claim commits: at most once. Returns how many were sent.
 */
export async function sendDueDigests(
  db: Db,
  queue: JobQueue,
  deps: NotificationJobDeps,
  now: Date = deps.now?.() ?? new Date()
): Promise<number> {
  let sent = 0;
  for (const frequency of DIGEST_FREQUENCIES) {
    for (const person of await candidates(db, frequency, now)) {
      // A cheap look first; `claimDigest` checks again under the lock.
      if (!digestDue(frequency, now, person.timeZone, person.lastSentAt)) continue;
      const items = await claimDigest(db, person, frequency, now);
      if (!items || !person.verified) continue;
      await sendDigestMail(
        { queue, baseUrl: deps.baseUrl, secret: deps.secret },
        person,
        frequency,
        items
      );
      sent += 1;
    }
  }
  return sent;
}

/** Daily and weekly digests: every 15 minutes, sends the digests that are due (`sendDueDigests`). */
export function registerNotificationJobs(
  db: Db,
  queue: JobQueue,
  deps: NotificationJobDeps
): PeriodicJob {
  return registerPeriodicJob(queue, DIGESTS_QUEUE, SWEEP_EVERY_MS, () =>
    sendDueDigests(db, queue, deps)
  );
}
