import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { ActivityConsumer } from '../activity/activity.service.ts';

/** What turning activities into notifications needs beyond the database. */
export interface NotificationConsumerDeps {
  queue: JobQueue;
  baseUrl: string;
  secret: string;
}

/** Turns activities into notifications for the people they concern (helper C fills it in). */
export function notificationConsumer(_db: Db, _deps: NotificationConsumerDeps): ActivityConsumer {
  return () => Promise.resolve();
}
