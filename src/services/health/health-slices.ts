// One slice of the health rollup: the signals, day counts and meetings of a run of whole UTC days,
// read from the raw tables, compared with what is stored (to tell which groups' members need
// recomputing) and written in one write transaction. The activity signals and day counts are
// counted, compared and written by the database (INSERT … SELECT, EXCEPT), so a busy day's rows
// never sit in memory; the meetings and their signals, a few per day, are computed here. A run
// goes through its span slice by slice, oldest first; a slice's newcomers are told from the
// `attended` signals the slices before it wrote.

import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { dbBool, toBool, toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { lockRollup } from './health-lock.ts';
import { type MeetingRow, rollUpMeetings } from './health-meetings.ts';
import {
  activityDays,
  activitySignals,
  DAY_COLUMNS,
  MEETING_SIGNALS,
  SIGNAL_COLUMNS,
  type SignalRow,
  SignalTally
} from './health-signals.ts';

/** Rows per insert statement. */
const BATCH = 500;

/** A run of days `[fromDay, toDay)`; the last slice of a run has no end (it reaches `now`). */
export interface Slice {
  fromDay: string;
  /** The first day after the slice, or null for the run's last slice. */
  toDay: string | null;
}

export interface SliceResult {
  signals: number;
  meetings: number;
  /** Groups whose signals, days or meetings in the slice differ from what was stored. */
  changed: Set<string>;
}

const startOf = (day: string) => `${day}T00:00:00.000Z`;

/**
 * Recomputes one slice and writes it in one transaction (lock first). `compare`: also tell which
 * groups changed (skipped when every group's members are recomputed anyway). `inTransaction` runs
 * in the same transaction after the slice's rows, for the run's progress.
 *
 * @example
 * const { changed } = await rollUpSlice(db, { fromDay: '2026-11-10', toDay: null }, {
 *   now: new Date(), compare: true, inTransaction: async () => {}
 * });
 */
export async function rollUpSlice(
  db: Db,
  slice: Slice,
  options: {
    now: Date;
    compare: boolean;
    inTransaction: (trx: Kysely<Database>, result: SliceResult) => Promise<void>;
  }
): Promise<SliceResult> {
  const k = db.kysely;
  const nowIso = options.now.toISOString();
  const fromIso = startOf(slice.fromDay);
  const toIso = slice.toDay === null ? null : startOf(slice.toDay);
  const span = { fromIso, nowIso: toIso ?? nowIso };
  const inDays = <Q extends WhereDay<Q>>(query: Q): Q => {
    const from = query.where('day', '>=', slice.fromDay);
    return slice.toDay === null ? from : from.where('day', '<', slice.toDay);
  };

  const tally = new SignalTally();
  const meetings = await rollUpMeetings(k, span, tally);
  const meetingSignals = tally.signalRows();
  const changed = options.compare
    ? await changedMeetingGroups(k, slice, { meetingSignals, meetings })
    : new Set<string>();
  let signals = 0;

  await writeTransaction(db, async (trx) => {
    await lockRollup(db, trx);
    // The activity signals and day counts: only what differs is written. A stored row that is
    // not counted any more (or with another count) goes, a counted row not stored comes; a re-run
    // over unchanged days writes nothing. With `compare`, their groups are the changed ones.
    const freshSignals = activitySignals(trx, db.dialect, span);
    const storedActivity = inDays(trx.deleteFrom('health_signals')).where(
      'signal',
      'not in',
      MEETING_SIGNALS
    );
    const gone = storedActivity.where(notIn(SIGNAL_COLUMNS, freshSignals));
    const came = trx
      .insertInto('health_signals')
      .columns(SIGNAL_COLUMNS)
      .expression(
        trx
          .selectFrom(freshSignals.as('f'))
          .selectAll('f')
          .where(notStored('health_signals', ['group_id', 'day', 'user_id', 'signal']))
      );
    const freshDays = activityDays(trx, db.dialect, span);
    const goneDays = inDays(trx.deleteFrom('health_days')).where(notIn(DAY_COLUMNS, freshDays));
    const cameDays = trx
      .insertInto('health_days')
      .columns(DAY_COLUMNS)
      .expression(
        trx
          .selectFrom(freshDays.as('f'))
          .selectAll('f')
          .where(notStored('health_days', ['group_id', 'day']))
      );
    // In this order: a changed row's old count goes before its new count comes.
    if (options.compare) {
      for (const r of await gone.returning('group_id').execute()) changed.add(r.group_id);
      for (const r of await came.returning('group_id').execute()) changed.add(r.group_id);
      for (const r of await goneDays.returning('group_id').execute()) changed.add(r.group_id);
      for (const r of await cameDays.returning('group_id').execute()) changed.add(r.group_id);
    } else {
      await gone.execute();
      await came.execute();
      await goneDays.execute();
      await cameDays.execute();
    }

    // The meetings' signals, a few per meeting, are rewritten.
    await inDays(trx.deleteFrom('health_signals')).where('signal', 'in', MEETING_SIGNALS).execute();
    for (let i = 0; i < meetingSignals.length; i += BATCH)
      await trx
        .insertInto('health_signals')
        .values(meetingSignals.slice(i, i + BATCH))
        .execute();
    const counted = await inDays(trx.selectFrom('health_signals'))
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    signals = Number(counted.n);

    // The last slice also drops meetings that no longer count (cancelled after they took place).
    await trx
      .deleteFrom('health_meetings')
      .where((eb) => {
        const inSlice =
          toIso === null
            ? eb('starts_at', '>=', fromIso)
            : eb.and([eb('starts_at', '>=', fromIso), eb('starts_at', '<', toIso)]);
        if (toIso !== null) return inSlice;
        return eb.or([
          inSlice,
          eb(
            'event_id',
            'in',
            eb.selectFrom('events').select('id').where('status', '<>', 'published')
          )
        ]);
      })
      .execute();
    for (let i = 0; i < meetings.length; i += BATCH)
      await trx
        .insertInto('health_meetings')
        .values(
          meetings.slice(i, i + BATCH).map((m) => ({
            ...m,
            check_in_used: dbBool(db, m.check_in_used),
            updated_at: nowIso
          }))
        )
        .execute();
    await options.inTransaction(trx, { signals, meetings: meetings.length, changed });
  });
  return { signals, meetings: meetings.length, changed };
}

/** The row's `columns` are not a row of `fresh` (whose rows are never null). */
function notIn(columns: readonly string[], fresh: Expression<unknown>) {
  return sql<SqlBool>`(${sql.join(columns.map((c) => sql.ref(c)))}) not in (${fresh})`;
}

/** No row of `table` has the same key as the fresh row `f`. */
function notStored(table: 'health_signals' | 'health_days', key: readonly string[]) {
  const same = key.map((c) => sql`${sql.ref(`s.${c}`)} = ${sql.ref(`f.${c}`)}`);
  return sql<SqlBool>`not exists (select 1 from ${sql.table(table)} s where ${sql.join(same, sql` and `)})`;
}

/** A query with a `day` column to narrow to the slice's days. */
type WhereDay<Q> = { where(column: 'day', op: '>=' | '<', value: string): Q };

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
 * The groups whose meetings or meeting signals in the slice differ from what is stored (the last
 * slice: also those with a stored meeting that no longer counts, e.g. cancelled after it took
 * place). Every stored row falls in exactly one slice of a run, so the union over the slices is
 * what comparing the whole span at once would give. (The activity signals and day counts are
 * compared as they are written.)
 */
async function changedMeetingGroups(
  k: Kysely<Database>,
  slice: Slice,
  fresh: { meetingSignals: SignalRow[]; meetings: MeetingRow[] }
): Promise<Set<string>> {
  const fromIso = startOf(slice.fromDay);
  const toIso = slice.toDay === null ? null : startOf(slice.toDay);
  let storedSignals = k
    .selectFrom('health_signals')
    .select(SIGNAL_COLUMNS)
    .where('day', '>=', slice.fromDay)
    .where('signal', 'in', MEETING_SIGNALS);
  let storedMeetings = k
    .selectFrom('health_meetings')
    .selectAll()
    .where('starts_at', '>=', fromIso);
  if (slice.toDay !== null && toIso !== null) {
    storedSignals = storedSignals.where('day', '<', slice.toDay);
    storedMeetings = storedMeetings.where('starts_at', '<', toIso);
  }
  const now = new Map<string, string[]>();
  linesByGroup(now, fresh.meetingSignals, signalLine);
  linesByGroup(now, fresh.meetings, meetingLine);
  const stored = new Map<string, string[]>();
  linesByGroup(stored, await storedSignals.execute(), signalLine);
  linesByGroup(stored, await storedMeetings.execute(), meetingLine);
  const changed = new Set<string>();
  for (const groupId of new Set([...now.keys(), ...stored.keys()])) {
    const a = (now.get(groupId) ?? []).sort().join('\n');
    const b = (stored.get(groupId) ?? []).sort().join('\n');
    if (a !== b) changed.add(groupId);
  }
  if (slice.toDay === null) {
    const gone = await k
      .selectFrom('health_meetings')
      .select('group_id')
      .where('event_id', 'in', (eb) =>
        eb.selectFrom('events').select('id').where('status', '<>', 'published')
      )
      .execute();
    for (const r of gone) changed.add(r.group_id);
  }
  return changed;
}
