import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.ts';

/**
 * Writes a consistent copy of the SQLite database to `file` while Guildhall may keep running
 * (SQLite's online backup API). PostgreSQL databases are backed up with pg_dump instead.
 */
export async function backupDatabase(
  db: Db,
  file: string
): Promise<{ file: string; pages: number }> {
  if (!db.sqlite) {
    throw new Error(
      'This instance runs on PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file=guildhall.dump "$DATABASE_URL"'
    );
  }
  const target = path.resolve(file);
  if (existsSync(target)) throw new Error(`${target} exists already; choose a new file name`);
  const result = await db.sqlite.backup(target);
  return { file: target, pages: result.totalPages };
}
