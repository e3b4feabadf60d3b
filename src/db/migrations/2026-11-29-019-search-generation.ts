import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.ts';

// SQLite only: a counter that every change group search depends on bumps, in the writing
// transaction, whoever writes (the server, the command line, a restore): a group added or
// removed, a change to what it is found by (name, description, tags, place, kind, online,
// visibility, hidden by an admin), a tag added or removed. A new member (member_count) does not count. Group search
// keeps its ranked full-text matches in memory and trusts them only while the counter is unchanged.

/** The columns of `groups` that the kept matches hold or are ranked by. */
const SEARCHED_GROUP_COLUMNS = [
  'id',
  'name',
  'description',
  'tags',
  'latitude',
  'longitude',
  'kind',
  'online_only',
  'visibility',
  'hidden_by_admin_at'
];

const TRIGGERS = [
  { name: 'groups_generation_insert', on: 'insert on groups' },
  {
    name: 'groups_generation_update',
    on: `update of ${SEARCHED_GROUP_COLUMNS.join(', ')} on groups`
  },
  { name: 'groups_generation_delete', on: 'delete on groups' },
  { name: 'group_tags_generation_insert', on: 'insert on group_tags' },
  { name: 'group_tags_generation_update', on: 'update on group_tags' },
  { name: 'group_tags_generation_delete', on: 'delete on group_tags' }
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  if (!columnTypes(db).sqlite) return;
  await sql`create table search_generation (id integer primary key check (id = 1), n integer not null)`.execute(
    db
  );
  await sql`insert into search_generation (id, n) values (1, 0)`.execute(db);
  for (const { name, on } of TRIGGERS) {
    await sql`create trigger ${sql.raw(name)} after ${sql.raw(on)} begin
      update search_generation set n = n + 1 where id = 1;
    end`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  if (!columnTypes(db).sqlite) return;
  for (const { name } of TRIGGERS) await sql`drop trigger ${sql.raw(name)}`.execute(db);
  await sql`drop table search_generation`.execute(db);
}
