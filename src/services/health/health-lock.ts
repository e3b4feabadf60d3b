// The health rollup's write helpers: the cross-node lock every write transaction takes first, and
// health_state upserts.

import { type Kysely, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

/** pg_advisory_xact_lock key serializing the rollup's writes across nodes. */
const LOCK_KEY = 80_080_008;

/**
 * Serializes the rollup's write transactions across PostgreSQL nodes (SQLite: BEGIN IMMEDIATE
 * does). Taken first in every write transaction and held until it commits, so two nodes never
 * interleave a slice's delete and insert.
 *
 * @example
 * await writeTransaction(db, async (trx) => {
 *   await lockRollup(db, trx);
 *   await putState(trx, 'rolled_up_at', new Date().toISOString());
 * });
 */
export async function lockRollup(db: Db, trx: Kysely<Database>): Promise<void> {
  if (db.dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_KEY)})`.execute(trx);
}

/**
 * Sets a health_state key.
 *
 * @example
 * await putState(trx, 'members_on', '2026-11-24');
 */
export async function putState(trx: Kysely<Database>, key: string, value: string): Promise<void> {
  await trx
    .insertInto('health_state')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
