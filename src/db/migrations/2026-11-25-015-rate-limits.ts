import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

// Rate-limit counters shared by every app node on PostgreSQL (issue 9): one row per key and fixed
// window, counted up atomically. Times are epoch milliseconds so that the store's arithmetic stays
// in SQL integers. SQLite runs one process and keeps its counters in memory: no table there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  if (columnTypes(db).sqlite) return;
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limits_pkey', ['key', 'window_start'])
    .execute();
  // Pruning deletes windows that ended.
  await db.schema
    .createIndex('rate_limits_window_end_idx')
    .on('rate_limits')
    .column('window_end')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute();
}
