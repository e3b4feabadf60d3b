import type { Kysely } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

/**
 * Runs the reads in `work` against one consistent view of the database, so figures read by two
 * queries (a count and a ranking, say) never straddle a commit: a read-only `repeatable read`
 * transaction on PostgreSQL; on SQLite, its one connection held for the duration, so no other
 * statement runs in between.
 */
export async function readSnapshot<T>(
  db: Db,
  work: (reader: Kysely<Database>) => Promise<T>
): Promise<T> {
  if (db.dialect === 'postgres') {
    return db.kysely
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(work);
  }
  return db.kysely.connection().execute(work);
}
