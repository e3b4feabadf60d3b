import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';
import {
  ACTIVITIES_QUEUE,
  type Activity,
  type ActivityConsumer,
  dispatchActivities,
  dispatchInProcess
} from './activity.service.ts';

const SWEEP_EVERY_MS = 30_000;

/**
 * Dispatches recorded activities to `consumers` (notifications, webhooks): in this process on
 * every nudge after a commit, and every 30 s as a job of one node for whatever a nudge missed (a
 * crash between commit and nudge, a consumer that failed, a nudge from another process).
 */
export function registerActivityJobs(
  db: Db,
  queue: JobQueue,
  consumers: readonly ActivityConsumer[],
  onError: (error: unknown, activity: Activity) => void = () => undefined
): PeriodicJob {
  const dispatch = () => dispatchActivities(db, consumers, onError);
  const sweep = registerPeriodicJob(queue, ACTIVITIES_QUEUE, SWEEP_EVERY_MS, dispatch);
  let stopLocal: (() => void) | undefined;
  return {
    async start() {
      stopLocal = dispatchInProcess(queue, dispatch);
      await sweep.start();
    },
    stop() {
      stopLocal?.();
      sweep.stop();
    }
  };
}
