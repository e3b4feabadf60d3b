import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';

/** What webhook delivery and link previews need beyond the database. */
export interface WebhookJobDeps {
  baseUrl: string;
  secret: string;
}

/** Delivers due webhook deliveries with backoff, and fetches link previews (helper A fills it in). */
export function registerWebhookJobs(_db: Db, queue: JobQueue, _deps: WebhookJobDeps): PeriodicJob {
  return registerPeriodicJob(queue, 'webhooks', 30_000, () => Promise.resolve());
}
