import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';
import {
  ACTIVITIES_QUEUE,
  type Activity,
  type ActivityConsumer,
  dispatchActivities
} from './activity.service.ts';

const SWEEP_EVERY_MS = 30_000;

/**
 * Dispatches recorded activities to `consumers` (notifications, webhooks): on every nudge after a
 * commit, and every 30 s for whatever a nudge missed (a crash between commit and nudge, a
 * consumer that failed).
 */
export function registerActivityJobs(
  db: Db,
  queue: JobQueue,
  consumers: readonly ActivityConsumer[],
  onError: (error: unknown, activity: Activity) => void = () => undefined
): PeriodicJob {
  return registerPeriodicJob(queue, ACTIVITIES_QUEUE, SWEEP_EVERY_MS, () =>
    dispatchActivities(db, consumers, onError)
  );
}
