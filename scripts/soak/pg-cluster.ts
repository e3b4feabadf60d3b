// A PostgreSQL server of the soak's own: a throw-away cluster (initdb in a temporary directory, on a
// free loopback port) that may be stopped immediately — a crash, recovered from the WAL at the
// next start — without touching the server other tests and people use. The binaries are found
// with `pg_config --bindir`, else under /usr/lib/postgresql/<version>/bin; as root (initdb refuses
// root) the cluster runs as the `postgres` system user.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DatabaseServerControl } from '../../src/test/crash/crash-harness.ts';
import { freePort } from '../../src/test/free-port.ts';

const run = promisify(execFile);

/** A running throw-away cluster. */
export interface PgCluster extends DatabaseServerControl {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops it and deletes its directory. */
  dispose(): Promise<void>;
}

/** Where initdb, pg_ctl and postgres are, or why they could not be found. */
function binDir(): { dir: string } | { missing: string } {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // No pg_config on PATH; look in Debian's place.
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  for (const dir of candidates) {
    if (['initdb', 'pg_ctl', 'postgres'].every((bin) => existsSync(path.join(dir, bin)))) {
      return { dir };
    }
  }
  return {
    missing: `no PostgreSQL server binaries (initdb, pg_ctl, postgres) found via pg_config --bindir or in ${debian}/<version>/bin${candidates.length ? ` (looked in ${candidates.join(', ')})` : ''}`
  };
}

/** As root, the uid and gid of the `postgres` user to run the cluster as. */
function runAs(): { uid: number; gid: number } | { missing: string } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return { missing: 'running as root, and initdb refuses root, but there is no postgres user' };
  }
}

/**
 * Creates and starts a throw-away cluster, or says plainly why it cannot.
 *
 * @example
 * const cluster = await startPgCluster();
 * if ('missing' in cluster) console.log(cluster.missing);
 * else { await cluster.stopImmediately(); await cluster.start(); await cluster.dispose(); }
 */
export async function startPgCluster(): Promise<PgCluster | { missing: string }> {
  const bin = binDir();
  if ('missing' in bin) return bin;
  const user = runAs();
  if (user && 'missing' in user) return user;
  const dir = mkdtempSync(path.join(tmpdir(), 'guildhall-soak-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const options = user ? { uid: user.uid, gid: user.gid, cwd: dir } : { cwd: dir };
  const pgCtl = (...args: string[]) =>
    run(path.join(bin.dir, 'pg_ctl'), ['-D', data, ...args], options);
  try {
    await run(
      path.join(bin.dir, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8'],
      options
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { missing: `initdb failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const start = async () => {
    await pgCtl(
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '120',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
      'start'
    );
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stopImmediately: async () => {
      await pgCtl('-m', 'immediate', '-w', 'stop');
    },
    start,
    dispose: async () => {
      await pgCtl('-m', 'fast', '-w', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
