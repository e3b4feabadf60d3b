import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';
import { rollUpHealth } from './health-rollup.ts';

export const HEALTH_QUEUE = 'health';
/** How often the dashboard's figures are brought up to date. */
export const HEALTH_ROLLUP_EVERY_MS = 10 * 60_000;

/** Runs the health rollup now and every ten minutes (one run at a time per queue). */
export function registerHealthJobs(db: Db, queue: JobQueue): PeriodicJob {
  return registerPeriodicJob(queue, HEALTH_QUEUE, HEALTH_ROLLUP_EVERY_MS, () => rollUpHealth(db));
}
