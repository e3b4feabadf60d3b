import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';

/** The board's sweep: expires job leads past their date (helper B fills it in). */
export function registerBoardJobs(_db: Db, queue: JobQueue): PeriodicJob {
  return registerPeriodicJob(queue, 'board', 60 * 60_000, () => Promise.resolve());
}
