import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely handle, which dialect it speaks, and how to close it. */
export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** The raw better-sqlite3 handle on SQLite (for online backup); undefined on PostgreSQL. */
  sqlite: SQLite.Database | undefined;
  close(): Promise<void>;
}

/**
 * Opens the database. SQLite runs in WAL mode with synchronous=FULL, foreign keys on and a busy
 * timeout so concurrent writers wait instead of failing.
 *
 * @example
 * const db = openDatabase({ dialect: 'sqlite', databaseUrl: ':memory:' });
 * await db.close();
 */
export function openDatabase(options: {
  dialect: Dialect;
  databaseUrl: string;
  poolSize?: number;
}): Db {
  if (options.dialect === 'sqlite') {
    const sqlite = new SQLite(options.databaseUrl);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { kysely, dialect: 'sqlite', sqlite, close: () => kysely.destroy() };
  }
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', sqlite: undefined, close: () => kysely.destroy() };
}
