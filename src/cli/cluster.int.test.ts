import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from '../test/free-port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** One JSON log line of the server. */
interface LogLine {
  pid: number;
  msg: string;
  worker?: number;
  code?: number;
}

/** Runs one statement on the test server's maintenance database. */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.GUILDHALL_TEST_PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** GET on a fresh connection each time, so the cluster may hand it to any worker. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      })
      .on('error', reject);
  });
}

// `guildhall start` with WORKERS=2 on PostgreSQL: a primary and two workers sharing one port,
// a dead worker replaced, and a clean shutdown on SIGTERM. PostgreSQL only: SQLite refuses WORKERS>1.
describe.runIf(process.env.GUILDHALL_TEST_PG_URL)(
  'guildhall start in cluster mode (postgres)',
  () => {
    // An empty database (not a migrated test database): the cluster's primary must migrate it.
    const name = `guildhall_test_${randomBytes(6).toString('hex')}`;
    let child: ChildProcessByStdio<null, Readable, Readable>;
    let output = '';
    let base = '';

    const lines = (): LogLine[] =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine);
    const waitFor = async (what: string, done: () => boolean, ms = 120_000) => {
      const deadline = Date.now() + ms;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const listening = () => lines().filter((l) => l.msg === 'Guildhall is listening');

    beforeAll(async () => {
      await admin(`CREATE DATABASE ${name}`);
      const url = new URL(process.env.GUILDHALL_TEST_PG_URL ?? '');
      url.pathname = `/${name}`;
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      child = spawn(process.execPath, [path.join(import.meta.dirname, 'main.ts'), 'start'], {
        env: {
          ...process.env,
          DATABASE_URL: url.toString(),
          DATA_DIR: mkdtempSync(path.join(tmpdir(), 'guildhall-cluster-')),
          BASE_URL: '',
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          WORKERS: '2'
        },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        output += d.toString();
      });
      await waitFor('two listening workers', () => listening().length >= 2);
    }, 150_000);

    afterAll(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });

    it('serves from two worker processes on one port, migrating once in the primary', async () => {
      const workers = new Set(listening().map((l) => l.pid));
      expect(workers.size).toBe(2);
      expect(workers.has(child.pid ?? -1)).toBe(false);
      expect(lines().find((l) => l.msg === 'database migrated')?.pid).toBe(child.pid);
      expect(lines().filter((l) => l.msg === 'database migrated')).toHaveLength(1);
      expect(lines().find((l) => l.msg === 'cluster started')).toMatchObject({ pid: child.pid });

      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push(await get(`${base}/healthz`));
      expect(new Set(statuses)).toEqual(new Set([200]));
      await waitFor(
        'request logs',
        () => lines().filter((l) => l.msg === 'request completed').length >= 20
      );
      const answeredBy = new Set(
        lines()
          .filter((l) => l.msg === 'request completed')
          .map((l) => l.pid)
      );
      expect(answeredBy).toEqual(workers);
    }, 60_000);

    it('replaces a worker that dies', async () => {
      const [victim] = listening();
      process.kill(victim?.pid ?? -1, 'SIGKILL');
      await waitFor('a replacement worker', () => listening().length >= 3);
      expect(lines().find((l) => l.msg === 'worker died; starting a new one')).toMatchObject({
        pid: child.pid
      });
      const replacement = listening()[2]?.pid;
      expect(replacement).not.toBe(victim?.pid);
      expect(await get(`${base}/readyz`)).toBe(200);
    }, 150_000);

    it('on SIGTERM stops every worker gracefully and exits 0', async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code, output).toBe(0);
      const stopped = lines().filter((l) => l.msg === 'stopped');
      // Both live workers and then the primary.
      expect(stopped).toHaveLength(3);
      expect(stopped.at(-1)?.pid).toBe(child.pid);
      expect(lines().filter((l) => l.msg === 'worker stopped' && l.code === 0)).toHaveLength(2);
    }, 90_000);
  }
);
