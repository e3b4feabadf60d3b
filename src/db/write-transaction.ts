import { type Kysely, sql } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

/**
 * Runs `work` in one write transaction that takes its write lock up front: `BEGIN IMMEDIATE` on
 * SQLite (so two writers never both read, then both write), a plain transaction on PostgreSQL,
 * where `work` locks the rows it decides on (`forUpdate()`). The database serializes writers, never
 * an in-process lock, so the same holds with several processes. Commits when `work` resolves,
 * rolls back when it throws.
 */
export async function writeTransaction<T>(
  db: Db,
  work: (trx: Kysely<Database>) => Promise<T>
): Promise<T> {
  if (db.dialect === 'postgres') {
    return db.kysely.transaction().execute(work);
  }
  return db.kysely.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}
