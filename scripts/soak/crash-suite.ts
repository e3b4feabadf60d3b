// The crash suite of `npm run soak`: the crash harness (src/test/crash) at large sizes — on SQLite
// the app killed with SIGKILL; on PostgreSQL the app killed, and on a throw-away cluster of the
// soak's own also the database stopped immediately (alone, or together with the app).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  type CrashReport,
  type DatabaseServerControl,
  runCrashHarness
} from '../../src/test/crash/crash-harness.ts';
import { startPgCluster } from './pg-cluster.ts';
import type { SoakContext, SoakRow, SoakSuite } from './suite.ts';

const SHARED_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

function rowOf(target: string, report: CrashReport): SoakRow {
  return {
    suite: 'crash',
    target,
    cases: report.cases,
    kills: report.kills,
    databaseStops: report.databaseStops,
    acknowledged: report.counts.acknowledged,
    verified: report.counts.verified,
    overwritten: report.counts.overwritten,
    inDoubt: report.counts.inDoubt,
    failures: report.failures,
    seed: report.seed
  };
}

function skipped(target: string, why: string, context: SoakContext): SoakRow {
  return {
    suite: 'crash',
    target,
    cases: 0,
    failures: context.ci ? [`cannot run (CI requires it): ${why}`] : [],
    skipped: why
  };
}

/** Runs the harness on a new SQLite file; the directory is deleted unless something failed. */
async function onSqlite(context: SoakContext): Promise<SoakRow> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-soak-sqlite-'));
  const report = await runCrashHarness({
    dialect: 'sqlite',
    databaseUrl: path.join(dataDir, 'guildhall.db'),
    dataDir,
    rounds: context.kills,
    writers: context.writers,
    seed: context.seed,
    crashAfterMs: context.crashAfterMs,
    log: context.log
  });
  if (report.failures.length === 0) rmSync(dataDir, { recursive: true, force: true });
  else context.log(`  kept the failing SQLite data in ${dataDir}`);
  if (report.failures.length > 0) context.log(`  server log tail:\n${report.serverLog}`);
  return rowOf('sqlite, app SIGKILL', report);
}

/** Runs the harness on a new database of the PostgreSQL server at `serverUrl`, then drops it. */
async function onPostgres(
  context: SoakContext,
  serverUrl: string,
  databaseServer: DatabaseServerControl | undefined
): Promise<CrashReport> {
  const name = `guildhall_soak_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-soak-pg-app-'));
  try {
    const report = await runCrashHarness({
      dialect: 'postgres',
      databaseUrl: url.toString(),
      dataDir,
      rounds: context.kills,
      writers: context.writers,
      seed: context.seed,
      crashAfterMs: context.crashAfterMs,
      databaseServer,
      log: context.log
    });
    if (report.failures.length > 0) context.log(`  server log tail:\n${report.serverLog}`);
    return report;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  }
}

/** Whether a PostgreSQL server answers at `url`. */
async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PostgreSQL: on a throw-away cluster when one can be made (app kills, then rounds that also
 * stop the database); otherwise app kills only, on the server of GUILDHALL_TEST_PG_URL — never
 * stopping that server, which other people and tests use.
 */
async function onPostgresTargets(context: SoakContext): Promise<SoakRow[]> {
  const appOnly = 'postgres, app SIGKILL';
  const withStops = 'postgres, app SIGKILL and/or database immediate stop';
  const cluster = await startPgCluster();
  if ('missing' in cluster) {
    const why = `no throw-away PostgreSQL cluster: ${cluster.missing}`;
    context.log(`! ${why}; the database-stop rounds are skipped`);
    const shared = process.env.GUILDHALL_TEST_PG_URL ?? SHARED_PG;
    const unreachable = await reachable(shared);
    if (unreachable) {
      return [
        skipped(
          appOnly,
          `no PostgreSQL at ${shared.replace(/\/\/[^@]*@/, '//…@')} (${unreachable})`,
          context
        ),
        skipped(withStops, why, context)
      ];
    }
    context.log(`  app kills on the shared server ${shared.replace(/\/\/[^@]*@/, '//…@')}`);
    return [
      rowOf(appOnly, await onPostgres(context, shared, undefined)),
      skipped(withStops, why, context)
    ];
  }
  context.log(`  throw-away PostgreSQL cluster at ${cluster.url}`);
  try {
    const rows = [rowOf(appOnly, await onPostgres(context, cluster.url, undefined))];
    rows.push(rowOf(withStops, await onPostgres(context, cluster.url, cluster)));
    return rows;
  } finally {
    await cluster.dispose();
  }
}

/** The crash suite (see the file's head). */
export const crashSuite: SoakSuite = {
  name: 'crash',
  description:
    'the real server killed with SIGKILL mid-writes (and on PostgreSQL the database stopped at once), restarted, every acknowledged write and counter checked',
  async run(context) {
    const rows: SoakRow[] = [];
    if (context.databases.includes('sqlite')) rows.push(await onSqlite(context));
    if (context.databases.includes('postgres')) rows.push(...(await onPostgresTargets(context)));
    return rows;
  }
};
