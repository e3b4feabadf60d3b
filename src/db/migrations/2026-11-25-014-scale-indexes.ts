import { type Kysely, sql } from 'kysely';

// Indexes for the hot queries that the EXPLAIN check found without one (issue 9).
//
// Group search sorted by name orders by `lower(name)` and then the id (the keyset cursor's order):
// without an index on that expression both dialects read and sort every group (about 200 ms at
// 272,000 groups on SQLite) to return a page of 20. With it, the index gives the order and a page
// stops after its rows. Both SQLite and PostgreSQL index expressions with the same statement.
//
// The health rollup reads history in slices of days, oldest first: RSVPs and membership changes
// by the day they were made. Without an index on that day every slice reads the whole table.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index groups_name_idx on groups (lower(name), id)`.execute(db);
  await db.schema.createIndex('rsvps_created_idx').on('rsvps').column('created_at').execute();
  await db.schema
    .createIndex('membership_log_created_idx')
    .on('membership_log')
    .column('created_at')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('membership_log_created_idx').execute();
  await db.schema.dropIndex('rsvps_created_idx').execute();
  await db.schema.dropIndex('groups_name_idx').execute();
}
