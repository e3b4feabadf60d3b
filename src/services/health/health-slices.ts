// One slice of the health rollup: the signals, day counts and meetings of a run of whole UTC days,
// read from the raw tables, compared with what is stored (to tell which groups' members need
// recomputing) and written in one short write transaction. A run goes through its span slice by
// slice, oldest first, so memory is bounded by one slice's activity however long the history is;
// a slice's newcomers are told from the `attended` signals the slices before it wrote.

import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { dbBool, toBool, toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { lockRollup } from './health-lock.ts';
import { type MeetingRow, rollUpMeetings } from './health-meetings.ts';
import { type DayRow, type SignalRow, SignalTally, tallyActivity } from './health-signals.ts';

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

  const tally = new SignalTally();
  await tallyActivity(k, span, tally);
  const meetings = await rollUpMeetings(k, span, tally);
  const signals = tally.signalRows();
  const days = tally.dayRows();
  const changed = options.compare
    ? await changedGroups(k, slice, { signals, days, meetings })
    : new Set<string>();
  const result: SliceResult = { signals: signals.length, meetings: meetings.length, changed };

  await writeTransaction(db, async (trx) => {
    await lockRollup(db, trx);
    let deleteSignals = trx.deleteFrom('health_signals').where('day', '>=', slice.fromDay);
    if (slice.toDay !== null) deleteSignals = deleteSignals.where('day', '<', slice.toDay);
    await deleteSignals.execute();
    for (let i = 0; i < signals.length; i += BATCH)
      await trx
        .insertInto('health_signals')
        .values(signals.slice(i, i + BATCH))
        .execute();
    let deleteDays = trx.deleteFrom('health_days').where('day', '>=', slice.fromDay);
    if (slice.toDay !== null) deleteDays = deleteDays.where('day', '<', slice.toDay);
    await deleteDays.execute();
    for (let i = 0; i < days.length; i += BATCH)
      await trx
        .insertInto('health_days')
        .values(days.slice(i, i + BATCH))
        .execute();
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
    await options.inTransaction(trx, result);
  });
  return result;
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
 * The groups whose signals, days or meetings in the slice differ from what is stored (the last
 * slice: also those with a stored meeting that no longer counts, e.g. cancelled after it took
 * place). Every stored row falls in exactly one slice of a run, so the union over the slices is
 * what comparing the whole span at once would give.
 */
async function changedGroups(
  k: Kysely<Database>,
  slice: Slice,
  fresh: { signals: SignalRow[]; days: DayRow[]; meetings: MeetingRow[] }
): Promise<Set<string>> {
  const fromIso = startOf(slice.fromDay);
  const toIso = slice.toDay === null ? null : startOf(slice.toDay);
  const now = new Map<string, string[]>();
  linesByGroup(now, fresh.signals, signalLine);
  linesByGroup(now, fresh.days, dayLine);
  linesByGroup(now, fresh.meetings, meetingLine);

  let storedSignals = k.selectFrom('health_signals').selectAll().where('day', '>=', slice.fromDay);
  let storedDays = k.selectFrom('health_days').selectAll().where('day', '>=', slice.fromDay);
  let storedMeetings = k
    .selectFrom('health_meetings')
    .selectAll()
    .where('starts_at', '>=', fromIso);
  if (slice.toDay !== null && toIso !== null) {
    storedSignals = storedSignals.where('day', '<', slice.toDay);
    storedDays = storedDays.where('day', '<', slice.toDay);
    storedMeetings = storedMeetings.where('starts_at', '<', toIso);
  }
  const stored = new Map<string, string[]>();
  linesByGroup(stored, await storedSignals.execute(), signalLine);
  linesByGroup(stored, await storedDays.execute(), dayLine);
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
