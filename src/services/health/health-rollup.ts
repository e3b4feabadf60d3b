// The health rollup: turns raw activity (RSVPs, check-ins, votes, polls, comments, questions,
// feedback, kudos, posts, topics, talks, hosting, membership changes) into the daily aggregates
// the dashboard reads (health_signals, health_days, health_meetings, health_members,
// health_weeks). Idempotent: each run recomputes a trailing window, so two nodes or a retry
// write the same rows. The window is gone through in slices of days, oldest first
// (health-slices.ts), members a chunk of groups at a time, weeks a few at a time: memory stays
// bounded however long the history (the activity is counted by the database, not in memory), a
// write transaction covers one slice (serialized across nodes by an advisory lock on PostgreSQL;
// on a day with half a million signals it takes seconds, most of them on a re-run spent counting,
// since only what differs is written), and the run yields to the event loop in between. A first run records its progress and, when interrupted, the next run
// resumes where it stopped.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { dayOf, daysBefore } from '../../domain/health.ts';
import type { Db } from '../../db/database.ts';
import { dbBool } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { lockRollup, putState } from './health-lock.ts';
import { reconcileMembershipLog } from './health-membership-log.ts';
import { computeMembers, type MemberRow } from './health-members.ts';
import { earliestActivity } from './health-signals.ts';
import { rollUpSlice, type Slice } from './health-slices.ts';
import { rollUpWeeks } from './health-weeks.ts';

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
  /**
   * An unfinished first run's progress, JSON `{ "next": day, "on": day }`: the slices before
   * `next` are written (on `on`); removed when the run finishes.
   */
  firstRun: 'first_run',
  /** How many members of the previous window have left a group: `left:<groupId>`. */
  left: (groupId: string) => `left:${groupId}`,
  /**
   * A group's health_members summed up, written with them: JSON `{ "<tier>><previous|new>": n }`,
   * so a page view need not group 50,000 rows.
   */
  tiers: (groupId: string) => `tiers:${groupId}`
} as const;

/**
 * How many days before the previous run the day's first run goes back (late check-ins, edited
 * votes, hidden posts). Later runs the same day go back one day: what changed today is picked up
 * within minutes, what changed about older days by the next day's first run.
 */
export const HEALTH_LOOKBACK_DAYS = 14;
/** How many days before today a later run of the same day goes back. */
const SAME_DAY_LOOKBACK_DAYS = 1;
/** The most days one slice covers (sparse years of history go by in a few slices). */
export const HEALTH_SLICE_DAYS = 365;
/**
 * The days of a first run's first slice (a later run's first slice is one day); later slices are
 * sized by the activity of the one before.
 */
const FIRST_SLICE_DAYS = 28;
/**
 * About how many signal and meeting rows one slice should hold: what bounds one write
 * transaction (the counting itself is done by the database, so memory does not grow with it). A
 * slice is sized from the density of the one before (at most twice as many days), so a busy
 * instance goes through its recent months in slices of a few days, its quiet early years in few.
 */
const SLICE_ROWS = 50_000;
/** The first run covers everything since this day. */
const ALL_HISTORY = '1970-01-01';
/** Rows per insert statement. */
const BATCH = 500;
/** Groups, and member rows, written per transaction by the members phase. */
const GROUPS_PER_WRITE = 500;
/** Groups whose members are computed together (a fixed number of queries per chunk). */
const GROUPS_PER_READ = 200;
const ROWS_PER_WRITE = 20_000;

export interface RollupOptions {
  /** The instant to roll up to (default: now). */
  now?: Date;
  /** The most days per slice (default HEALTH_SLICE_DAYS). */
  sliceDays?: number;
  /**
   * Stops the run between two transactions (rejecting with the signal's reason); what was written
   * stays, and the next run resumes a first run where it stopped.
   */
  signal?: AbortSignal;
}

/**
 * Brings the health aggregates up to date as of `now`. The first run covers all history; the
 * first run of a day recomputes from two weeks before the previous run (late check-ins, edited
 * votes), a later run the same day from yesterday.
 *
 * @example
 * const result = await rollUpHealth(db, { now: new Date('2026-11-24T08:00:00Z') });
 */
