// The health rollup: turns raw activity (RSVPs, check-ins, votes, polls, comments, questions,
// feedback, kudos, posts, topics, talks, hosting, membership changes) into the daily aggregates
// the dashboard reads (health_signals, health_days, health_meetings, health_members,
// health_weeks). Idempotent: each run recomputes a trailing window, so two nodes or a retry
// write the same rows. Reads happen outside transactions; each write phase is one write
// transaction (serialized across nodes by an advisory lock on PostgreSQL) that deletes the
// recomputed range and inserts it again in batches.

import { type Kysely, sql } from 'kysely';
import { dayOf, daysBefore, isoWeekOf } from '../../domain/health.ts';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { dbBool, toBool, toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { type MeetingRow, rollUpMeetings } from './health-meetings.ts';
import { computeMembers, type MemberRow } from './health-members.ts';
import { type DayRow, type SignalRow, SignalTally, tallyActivity } from './health-signals.ts';

/** What one run did, for logs and tests. */
export interface RollupResult {
  /** The earliest day recomputed (YYYY-MM-DD). */
  from: string;
  signals: number;
  meetings: number;
  members: number;
}

/** health_state keys. */
export const HEALTH_STATE = {
  /** The day (YYYY-MM-DD) the signals were last brought up to; the next run goes back 14 days. */
  signalsUntil: 'signals_until',
  /** The day every group's members were last recomputed (once a day, the window slides). */
  membersOn: 'members_on',
  /** The instant of the last finished run (ISO). */
  rolledUpAt: 'rolled_up_at',
  /** How many members of the previous window have left a group: `left:<groupId>`. */
  left: (groupId: string) => `left:${groupId}`,
  /**
   * A group's health_members summed up, written with them: JSON `{ "<tier>><previous|new>": n }`,
   * so a page view need not group 50,000 rows.
   */
  tiers: (groupId: string) => `tiers:${groupId}`
} as const;

/** How many days before the previous run a run goes back (late check-ins, edited votes). */
export const HEALTH_LOOKBACK_DAYS = 14;
/** The first run covers everything since this day. */
const ALL_HISTORY = '1970-01-01';
/** Rows per insert statement. */
const BATCH = 500;
/** Groups, and member rows, written per transaction by the members phase. */
const GROUPS_PER_WRITE = 500;
/** Groups whose members are computed together (a fixed number of queries per chunk). */
const GROUPS_PER_READ = 200;
const ROWS_PER_WRITE = 20_000;
/** pg_advisory_xact_lock key serializing the rollup's writes across nodes. */
const LOCK_KEY = 80_080_008;

/**
 * Brings the health aggregates up to date as of `now`. The first run covers all history; later
 * runs recompute from two weeks before the previous run (late check-ins, edited votes).
 *
 * @example
 * const result = await rollUpHealth(db, { now: new Date('2026-11-24T08:00:00Z') });
 */
export async function rollUpHealth(db: Db, options: { now?: Date } = {}): Promise<RollupResult> {
  const now = options.now ?? new Date();
  const today = dayOf(now);
  const k = db.kysely;
  const state = new Map(
    (await k.selectFrom('health_state').select(['key', 'value']).execute()).map((r) => [
      r.key,
      r.value
    ])
  );
  const until = state.get(HEALTH_STATE.signalsUntil);
  if (until === undefined) await reconcileMembershipLog(db);
  const from = until === undefined ? ALL_HISTORY : daysBefore(until, HEALTH_LOOKBACK_DAYS);
  const span = { fromIso: `${from}T00:00:00.000Z`, nowIso: now.toISOString() };

  const tally = new SignalTally();
  await tallyActivity(k, span, tally);
  const meetings = await rollUpMeetings(k, span, tally);
  const signals = tally.signalRows();
  const days = tally.dayRows();

  // Groups whose figures in the span changed (their members are recomputed at once).
  const touched = await changedGroups(k, from, span.fromIso, { signals, days, meetings });

  const updatedAt = now.toISOString();
  await writeTransaction(db, async (trx) => {
    await lock(db, trx);
    await trx.deleteFrom('health_signals').where('day', '>=', from).execute();
    for (let i = 0; i < signals.length; i += BATCH)
      await trx
        .insertInto('health_signals')
        .values(signals.slice(i, i + BATCH))
        .execute();
    await trx.deleteFrom('health_days').where('day', '>=', from).execute();
    for (let i = 0; i < days.length; i += BATCH)
      await trx
        .insertInto('health_days')
        .values(days.slice(i, i + BATCH))
        .execute();
    await trx
      .deleteFrom('health_meetings')
      .where((eb) =>
        eb.or([
          eb('starts_at', '>=', span.fromIso),
          eb(
            'event_id',
            'in',
            eb.selectFrom('events').select('id').where('status', '<>', 'published')
          )
        ])
      )
      .execute();
    for (let i = 0; i < meetings.length; i += BATCH)
      await trx
        .insertInto('health_meetings')
        .values(
          meetings.slice(i, i + BATCH).map((m) => ({
            ...m,
            check_in_used: dbBool(db, m.check_in_used),
            updated_at: updatedAt
          }))
        )
        .execute();
  });

  const members = await rollUpMembers(db, today, state.get(HEALTH_STATE.membersOn), touched);
  await rollUpWeeks(db, from, today);

  await writeTransaction(db, async (trx) => {
    await lock(db, trx);
    await putState(trx, HEALTH_STATE.signalsUntil, today);
    await putState(trx, HEALTH_STATE.membersOn, today);
    await putState(trx, HEALTH_STATE.rolledUpAt, updatedAt);
  });
  return { from, signals: signals.length, meetings: meetings.length, members };
}

/** One line per aggregate row, grouped by group, to tell which groups' figures changed. */
function linesByGroup<T extends { group_id: string }>(
  lines: Map<string, string[]>,
  rows: readonly T[],
  line: (row: T) => string
): void {
  for (const row of rows) {
    const list = lines.get(row.group_id);
    if (list) list.push(line(row));
    else lines.set(row.group_id, [line(row)]);
  }
}

const signalLine = (r: { day: string; user_id: string; signal: string; count: number }) =>
  `s ${r.day} ${r.user_id} ${r.signal} ${r.count}`;
const dayLine = (r: Omit<DayRow, 'group_id'>) =>
  `d ${r.day} ${r.joins} ${r.leaves} ${r.topics_proposed} ${r.votes_cast} ${r.poll_answers} ${r.posts} ${r.comments}`;
const meetingLine = (
  r: Omit<MeetingRow, 'check_in_used' | 'starts_at'> & {
    starts_at: Date | string;
    check_in_used: boolean | number;
  }
) =>
  JSON.stringify([
    'm',
    r.event_id,
    toDate(r.starts_at).toISOString(),
    r.title,
    r.capacity,
    r.going,
    r.checked_in,
    toBool(r.check_in_used),
    r.waitlisted,
    r.new_attendees,
    r.returning_attendees,
    r.member_talks,
    r.guest_talks,
    r.feedback_count,
    r.rating_count,
    r.rating_sum
  ]);

/**
 * The groups whose signals, days or meetings in the recomputed span differ from what is stored
 * (including meetings that no longer count, e.g. cancelled after they took place).
 */
async function changedGroups(
  k: Kysely<Database>,
  from: string,
  fromIso: string,
  fresh: { signals: SignalRow[]; days: DayRow[]; meetings: MeetingRow[] }
): Promise<Set<string>> {
  const now = new Map<string, string[]>();
  linesByGroup(now, fresh.signals, signalLine);
  linesByGroup(now, fresh.days, dayLine);
  linesByGroup(now, fresh.meetings, meetingLine);
  const stored = new Map<string, string[]>();
  linesByGroup(
    stored,
    await k.selectFrom('health_signals').selectAll().where('day', '>=', from).execute(),
    signalLine
  );
  linesByGroup(
    stored,
    await k.selectFrom('health_days').selectAll().where('day', '>=', from).execute(),
    dayLine
  );
  linesByGroup(
    stored,
    await k.selectFrom('health_meetings').selectAll().where('starts_at', '>=', fromIso).execute(),
    meetingLine
  );
  const changed = new Set<string>();
  for (const groupId of new Set([...now.keys(), ...stored.keys()])) {
    const a = (now.get(groupId) ?? []).sort().join('\n');
    const b = (stored.get(groupId) ?? []).sort().join('\n');
    if (a !== b) changed.add(groupId);
  }
  const gone = await k
    .selectFrom('health_meetings')
    .select('group_id')
    .where('event_id', 'in', (eb) =>
      eb.selectFrom('events').select('id').where('status', '<>', 'published')
    )
    .execute();
  for (const r of gone) changed.add(r.group_id);
  return changed;
}

/**
 * Gives every active membership without any log row (inserted directly: demo, bench, tests) a +1
 * at the membership's creation, so members over time add up to today's members.
 */
async function reconcileMembershipLog(db: Db): Promise<void> {
  await writeTransaction(db, async (trx) => {
    await lock(db, trx);
    // Compared in JS: a correlated NOT EXISTS would scan a group's whole log per member.
    const logged = new Set(
      (
        await trx
          .selectFrom('membership_log')
          .select(['group_id', 'user_id'])
          .distinct()
          .where('user_id', 'is not', null)
          .execute()
      ).map((r) => `${r.group_id}:${r.user_id ?? ''}`)
    );
    const missing = (
      await trx
        .selectFrom('memberships')
        .select(['group_id', 'user_id', 'created_at'])
        .where('status', '=', 'active')
        .execute()
    ).filter((m) => !logged.has(`${m.group_id}:${m.user_id}`));
    for (let i = 0; i < missing.length; i += BATCH)
      await trx
        .insertInto('membership_log')
        .values(
          missing.slice(i, i + BATCH).map((m) => ({
            id: `joined:${m.group_id}:${m.user_id}`,
            group_id: m.group_id,
            user_id: m.user_id,
            delta: 1,
            created_at: m.created_at
          }))
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
  });
}

/**
 * Recomputes health_members (and `left:<groupId>`) for the touched groups, or for every group on
 * the first run of a day. Returns how many member rows were written.
 */
async function rollUpMembers(
  db: Db,
  today: string,
  membersOn: string | undefined,
  touched: ReadonlySet<string>
): Promise<number> {
  const groups = await db.kysely
    .selectFrom('groups')
    .select(['id', 'health_window_days', 'health_quiet_days'])
    .orderBy('id')
    .execute();
  let written = 0;
  // Computed 200 groups at a time and written many groups to a transaction: a query and a commit
  // per group would dominate on an instance with many small groups.
  let pending: { groupId: string; rows: MemberRow[]; left: number }[] = [];
  let pendingRows = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingRows = 0;
    await writeTransaction(db, async (trx) => {
      await lock(db, trx);
      for (const { groupId, rows, left } of batch) {
        await trx.deleteFrom('health_members').where('group_id', '=', groupId).execute();
        for (let i = 0; i < rows.length; i += BATCH)
          await trx
            .insertInto('health_members')
            .values(rows.slice(i, i + BATCH).map((r) => ({ ...r, quiet: dbBool(db, r.quiet) })))
            .execute();
        await putState(trx, HEALTH_STATE.left(groupId), String(left));
        await putState(trx, HEALTH_STATE.tiers(groupId), JSON.stringify(tierCounts(rows)));
      }
    });
  };
  const due = groups.filter((g) => membersOn !== today || touched.has(g.id));
  for (let i = 0; i < due.length; i += GROUPS_PER_READ) {
    const chunk = due.slice(i, i + GROUPS_PER_READ).map((g) => ({
      id: g.id,
      windowDays: g.health_window_days,
      quietDays: g.health_quiet_days
    }));
    const computed = await computeMembers(db.kysely, chunk, today);
    for (const [groupId, { rows, left }] of computed) {
      pending.push({ groupId, rows, left });
      pendingRows += rows.length;
      written += rows.length;
    }
    if (pending.length >= GROUPS_PER_WRITE || pendingRows >= ROWS_PER_WRITE) await flush();
  }
  await flush();
  return written;
}

/** Member rows counted per (tier, previous tier or `new`), keyed `<tier>><from>`. */
export function tierCounts(
  rows: readonly { tier: string; previous_tier: string | null }[]
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) {
    const key = `${r.tier}>${r.previous_tier ?? 'new'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Recomputes the instance's weekly active members for every ISO week from `from`'s on. */
async function rollUpWeeks(db: Db, from: string, today: string): Promise<void> {
  const weekday = (new Date(`${from}T00:00:00.000Z`).getUTCDay() + 6) % 7;
  const monday = daysBefore(from, weekday);
  const active = await db.kysely
    .selectFrom('health_signals')
    .select(['day', 'user_id'])
    .distinct()
    .where('day', '>=', monday)
    .where('day', '<=', today)
    .execute();
  const weeks = new Map<string, Set<string>>();
  for (const { day, user_id } of active) {
    const week = isoWeekOf(day);
    const users = weeks.get(week);
    if (users) users.add(user_id);
    else weeks.set(week, new Set([user_id]));
  }
  const rows = [...weeks].map(([week, users]) => ({ week, active_members: users.size }));
  await writeTransaction(db, async (trx) => {
    await lock(db, trx);
    await trx.deleteFrom('health_weeks').where('week', '>=', isoWeekOf(monday)).execute();
    for (let i = 0; i < rows.length; i += BATCH)
      await trx
        .insertInto('health_weeks')
        .values(rows.slice(i, i + BATCH))
        .execute();
  });
}

/** Serializes the rollup's write phases across PostgreSQL nodes (SQLite: BEGIN IMMEDIATE does). */
async function lock(db: Db, trx: Kysely<Database>): Promise<void> {
  if (db.dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_KEY)})`.execute(trx);
}

async function putState(trx: Kysely<Database>, key: string, value: string): Promise<void> {
  await trx
    .insertInto('health_state')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
