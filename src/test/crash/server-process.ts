// The real server as a child process, the way an operator runs it (`guildhall start`), for the
// crash harness: started on a free port, killed with SIGKILL (no shutdown code runs), started again
// on the same data. No test framework is loaded here, so `npm run soak` uses it too.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { freePort } from '../free-port.ts';

/** How much of the server's output a failure report keeps (the tail). */
const LOG_TAIL_CHARS = 20_000;

/** A running `guildhall start`. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>` */
  base: string;
  pid: number;
  /** Kills it with SIGKILL and resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop); SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** Whether it exited by itself (it should not, even while the database is down). */
  exited(): boolean;
  /** The last part of what it printed, for failure reports. */
  logTail(): string;
}

/**
 * Starts `src/cli/main.ts start` with `env` over a minimal environment (a new free port each
 * time, so no pooled connection to an earlier, killed server is reused) and resolves once
 * `/readyz` answers 200.
 *
 * @example
 * const server = await startServerProcess({ DATABASE_URL: url, DATA_DIR: dir });
 * await server.kill();
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { readyTimeoutMs?: number } = {}
): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const main = path.join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    [main, 'start'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        BASE_URL: base,
        SMTP_URL: '',
        BACKUP_EVERY_HOURS: '0',
        LOG_LEVEL: 'warn',
        ...env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-LOG_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  // However the caller ends, the server does not outlive it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  void exit.then(() => process.off('exit', orphanGuard));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`guildhall start exited with ${String(exitCode)}:\n${log}`);
    }
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`guildhall start: not ready in time:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    base,
    pid: child.pid ?? 0,
    kill: async () => {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exit;
    },
    stop: async (graceMs = 15_000) => {
      if (exitCode === undefined) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
    exited: () => exitCode !== undefined,
    logTail: () => log
  };
}
