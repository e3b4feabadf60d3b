import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import SQLite from 'better-sqlite3';
import { getMigrations } from 'better-auth/db/migration';
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../services/backup/backup.service.ts';
import { createTestApp, type TestApp } from '../test/test-app.ts';
import { testDialects } from '../test/test-database.ts';
import { migrateToLatest, migrations } from './migrate.ts';

/** Every table's columns and every index's definition, as the database describes them. */
async function schemaOf(t: TestApp): Promise<{ tables: unknown; indexes: unknown }> {
  const kysely = t.testDb.db.kysely;
  const tables = (await kysely.introspection.getTables())
    .map((table) => ({
      name: table.name,
      columns: table.columns.map((c) => `${c.name} ${c.dataType} ${c.isNullable}`).sort()
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const indexes =
    t.testDb.dialect === 'sqlite'
      ? await sql<{
          name: string;
          def: string | null;
        }>`select name, sql as def from sqlite_master where type = 'index' order by name`.execute(
          kysely
        )
      : await sql<{
          name: string;
          def: string;
        }>`select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() order by indexname`.execute(
          kysely
        );
  return { tables, indexes: indexes.rows };
}

for (const dialect of testDialects()) {
  describe(`database schema (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(async () => {
      await t.close();
    });

    it('applies every migration to an empty database, and running them again changes nothing', async () => {
      const tables = await t.testDb.db.kysely.introspection.getTables();
      expect(tables.map((x) => x.name)).toEqual(
        expect.arrayContaining([
          'users',
          'sessions',
          'accounts',
          'verifications',
          'api_tokens',
          'jobs'
        ])
      );
      expect(await migrateToLatest(t.testDb.db.kysely)).toEqual([]);
    });

    it('takes the newest migrations down and up again to the same tables, columns and indexes', async () => {
      // Down from the newest until the schema of this database changed (a migration may touch
      // one database only), then up again in order.
      const kysely = t.testDb.db.kysely;
      const before = await schemaOf(t);
      const undone: Migration[] = [];
      let changed = false;
      for (const migration of Object.values(migrations).reverse()) {
        if (!migration.down) throw new Error('a migration has no down()');
        await migration.down(kysely);
        undone.unshift(migration);
        changed = !isDeepStrictEqual(await schemaOf(t), before);
        if (changed) break;
      }
      expect(changed).toBe(true);
      for (const migration of undone) await migration.up(kysely);
      expect(await schemaOf(t)).toEqual(before);
    });

    it('has every table and column better-auth needs (its own migration planner finds nothing to do)', async () => {
      const plan = await getMigrations(t.context.auth.options);
      expect(plan.toBeCreated).toEqual([]);
      expect(plan.toBeAdded).toEqual([]);
    });

    if (dialect === 'sqlite') {
      it('runs SQLite in WAL mode with synchronous=FULL, foreign keys and a busy timeout', () => {
        const sqlite = t.testDb.db.sqlite;
        expect(sqlite?.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(sqlite?.pragma('synchronous', { simple: true })).toBe(2);
        expect(sqlite?.pragma('foreign_keys', { simple: true })).toBe(1);
        expect(sqlite?.pragma('busy_timeout', { simple: true })).toBe(5000);
      });

      it('backs up online to a file that passes integrity_check and holds the data', async () => {
        const { email } = await t.buildUser();
        const file = path.join(t.testDb.dataDir, 'backup.db');
        const result = await backupDatabase(
          t.testDb.db,
          { dialect: 'sqlite', databaseUrl: t.testDb.url },
          file
        );
        expect(existsSync(result.file)).toBe(true);
        const copy = new SQLite(file, { readonly: true });
        try {
          expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(
            copy.prepare('select count(*) as n from users where email = ?').get(email)
          ).toEqual({ n: 1 });
        } finally {
          copy.close();
        }
        await expect(
          backupDatabase(t.testDb.db, { dialect: 'sqlite', databaseUrl: t.testDb.url }, file)
        ).rejects.toThrow(/exists already/);
      });
    }
  });
}
