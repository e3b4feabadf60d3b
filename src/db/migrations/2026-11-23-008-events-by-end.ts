import type { Kysely } from 'kysely';

// A group's upcoming meetings are those that have not ended: an index on (group_id, ends_at) finds
// them without walking every past meeting of a group with a long history.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('events_group_end_idx')
    .on('events')
    .columns(['group_id', 'ends_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_group_end_idx').execute();
}
