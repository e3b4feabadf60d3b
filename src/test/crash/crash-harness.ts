// Crash safety (issue 10): the real server as a child process, members writing to it over HTTP,
// killed with SIGKILL at a random moment (on PostgreSQL optionally the database stopped at once
// too, or alone), started again, and everything checked: every acknowledged write is there, the
// files are sound, counters equal rows, limits hold. A seeded PRNG picks the writes and the
// moments, and the seed is printed, so a failing run can be repeated (the interleaving of
// concurrent requests still varies from run to run).
import pg from 'pg';
import { type Db, type Dialect, openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { checkCrashState } from './crash-checks.ts';
import { CrashLedger, type LedgerCounts } from './crash-ledger.ts';
import { seedCrashScenario } from './crash-seed.ts';
import { runWriters, type StopSignal } from './crash-writers.ts';
import { prng } from './prng.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

/** Stops and starts the PostgreSQL server the app uses (a throw-away cluster, for the soak). */
export interface DatabaseServerControl {
  /** An immediate stop: no checkpoint, the next start recovers from the WAL, like a crash. */
  stopImmediately(): Promise<void>;
  start(): Promise<void>;
}

export interface CrashHarnessOptions {
  dialect: Dialect;
  /** A SQLite file path, or the postgres:// URL of a database of its own (empty or migrated). */
  databaseUrl: string;
  /** The server's DATA_DIR. */
  dataDir: string;
  /** Rounds: each ends in a crash (the app killed, the database stopped, or both). */
  rounds: number;
  /** Members writing at once. */
  writers: number;
  seed: number;
  /** The crash comes at a random moment this many ms after the writes start: [min, max]. */
  crashAfterMs: [number, number];
  /** PostgreSQL: also stop the database server itself in some rounds. */
  databaseServer?: DatabaseServerControl | undefined;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What a run did and found. */
export interface CrashReport {
  dialect: Dialect;
  seed: number;
  /** Rounds run (each one crash and one full check). */
  cases: number;
  /** Rounds in which the app was killed with SIGKILL and came back. */
  kills: number;
  /** Rounds in which the database server was stopped immediately and came back. */
  databaseStops: number;
  counts: LedgerCounts;
  /** One line per failed check (empty: all held). */
  failures: string[];
  /** The restarted server's last output, when something failed. */
  serverLog: string;
}

type CrashKind = 'app' | 'app+database' | 'database';

const SECRET = 'crash-harness-secret-'.padEnd(40, 'x');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a short-lived connection of the harness's own (a pool would outlive a database stop). */
function openCheckDb(options: CrashHarnessOptions): Db {
  return openDatabase({
    dialect: options.dialect,
    databaseUrl: options.databaseUrl,
    poolSize: 2,
    onConnectionLost: () => undefined
  });
}

async function withDb<T>(options: CrashHarnessOptions, use: (db: Db) => Promise<T>): Promise<T> {
  const db = openCheckDb(options);
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

/**
 * PostgreSQL: waits until the killed app's connections are gone from the server, so a commit it
 * sent just before dying has finished one way or the other before anything is checked.
 */
async function waitForBackends(url: string, timeoutMs = 15_000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const { rows } = await client.query<{ n: string }>(
        'select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'
      );
      if (Number(rows[0]?.n ?? 0) === 0) return true;
      await sleep(25);
    }
    return false;
  } finally {
    await client.end();
  }
}

/** Waits until the server answers /readyz again (after the database came back). */
async function waitReady(server: ServerProcess, timeoutMs = 30_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    try {
      const res = await fetch(`${server.base}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return true;
    } catch {
      // Not yet.
    }
    await sleep(100);
  }
  return false;
}

/**
 * Seeds a scenario into the database, then runs `rounds` crash rounds against the real server
 * and a clean stop at the end, checking everything after each. Never throws for a failed check:
 * failures are in the report.
 *
 * @example
 * const report = await runCrashHarness({ dialect: 'sqlite', databaseUrl: file, dataDir, rounds: 3,
 *   writers: 8, seed: 42, crashAfterMs: [200, 1000] });
 * report.failures; // [] when every acknowledged write survived and every counter matched
 */
export async function runCrashHarness(options: CrashHarnessOptions): Promise<CrashReport> {
  const log = options.log ?? (() => undefined);
  const random = prng(options.seed);
  const scenario = await withDb(options, async (db) => {
    await migrateToLatest(db.kysely);
    return seedCrashScenario(db, { writers: options.writers });
  });
  const env = {
    DATABASE_URL:
      options.dialect === 'sqlite' ? `sqlite:${options.databaseUrl}` : options.databaseUrl,
    DATA_DIR: options.dataDir,
    SECRET
  };
  const ledger = new CrashLedger();
  const report: CrashReport = {
    dialect: options.dialect,
    seed: options.seed,
    cases: 0,
    kills: 0,
    databaseStops: 0,
    counts: ledger.counts,
    failures: [],
    serverLog: ''
  };
  let server = await startServerProcess(env);
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const kind: CrashKind = options.databaseServer
        ? random.pick(['app', 'app+database', 'database'] as const)
        : 'app';
      const crashAt = random.int(...options.crashAfterMs);
      const stop: StopSignal = { stopped: false };
      const before = { ...ledger.counts };
      const serverErrors: string[] = [];
      const writes = runWriters(server.base, scenario, ledger, {
        seed: options.seed,
        round,
        stop,
        onServerError: (detail) => serverErrors.push(detail)
      });
      // The moment is counted from the round's first acknowledged write, so that a crash finds
      // writes in flight, not a server still warming up.
      for (let waited = 0; ledger.counts.acknowledged === before.acknowledged; waited += 10) {
        if (waited > 10_000) break;
        await sleep(10);
      }
      await sleep(crashAt);
      const database = options.databaseServer;
      if (kind === 'app') {
        stop.stopped = true;
        await server.kill();
      } else if (kind === 'app+database' && database) {
        stop.stopped = true;
        await Promise.all([server.kill(), database.stopImmediately()]);
        await database.start();
      } else if (database) {
        await database.stopImmediately();
        await sleep(random.int(200, 1500));
        await database.start();
        // The app reconnects by itself; its members keep writing a while longer.
        await sleep(random.int(300, 1500));
        stop.stopped = true;
      }
      await writes;
      const failures: string[] = [];
      if (kind === 'database') {
        if (server.exited()) {
          failures.push(`the app exited while the database was stopped:\n${server.logTail()}`);
          server = await startServerProcess(env);
        } else if (!(await waitReady(server))) {
          failures.push('the app did not become ready again after the database came back');
        }
        report.databaseStops += 1;
      } else {
        if (options.dialect === 'postgres' && !(await waitForBackends(options.databaseUrl))) {
          failures.push('the killed app’s database sessions did not end within 15 s');
        }
        server = await startServerProcess(env);
        report.kills += 1;
        if (kind === 'app+database') report.databaseStops += 1;
      }
      if (kind === 'app' && serverErrors.length > 0) {
        failures.push(
          `${serverErrors.length} writes answered 5xx, e.g. ${(serverErrors[0] ?? '').slice(0, 300)}`
        );
      }
      failures.push(
        ...(await withDb(options, (db) => checkCrashState(db, scenario, ledger, server.base)))
      );
      report.cases += 1;
      for (const failure of failures) report.failures.push(`round ${round} (${kind}): ${failure}`);
      if (failures.length > 0) report.serverLog = server.logTail();
      log(
        `  ${options.dialect} round ${round}/${options.rounds} (${kind} at ${crashAt} ms): ${ledger.counts.acknowledged - before.acknowledged} acknowledged, ${ledger.counts.inDoubt - before.inDoubt} in doubt, ${failures.length === 0 ? 'all checks held' : `${failures.length} FAILED`}`
      );
    }
  } finally {
    const code = await server.stop();
    if (code !== 0) report.failures.push(`the clean stop at the end exited with ${String(code)}`);
  }
  // After a clean stop nothing may be missing either (and SQLite has checkpointed its WAL).
  const last = await withDb(options, (db) => checkCrashState(db, scenario, ledger));
  for (const failure of last) report.failures.push(`after the clean stop: ${failure}`);
  if (report.failures.length > 0 && !report.serverLog) report.serverLog = server.logTail();
  return report;
}
