import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import { closePoll } from './poll-write.service.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';

/** The queue of the poll sweep: closes polls whose closing time has come. */
export const POLLS_QUEUE = 'polls';
const SWEEP_EVERY_MS = 60_000;

/**
 * Closes every open poll whose closing time has come (with that time as its `closedAt`), each in
 * its own write and, for meeting polls, with its room event. Idempotent: two nodes sweeping at
 * once close nothing twice. Returns how many it closed.
 */
export async function closeDuePolls(
  db: Db,
  deps: { realtime: Realtime },
  now = new Date()
): Promise<number> {
  const due = await db.kysely
    .selectFrom('polls')
    .select('id')
    .where('status', '=', 'open')
    .where('closes_at', '<=', now.toISOString())
    .orderBy('closes_at')
    .execute();
  let closed = 0;
  for (const { id } of due) {
    const result = await closePoll(db, deps.realtime, id, { due: true }, now);
    if (result.closedNow) closed += 1;
  }
  return closed;
}

/**
 * Registers the poll sweep (closing polls whose time is up) on queue `polls`; `start` runs it now
 * and then every minute (each run is a job, so a failing run is logged by the queue).
 */
export function registerPollJobs(
  db: Db,
  queue: JobQueue,
  deps: { realtime: Realtime }
): PeriodicJob {
  return registerPeriodicJob(queue, POLLS_QUEUE, SWEEP_EVERY_MS, () => closeDuePolls(db, deps));
}
