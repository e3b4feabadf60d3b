import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

// An instance admin can suspend an account: it cannot log in, and its sessions and API tokens end.
// `suspended_at` says since when (null: not suspended).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('users').addColumn('suspended_at', t.timestamp).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('suspended_at').execute();
}
