import type { Kysely } from 'kysely';

// A group's plain-text excerpt, made from its Markdown description when the group is written, so
// search results and lists do not render Markdown for every hit on every request. Rows written
// before this column existed have '' and are excerpted when read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('groups')
    .addColumn('excerpt', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('groups').dropColumn('excerpt').execute();
}
