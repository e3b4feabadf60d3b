import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually.ts';

/** Starts the real server on a free port and resolves once it listens. */
async function start(dataDir: string): Promise<{
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  log: () => string;
}> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'main.ts'), 'start'], {
    env: {
      ...process.env,
      BASE_URL: '',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /"url":"(http:\/\/localhost:\d+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`server exited with ${String(code)}:\n${output}`));
    });
  });
  return { child, url: url.replace('localhost', '127.0.0.1'), log: () => output };
}

describe('guildhall start', { timeout: 60_000 }, () => {
  it('serves, then on SIGTERM finishes requests in flight, closes the database and exits 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-start-'));
    const { child, url, log } = await start(dataDir);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
    // A new instance has no backup yet: the scheduled backup makes the first one at start.
    await eventually(() => /"msg":"backup written"/.test(log()), 10_000);
    const backups = readdirSync(path.join(dataDir, 'backups'));
    expect(backups).toEqual([expect.stringMatching(/^guildhall-\d{8}T\d{6}Z\.db$/)]);
    // Log-ins hash passwords (argon2), so these are still running when the signal arrives.
    const inFlight = Array.from({ length: 6 }, (_, i) =>
      fetch(`${url}/api/v1/auth/log-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `nobody${i}@example.com`, password: 'some-password-here' }),
        signal: AbortSignal.timeout(10_000)
      })
    );
    // Signal only once the server has received all of them (it logs each incoming request).
    for (
      let waited = 0;
      (log().match(/"url":"\/api\/v1\/auth\/log-in"/g) ?? []).length < 6;
      waited++
    ) {
      if (waited > 2000) throw new Error(`requests never arrived:\n${log()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const statuses = (await Promise.all(inFlight)).map((r) => r.status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    const [code] = (await exited) as [number | null];
    expect(code, log()).toBe(0);
    expect(log()).toMatch(/"msg":"stopped"/);
  });
});
