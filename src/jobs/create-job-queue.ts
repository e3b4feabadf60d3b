import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { JobQueue } from './job-queue.ts';
import { PgBossJobQueue } from './pg-boss-job-queue.ts';
import { SqliteJobQueue } from './sqlite-job-queue.ts';

/** What `createJobQueue` needs besides the database. */
export interface CreateJobQueueOptions {
  /** The connection string `db` was opened with; pg-boss opens its own pool from it. */
  databaseUrl: string;
  logger: Logger;
}

/**
 * The job queue for this deployment: the table-backed `SqliteJobQueue` on SQLite, pg-boss on
 * PostgreSQL (so several app nodes share one queue).
 *
 * @example
 * const queue = createJobQueue(db, { databaseUrl: config.databaseUrl, logger });
 * registerMailJobs(queue, mailer);
 * await queue.start();
 */
export function createJobQueue(db: Db, options: CreateJobQueueOptions): JobQueue {
  switch (db.dialect) {
    case 'sqlite':
      return new SqliteJobQueue(db, { logger: options.logger });
    case 'postgres':
      return new PgBossJobQueue({ connectionString: options.databaseUrl, logger: options.logger });
  }
}
