import SQLite from 'better-sqlite3';
import { Kysely, type SqliteDatabase, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.ts';
import { lazyPackage } from '../lazy-package.ts';

/** node-postgres, loaded only when the database is PostgreSQL. */
const pgModule = lazyPackage<typeof pg>('pg');

export type Dialect = 'sqlite' | 'postgres';

/** One SQL statement that ran (or failed), as query observers see it. */
export interface ExecutedQuery {
  sql: string;
  durationMs: number;
  failed: boolean;
}

/** Called after every SQL statement of a database, transactions and their BEGIN/COMMIT included. */
export type QueryObserver = (query: ExecutedQuery) => void;

/** An open database: the Kysely handle, which dialect it speaks, and how to close it. */
export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** The raw better-sqlite3 handle on SQLite (for online backup); undefined on PostgreSQL. */
  sqlite: SQLite.Database | undefined;
  /**
   * The connection pool on PostgreSQL (its sizes are metrics); undefined on SQLite. Optional so
   * that a `Db` put together by hand (e.g. around a transaction) stays one.
   */
  pool?: pg.Pool | undefined;
  /**
   * Calls `observer` after every statement until the returned function is called. Costs nothing
   * while nobody observes. Optional for the same reason as `pool`.
   */
  observeQueries?: (observer: QueryObserver) => () => void;
  close(): Promise<void>;
}

/**
 * Opens the database. SQLite runs in WAL mode with synchronous=FULL, foreign keys on and a busy
 * timeout so concurrent writers wait instead of failing.
 *
 * @example
 * const db = openDatabase({ dialect: 'sqlite', databaseUrl: ':memory:' });
 * const stop = db.observeQueries?.((q) => console.log(q.sql));
 * await db.close();
 */
export function openDatabase(options: {
  dialect: Dialect;
  databaseUrl: string;
  poolSize?: number;
  /**
   * Told when PostgreSQL drops an idle pooled connection (a restart, a failover, an idle timeout).
   * The pool replaces it on the next query; without a listener the process would crash.
   */
  onConnectionLost?: (error: Error) => void;
}): Db {
  const observers = new Set<QueryObserver>();
  const observeQueries = (observer: QueryObserver): (() => void) => {
    observers.add(observer);
    return () => {
      observers.delete(observer);
    };
  };
  // Kysely's log hook sees every statement, also those inside transactions and on connections
  // taken with `kysely.connection()`; with no observer it returns at once.
  const log = (event: LogEvent): void => {
    if (observers.size === 0) return;
    const query: ExecutedQuery = {
      sql: event.query.sql,
      durationMs: event.queryDurationMillis,
      failed: event.level === 'error'
    };
    for (const observer of observers) observer(query);
  };

  if (options.dialect === 'sqlite') {
    const sqlite = new SQLite(options.databaseUrl);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const kysely = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
      log
    });
    return {
      kysely,
      dialect: 'sqlite',
      sqlite,
      pool: undefined,
      observeQueries,
      close: () => kysely.destroy()
    };
  }
  const pool = new (pgModule().Pool)({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10
  });
  pool.on('error', (error) => options.onConnectionLost?.(error));
  // The pool's end() resolves once it has asked its connections to close, not once they have; a
  // closed Db has closed them (a database dropped right after must not cut live ones).
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    open.add(client);
    // The pool listens for errors only on idle connections. One in use (by a query or a
    // transaction) that the server drops — a restart, a crash, a terminated backend — emits
    // 'error' too, and with no listener the process would die. Its query or transaction fails
    // with the same error, which its caller handles; on release the pool discards it.
    client.on('error', () => undefined);
  });
  pool.on('remove', (client) => open.delete(client));
  const allClosed = () =>
    new Promise<void>((resolve) => {
      if (open.size === 0) {
        resolve();
        return;
      }
      pool.on('remove', () => {
        if (open.size === 0) resolve();
      });
    });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  return {
    kysely,
    dialect: 'postgres',
    sqlite: undefined,
    pool,
    observeQueries,
    close: async () => {
      await kysely.destroy();
      await allClosed();
    }
  };
}

/** How many prepared statements the SQLite connection keeps (least recently used go first). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 as Kysely sees it, with its prepared statements kept by SQL text: Kysely
 * prepares every statement it runs, and preparing costs about as much as running a small one
 * (a tenth of the CPU of an RSVP). A statement still busy — a stream being read — is never handed
 * out twice: the second caller gets a fresh one. SQLite prepares a kept statement again by itself
 * when a migration changes the schema.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (text: string) => {
      const kept = cache.get(text);
      if (kept && !kept.busy) {
        cache.delete(text); // most recently used goes last
        cache.set(text, kept);
        return kept;
      }
      const statement = sqlite.prepare(text);
      if (!kept) {
        cache.set(text, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      return statement;
    }
  };
}
