import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.ts';

// Full-text search over groups: FTS5 on SQLite (external content, kept in step by triggers),
// a generated tsvector with a GIN index on PostgreSQL. The 'simple' configuration and the unicode61
// tokenizer treat English and German alike (no stemming), with diacritics folded on SQLite.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  if (t.sqlite) {
    await sql`create virtual table groups_fts using fts5(name, description, tags, content='groups', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(
      db
    );
    await sql`create trigger groups_fts_insert after insert on groups begin
      insert into groups_fts(rowid, name, description, tags) values (new.rowid, new.name, new.description, new.tags);
    end`.execute(db);
    await sql`create trigger groups_fts_delete after delete on groups begin
      insert into groups_fts(groups_fts, rowid, name, description, tags) values ('delete', old.rowid, old.name, old.description, old.tags);
    end`.execute(db);
    await sql`create trigger groups_fts_update after update of name, description, tags on groups begin
      insert into groups_fts(groups_fts, rowid, name, description, tags) values ('delete', old.rowid, old.name, old.description, old.tags);
      insert into groups_fts(rowid, name, description, tags) values (new.rowid, new.name, new.description, new.tags);
    end`.execute(db);
    await sql`insert into groups_fts(groups_fts) values ('rebuild')`.execute(db);
  } else {
    await sql`alter table groups add column search tsvector generated always as (
      setweight(to_tsvector('simple', name), 'A') ||
      setweight(to_tsvector('simple', translate(tags, '[]",', '    ')), 'B') ||
      setweight(to_tsvector('simple', description), 'C')
    ) stored`.execute(db);
    await sql`create index groups_search_idx on groups using gin (search)`.execute(db);
  }
  await db.schema
    .createIndex('groups_member_count_idx')
    .on('groups')
    .columns(['member_count', 'id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.dropIndex('groups_member_count_idx').execute();
  if (t.sqlite) {
    for (const trigger of ['groups_fts_insert', 'groups_fts_delete', 'groups_fts_update']) {
      await sql`drop trigger ${sql.raw(trigger)}`.execute(db);
    }
    await sql`drop table groups_fts`.execute(db);
  } else {
    await sql`drop index groups_search_idx`.execute(db);
    await sql`alter table groups drop column search`.execute(db);
  }
}
