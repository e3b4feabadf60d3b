import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Db, type Dialect, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';

/**
 * The dialects the integration tier runs on: SQLite always, PostgreSQL when
 * `GUILDHALL_TEST_PG_URL` names a server (the test runner sets it when one is reachable).
 */
export function testDialects(): Dialect[] {
  return process.env.GUILDHALL_TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, migrated, empty database of its own; `dispose()` deletes it. */
export interface TestDatabase {
  db: Db;
  dialect: Dialect;
  /** What DATABASE_URL would be for a server process on this database. */
  url: string;
  dataDir: string;
  dispose(): Promise<void>;
}

/**
 * Creates an empty database for one test file: a temporary SQLite file, or a new PostgreSQL
 * database on the test server (dropped again by `dispose`).
 */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-test-'));
  if (dialect === 'sqlite') {
    const url = path.join(dataDir, 'test.db');
    const db = openDatabase({ dialect, databaseUrl: url });
    await migrateToLatest(db.kysely);
    return {
      db,
      dialect,
      url,
      dataDir,
      dispose: async () => {
        await db.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    };
  }
  const serverUrl = process.env.GUILDHALL_TEST_PG_URL;
  if (!serverUrl) throw new Error('GUILDHALL_TEST_PG_URL is not set');
  const name = `guildhall_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = openDatabase({ dialect, databaseUrl: url.toString(), poolSize: 5 });
  await migrateToLatest(db.kysely);
  return {
    db,
    dialect,
    url: url.toString(),
    dataDir,
    dispose: async () => {
      await db.close();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
