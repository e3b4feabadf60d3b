// Guildhall under test, as a user runs it: `guildhall start` in its own process (with WORKERS
// app processes on PostgreSQL), on a data directory or database the bench prepared. The bench
// reads its memory from /proc (the process and its children), so the load generator's memory never
// counts as the server's.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/test/free-port.ts';

export interface ServerUnderTest {
  base: string;
  pid: number;
  /** From spawning the process to the first healthy answer. */
  startupMs: number;
  /** Resident memory of the server's processes now, in MiB. */
  rssMiB(): number;
  /** The highest resident memory each process reached, summed, in MiB. */
  peakRssMiB(): number;
  /** Stops it (SIGTERM, then SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/** The process and all its descendants (Linux /proc). */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const current = pids[i] ?? 0;
    try {
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

/** Sums a "kB" field of /proc/<pid>/status over the process tree, in MiB. */
function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let kB = 0;
  for (const p of processTree(pid)) {
    try {
      const line = readFileSync(`/proc/${p}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${field}:`));
      kB += Number(line?.split(/\s+/)[1] ?? 0);
    } catch {
      // The process ended meanwhile.
    }
  }
  return Math.round(kB / 1024);
}

/**
 * Starts `guildhall start` from the repository root with `env` added to a clean configuration
 * and waits until /healthz answers.
 *
 * @example
 * const server = await startServer({ DATA_DIR: dir, SECRET: 's'.repeat(40) });
 * await server.stop();
 */
export async function startServer(env: Record<string, string>): Promise<ServerUnderTest> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    // As `npm start` runs it (package.json): a small young generation, two malloc arenas, large
    // blocks mapped and small ones trimmed, so what a big query freed goes back to the system.
    [
      '--max-semi-space-size=8',
      path.join(import.meta.dirname, '..', '..', 'bin', 'guildhall.js'),
      'start'
    ],
    {
      cwd: path.join(import.meta.dirname, '..', '..'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        BASE_URL: base,
        SMTP_URL: '',
        // The bench's copy of the data set needs no scheduled backup (its first would run at start).
        BACKUP_EVERY_HOURS: '0',
        LOG_LEVEL: 'warn',
        MALLOC_ARENA_MAX: '2',
        MALLOC_MMAP_THRESHOLD_: '131072',
        MALLOC_TRIM_THRESHOLD_: '1048576',
        ...env
      },
      stdio: ['ignore', 'inherit', 'inherit']
    }
  );
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  const pid = child.pid ?? 0;
  // However the bench ends, the server does not outlive it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(r, 50, 'wait'))]);
    if (early !== 'wait') throw new Error(`guildhall start exited with ${String(early)}`);
    try {
      const res = await fetch(`${base}/healthz`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - t0 > 300_000) throw new Error('guildhall start: no answer in 5 min');
  }
  const startupMs = Math.round(performance.now() - t0);
  return {
    base,
    pid,
    startupMs,
    rssMiB: () => statusMiB(pid, 'VmRSS'),
    peakRssMiB: () => statusMiB(pid, 'VmHWM'),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      process.off('exit', orphanGuard);
    }
  };
}
