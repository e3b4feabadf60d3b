import path from 'node:path';
import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';
import {
  backupDatabase,
  backupFileName,
  type DatabaseTarget,
  newestBackupAt,
  pruneBackups
} from './backup.service.ts';

export const BACKUP_QUEUE = 'backups';
/** How often the job looks whether a backup is due. */
export const BACKUP_CHECK_EVERY_MS = 60 * 60_000;

/** Where scheduled backups go, how often one is made, and how many are kept. */
export interface BackupPolicy {
  dir: string;
  /** Hours between backups; 0 turns scheduled backups off. */
  everyHours: number;
  keep: number;
}

/**
 * Makes a backup into `policy.dir` when the newest one there is `everyHours` old (or there is
 * none), then deletes all but the newest `keep`. Returns what it did, or null when none was due.
 *
 * @example
 * await runScheduledBackup(db, config, { dir: 'data/backups', everyHours: 24, keep: 7 });
 */
export async function runScheduledBackup(
  db: Db,
  target: DatabaseTarget,
  policy: BackupPolicy,
  now = new Date()
): Promise<{ file: string; bytes: number; pruned: string[] } | null> {
  if (policy.everyHours <= 0) return null;
  const newest = newestBackupAt(policy.dir);
  // Half a check of slack: a backup made a few seconds after the hour is due again at that hour.
  const dueAfterMs = policy.everyHours * 3_600_000 - BACKUP_CHECK_EVERY_MS / 2;
  if (newest && now.getTime() - newest.getTime() < dueAfterMs) return null;
  const made = await backupDatabase(
    db,
    target,
    path.join(policy.dir, backupFileName(target.dialect, now))
  );
  return { ...made, pruned: pruneBackups(policy.dir, policy.keep) };
}

/**
 * Looks every hour whether a backup is due (one node does, on PostgreSQL: the backups are in
 * that node's folder). Not registered when scheduled backups are off.
 */
export function registerBackupJobs(
  db: Db,
  queue: JobQueue,
  target: DatabaseTarget,
  policy: BackupPolicy,
  done: (result: Awaited<ReturnType<typeof runScheduledBackup>>) => void = () => undefined
): PeriodicJob {
  return registerPeriodicJob(queue, BACKUP_QUEUE, BACKUP_CHECK_EVERY_MS, async () => {
    done(await runScheduledBackup(db, target, policy));
  });
}
