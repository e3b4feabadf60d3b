import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';

/** What the notification jobs need beyond the database. */
export interface NotificationJobDeps {
  baseUrl: string;
  secret: string;
}

/** Daily and weekly digests (helper C fills it in). */
export function registerNotificationJobs(
  _db: Db,
  queue: JobQueue,
  _deps: NotificationJobDeps
): PeriodicJob {
  return registerPeriodicJob(queue, 'digests', 15 * 60_000, () => Promise.resolve());
}
