import type { Kysely } from 'kysely';

// Searches near a place read only the location index: it also holds the id (to probe tags) and the
// visibility (to leave hidden groups out) and the member count (to sort), so no table row is read
// for a group outside the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('groups_location_idx').execute();
  await db.schema
    .createIndex('groups_location_idx')
    .on('groups')
    .columns(['latitude', 'longitude', 'id', 'visibility', 'member_count'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('groups_location_idx').execute();
  await db.schema
    .createIndex('groups_location_idx')
    .on('groups')
    .columns(['latitude', 'longitude'])
    .execute();
}