export async function rollUpHealth(db: Db, options: RollupOptions = {}): Promise<RollupResult> {
  const now = options.now ?? new Date();
  const today = dayOf(now);
  const maxDays = Math.max(1, Math.floor(options.sliceDays ?? HEALTH_SLICE_DAYS));
  const { signal } = options;
  const k = db.kysely;
  const state = new Map(
    (
      await k
        .selectFrom('health_state')
        .select(['key', 'value'])
        .where('key', 'in', [
          HEALTH_STATE.signalsUntil,
          HEALTH_STATE.membersOn,
          HEALTH_STATE.firstRun
        ])
        .execute()
    ).map((r) => [r.key, r.value])
  );
  const until = state.get(HEALTH_STATE.signalsUntil);
  const membersOn = state.get(HEALTH_STATE.membersOn);
  const firstRun = until === undefined;
  const resumeAt = firstRun ? resumeDay(state.get(HEALTH_STATE.firstRun)) : null;
  if (firstRun && resumeAt === null) await reconcileMembershipLog(db, signal);
  const from = firstRun
    ? ALL_HISTORY
    : daysBefore(until, until === today ? SAME_DAY_LOOKBACK_DAYS : HEALTH_LOOKBACK_DAYS);

  // Every group's members are recomputed on the first run of a day, and after a resumed run (the
  // groups the interrupted run changed are not known any more); else only the changed groups'.
  const touched = membersOn === today && resumeAt === null ? new Set<string>() : null;
  let signals = 0;
  let meetings = 0;
  // A first run starts at the oldest activity, usually sparse; a later run at the busiest two
  // weeks there are, so it starts with one day and grows its slices from what that day held.
  let days = Math.min(maxDays, firstRun ? FIRST_SLICE_DAYS : 1);
  let lower = resumeAt ?? from;
  // A first run's first slice reaches from 1970 to a slice past the earliest activity.
  let upper = daysBefore(lower, -days);
  if (firstRun && resumeAt === null) {
    const earliest = await earliestActivity(k);
    const start = earliest === null || dayOf(earliest) > today ? today : dayOf(earliest);
    if (start > lower) upper = daysBefore(start, -days);
  }
  for (;;) {
    signal?.throwIfAborted();
    const last = `${upper}T00:00:00.000Z` >= now.toISOString();
    const slice: Slice = { fromDay: lower, toDay: last ? null : upper };
    const result = await rollUpSlice(db, slice, {
      now,
      compare: touched !== null,
      inTransaction: async (trx, { changed }) => {
        if (firstRun && !last)
          await putState(trx, HEALTH_STATE.firstRun, JSON.stringify({ next: upper, on: today }));
        // Should the run stop before the members phase, the next run recomputes every group's.
        if (touched !== null && changed.size > 0)
          await trx.deleteFrom('health_state').where('key', '=', HEALTH_STATE.membersOn).execute();
      }
    });
    signals += result.signals;
    meetings += result.meetings;
    for (const groupId of result.changed) touched?.add(groupId);
    if (last) break;
    const rows = Math.max(1, result.signals + result.meetings);
    days = Math.max(1, Math.min(maxDays, 2 * days, Math.floor((days * SLICE_ROWS) / rows)));
    lower = upper;
    upper = daysBefore(upper, -days);
    await yieldToEventLoop();
  }

  const members = await rollUpMembers(db, today, touched, signal);
  await rollUpWeeks(db, from, today, signal);

  await writeTransaction(db, async (trx) => {
    await lockRollup(db, trx);
    await putState(trx, HEALTH_STATE.signalsUntil, today);
    await putState(trx, HEALTH_STATE.membersOn, today);
    await putState(trx, HEALTH_STATE.rolledUpAt, now.toISOString());
    await trx.deleteFrom('health_state').where('key', '=', HEALTH_STATE.firstRun).execute();
  });
  return { from, signals, meetings, members };
}

/**
 * Where an interrupted first run resumes: at its next slice, but at most two weeks before the day
 * it was interrupted, so activity changed since then is picked up as an incremental run would.
 */
function resumeDay(progress: string | undefined): string | null {
  if (progress === undefined) return null;
  try {
    const { next, on } = JSON.parse(progress) as { next?: unknown; on?: unknown };
    if (typeof next !== 'string' || typeof on !== 'string') return null;
    const back = daysBefore(on, HEALTH_LOOKBACK_DAYS);
    return next < back ? next : back;
  } catch {
    return null;
  }
}

/**
 * Recomputes health_members (and `left:<groupId>`) for the `touched` groups, or for every group
 * when `touched` is null, a page of groups at a time. Returns how many member rows were written.
 */
async function rollUpMembers(
  db: Db,
  today: string,
  touched: ReadonlySet<string> | null,
  signal?: AbortSignal
): Promise<number> {
  const k = db.kysely;
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
      await lockRollup(db, trx);
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
    await yieldToEventLoop();
  };
  const touchedIds = touched === null ? null : [...touched].sort();
  let after: string | null = null;
  for (let i = 0; ; i += GROUPS_PER_READ) {
    signal?.throwIfAborted();
    let page = k
      .selectFrom('groups')
      .select(['id', 'health_window_days', 'health_quiet_days'])
      .orderBy('id');
    if (touchedIds === null) {
      page = page.limit(GROUPS_PER_READ);
      if (after !== null) page = page.where('id', '>', after);
    } else {
      const ids = touchedIds.slice(i, i + GROUPS_PER_READ);
      if (ids.length === 0) break;
      page = page.where('id', 'in', ids);
    }
    const groups = await page.execute();
    if (touchedIds === null && groups.length === 0) break;
    after = groups.at(-1)?.id ?? after;
    const chunk = groups.map((g) => ({
      id: g.id,
      windowDays: g.health_window_days,
      quietDays: g.health_quiet_days
    }));
    const computed = await computeMembers(k, chunk, today);
    for (const [groupId, { rows, left }] of computed) {
      pending.push({ groupId, rows, left });
      pendingRows += rows.length;
      written += rows.length;
    }
    if (pending.length >= GROUPS_PER_WRITE || pendingRows >= ROWS_PER_WRITE) await flush();
    else await yieldToEventLoop();
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
