import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { ActivityConsumer } from '../activity/activity.service.ts';

/** What turning activities into webhook deliveries needs beyond the database. */
export interface WebhookConsumerDeps {
  queue: JobQueue;
  baseUrl: string;
  secret: string;
}

/** Queues one delivery per subscribed webhook of the activity's group (helper A fills it in). */
export function webhookConsumer(_db: Db, _deps: WebhookConsumerDeps): ActivityConsumer {
  return () => Promise.resolve();
}
