// Backups and restores of the whole database: SQLite through its online backup API (Guildhall
// may keep running while a backup is written), PostgreSQL through pg_dump and pg_restore in
// custom format. A backup is written under a temporary name and renamed once complete, so a file
// with a backup's name is always a whole backup. Scheduled backups go to one folder and the
// newest few are kept (backup-jobs.ts).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Db, Dialect } from '../../db/database.ts';

/** A backup or restore that cannot be done, with a message for the operator. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The database a backup is made of or restored into. */
export interface DatabaseTarget {
  dialect: Dialect;
  /** The SQLite file, or the postgres:// URL. */
  databaseUrl: string;
}

/** Scheduled backups' names: `guildhall-20261124T213000Z.db` (SQLite) or `….dump` (PostgreSQL). */
const BACKUP_NAME = /^guildhall-\d{8}T\d{6}Z\.(db|dump)$/;

/**
 * The file name of a backup made at `at`, sortable by time.
 *
 * @example
 * backupFileName('sqlite', new Date('2026-11-24T21:30:00Z')); // 'guildhall-20261124T213000Z.db'
 */
export function backupFileName(dialect: Dialect, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `guildhall-${stamp}.${dialect === 'sqlite' ? 'db' : 'dump'}`;
}

/**
 * Writes a consistent backup of the database to `file` (which must not exist yet). SQLite: the
 * online backup API, while the server keeps running. PostgreSQL: `pg_dump --format=custom` (the
 * PostgreSQL client tools must be installed).
 *
 * @example
 * const { file, bytes } = await backupDatabase(db, config, 'backups/guildhall.db');
 */
export async function backupDatabase(
  db: Db,
  target: DatabaseTarget,
  file: string
): Promise<{ file: string; bytes: number }> {
  const out = path.resolve(file);
  if (existsSync(out)) throw new BackupError(`${out} exists already; choose a new file name`);
  mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  try {
    if (db.sqlite) {
      await db.sqlite.backup(partial);
    } else {
      await runTool(
        'pg_dump',
        ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`],
        { url: target.databaseUrl }
      );
    }
    renameSync(partial, out);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return { file: out, bytes: statSync(out).size };
}

/**
 * Replaces the database's content with the backup in `file`, then the caller migrates it to the
 * current schema. Stop Guildhall first. The backup is checked before anything is touched: a file
 * that is not a Guildhall backup of this database kind leaves the database as it was.
 *
 * - SQLite: the file must pass `PRAGMA integrity_check` and hold Guildhall's schema; it is copied
 *   into the database file through SQLite's backup API (the database's own locks and journal).
 * - PostgreSQL: `pg_restore --clean --if-exists --single-transaction`: all or nothing.
 *
 * @example
 * await restoreDatabase(config, 'backups/guildhall-20261124T213000Z.db');
 */
export async function restoreDatabase(target: DatabaseTarget, file: string): Promise<void> {
  const from = path.resolve(file);
  if (!existsSync(from) || !statSync(from).isFile()) throw new BackupError(`${from}: no such file`);
  if (target.dialect === 'sqlite') {
    const backup = openSqliteBackup(from);
    try {
      await backup.backup(target.databaseUrl);
    } finally {
      backup.close();
    }
    return;
  }
  // A file pg_restore cannot list is no dump; say so before connecting to anything.
  await runTool('pg_restore', ['--list', from], { notADump: from });
  await runTool(
    'pg_restore',
    [
      `--dbname=${pgEnvironment(target.databaseUrl).PGDATABASE ?? ''}`,
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      from
    ],
    { url: target.databaseUrl }
  );
}

/** Opens a SQLite backup read-only after checking it is whole and Guildhall's. */
function openSqliteBackup(file: string): SQLite.Database {
  let backup: SQLite.Database;
  try {
    backup = new SQLite(file, { readonly: true, fileMustExist: true });
    const check = backup.pragma('integrity_check', { simple: true });
    if (check !== 'ok') {
      backup.close();
      throw new BackupError(`${file} is damaged (integrity_check: ${String(check)})`);
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} is not a SQLite database`);
  }
  const schema = backup
    .prepare("select name from sqlite_master where type = 'table' and name in (?, ?)")
    .all('schema_migrations', 'users');
  if (schema.length < 2) {
    backup.close();
    throw new BackupError(`${file} is a SQLite database, but not a Guildhall backup`);
  }
  return backup;
}

/** The scheduled backups in `dir` (only files named like them), oldest first. */
function scheduledBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort();
}

/** Deletes all but the newest `keep` scheduled backups in `dir`; returns the names deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = scheduledBackups(dir).reverse().slice(keep);
  for (const name of old) rmSync(path.join(dir, name), { force: true });
  return old;
}

/** When the newest scheduled backup in `dir` was made (its file's time), or null when none is. */
export function newestBackupAt(dir: string): Date | null {
  const newest = scheduledBackups(dir).at(-1);
  return newest ? statSync(path.join(dir, newest)).mtime : null;
}

/**
 * Runs a PostgreSQL client tool. The connection comes from the URL through PG* environment
 * variables, never the command line (where other local users could read the password).
 */
async function runTool(
  tool: 'pg_dump' | 'pg_restore',
  argv: string[],
  options: { url?: string; notADump?: string }
): Promise<void> {
  const env = { ...process.env, ...(options.url ? pgEnvironment(options.url) : {}) };
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(tool, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        if (stderr.length < 8192) stderr += chunk;
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'ENOENT'
            ? new BackupError(
                `${tool} was not found: install the PostgreSQL client tools (e.g. the postgresql-client package), version ${tool === 'pg_dump' ? 'at least' : 'matching'} the server's`
              )
            : error
        );
      });
      child.on('close', (code) => {
        resolve({ code, stderr });
      });
    }
  );
  if (code === 0) return;
  if (options.notADump) throw new BackupError(`${options.notADump} is not a pg_dump archive`);
  throw new BackupError(`${tool} failed (exit ${String(code)}): ${stderr.trim()}`);
}

/** libpq's environment for a postgres:// URL: host, port, user, password, database, sslmode. */
export function pgEnvironment(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  if (u.hostname) env.PGHOST = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ''));
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (database) env.PGDATABASE = database;
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}
