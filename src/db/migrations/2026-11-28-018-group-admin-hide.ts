import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

// An instance admin can hide a group from the instance: a moderation takedown its organizers cannot
// undo, apart from the group's own `visibility`. `hidden_by_admin_at` says since when (null: not
// hidden), `hidden_by_admin_reason` why (its members are shown the reason).
//
// Searches near a place read only the covering location index (see 006), which now also holds
// `hidden_by_admin_at`: leaving hidden groups out still reads no table row of a group outside the
// page. The admin's list of hidden groups reads a partial index that holds only those.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('groups').addColumn('hidden_by_admin_at', t.timestamp).execute();
  await db.schema.alterTable('groups').addColumn('hidden_by_admin_reason', 'text').execute();
  await db.schema.dropIndex('groups_location_idx').execute();
  await db.schema
    .createIndex('groups_location_idx')
    .on('groups')
    .columns(['latitude', 'longitude', 'id', 'visibility', 'member_count', 'hidden_by_admin_at'])
    .execute();
  await db.schema
    .createIndex('groups_hidden_by_admin_idx')
    .on('groups')
    .column('hidden_by_admin_at')
    .where('hidden_by_admin_at', 'is not', null)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('groups_hidden_by_admin_idx').execute();
  await db.schema.dropIndex('groups_location_idx').execute();
  await db.schema
    .createIndex('groups_location_idx')
    .on('groups')
    .columns(['latitude', 'longitude', 'id', 'visibility', 'member_count'])
    .execute();
  await db.schema.alterTable('groups').dropColumn('hidden_by_admin_reason').execute();
  await db.schema.alterTable('groups').dropColumn('hidden_by_admin_at').execute();
}
