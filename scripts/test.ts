// `npm test`: every tier the machine can run, and a plain statement of what it could not.
//   1. a production build of the web UI (the integration tier tests the pages it serves too)
//   2. unit + integration (Vitest) — integration on SQLite, and on PostgreSQL when a server answers
//   3. browser (Playwright on a system Chromium)
// With CI=true a missing PostgreSQL or Chromium fails the run instead of being skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const notes: string[] = [];

async function postgresUrl(): Promise<string | undefined> {
  const url = process.env.GUILDHALL_TEST_PG_URL ?? DEFAULT_PG;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return url;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const message = `PostgreSQL tier SKIPPED: no PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//…@')} (${why}). Set GUILDHALL_TEST_PG_URL to a server URL to run it.`;
    if (ci) fail(message.replace('SKIPPED', 'FAILED (CI requires it)'));
    notes.push(message);
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function chromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, 'chromium', 'chromium-browser', 'google-chrome'];
  for (const candidate of candidates) {
    if (!candidate) continue;
    if (candidate.includes('/')) {
      if (existsSync(candidate)) return candidate;
      continue;
    }
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      const full = path.join(dir, candidate);
      if (existsSync(full)) return full;
    }
  }
  const message = 'Browser tier SKIPPED: no Chromium found (install it, or set CHROMIUM_PATH).';
  if (ci) fail(message.replace('SKIPPED', 'FAILED (CI requires it)'));
  notes.push(message);
  return undefined;
}

function fail(message: string): never {
  console.error(`\n✗ ${message}`);
  process.exit(1);
}

function run(title: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0)
    fail(`${title} failed (exit ${result.status ?? result.signal ?? 'unknown'})`);
}

const bin = (name: string) => path.join('node_modules', '.bin', name);
const pgUrl = await postgresUrl();
const env: NodeJS.ProcessEnv = {
  NODE_ENV: 'test',
  // The API fuzzer asks the same requests every run (npm run soak varies them); override to explore.
  GUILDHALL_FUZZ_SEED: process.env.GUILDHALL_FUZZ_SEED ?? '20261124',
  ...(pgUrl ? { GUILDHALL_TEST_PG_URL: pgUrl } : {})
};
if (!pgUrl) delete process.env.GUILDHALL_TEST_PG_URL;

// The build comes first: the integration tier also tests the pages it serves (the page cache).
run('Production build of the web UI', bin('vite'), ['build', '--logLevel', 'warn'], {});

run(
  `Unit and integration tests (SQLite${pgUrl ? ' and PostgreSQL' : ''})`,
  bin('vitest'),
  ['run'],
  env
);

const browser = chromium();
if (browser) {
  run('Browser tests (Playwright)', bin('playwright'), ['test'], { CHROMIUM_PATH: browser });
}

console.log(
  `\n✓ Tests passed: unit, integration on SQLite${pgUrl ? ' and PostgreSQL' : ''}${browser ? ', browser' : ''}.`
);
for (const note of notes) console.log(`! ${note}`);
