// The health rollup's instance-wide weekly active members (health_weeks): distinct members with
// any signal in an ISO week, counted by the database one week at a time and written a few weeks
// per transaction, so a first run over ten years holds no more than one write batch in memory.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { daysBefore, isoWeekOf } from '../../domain/health.ts';
import type { Db } from '../../db/database.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { lockRollup } from './health-lock.ts';

/** Weeks written per transaction. */
const WEEKS_PER_WRITE = 26;

/** The Monday of `day`'s ISO week. */
function mondayOf(day: string): string {
  return daysBefore(day, (new Date(`${day}T00:00:00.000Z`).getUTCDay() + 6) % 7);
}

/**
 * Recomputes the weekly active members for every ISO week from `from`'s up to `today`'s.
 *
 * @example
 * await rollUpWeeks(db, '2026-11-10', '2026-11-24');
 */
export async function rollUpWeeks(
  db: Db,
  from: string,
  today: string,
  signal?: AbortSignal
): Promise<void> {
  const k = db.kysely;
  const monday = mondayOf(from);
  // Weeks before the first signal have no row: start counting there (a first run starts at 1970).
  const first = await k
    .selectFrom('health_signals')
    .select((eb) => eb.fn.min('day').as('day'))
    .where('day', '>=', monday)
    .where('day', '<=', today)
    .executeTakeFirst();
  const firstMonday = first?.day ? mondayOf(first.day) : mondayOf(today);
  let week = firstMonday > monday ? firstMonday : monday;
  let deleteFrom = isoWeekOf(monday);
  for (;;) {
    signal?.throwIfAborted();
    const rows: { week: string; active_members: number }[] = [];
    let n = 0;
    for (; n < WEEKS_PER_WRITE && week <= today; n += 1, week = daysBefore(week, -7)) {
      const counted = await k
        .selectFrom('health_signals')
        .select((eb) => eb.fn.count<number | string>('user_id').distinct().as('n'))
        .where('day', '>=', week)
        .where('day', '<=', daysBefore(week, -6) < today ? daysBefore(week, -6) : today)
        .executeTakeFirst();
      const active = Number(counted?.n ?? 0);
      if (active > 0) rows.push({ week: isoWeekOf(week), active_members: active });
    }
    const done = week > today;
    const deleteTo = done ? null : isoWeekOf(week);
    await writeTransaction(db, async (trx) => {
      await lockRollup(db, trx);
      let stale = trx.deleteFrom('health_weeks').where('week', '>=', deleteFrom);
      if (deleteTo !== null) stale = stale.where('week', '<', deleteTo);
      await stale.execute();
      if (rows.length > 0) await trx.insertInto('health_weeks').values(rows).execute();
    });
    if (done || deleteTo === null) return;
    deleteFrom = deleteTo;
    await yieldToEventLoop();
  }
}
