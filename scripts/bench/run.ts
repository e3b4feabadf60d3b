// `npm run bench`: generates a data set, starts Guildhall on it, drives it over loopback with
// autocannon and prints requests/s, p50 and p99 per scenario, each also as a ratio to a floor (a
// bare Fastify route returning 20 rows from the same SQLite file). `--json file` keeps the numbers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { buildApp } from '../../src/http/app.ts';
import { createJobQueue } from '../../src/jobs/create-job-queue.ts';
import { CITIES, generate } from './generate.ts';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '100000' },
    memberships: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '42' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    database: { type: 'string', default: '' },
    json: { type: 'string' }
  }
});
const num = (v: string | undefined) => Number(v);

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

async function measure(scenario: string, url: string): Promise<Row> {
  const result = await autocannon({
    url,
    connections: num(values.connections),
    duration: num(values.duration)
  });
  return {
    scenario,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx
  };
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-bench-'));
const pgUrl = values.database;
const config = loadConfig({
  DATA_DIR: dataDir,
  SECRET: 'b'.repeat(40),
  LOG_LEVEL: 'silent',
  ...(pgUrl ? { DATABASE_URL: pgUrl } : {})
});
const logger = pino({ level: 'silent' });
const db = openDatabase({ dialect: config.dialect, databaseUrl: config.databaseUrl });
await migrateToLatest(db.kysely);

const options = {
  groups: num(values.groups),
  memberships: num(values.memberships),
  users: num(values.users),
  seed: num(values.seed)
};
console.log(
  `Generating ${options.groups} groups, ~${options.memberships} memberships, ${options.users} users on ${config.dialect}…`
);
let t0 = performance.now();
const { groupSlugs } = await generate(db, options);
const generateSeconds = (performance.now() - t0) / 1000;
const counts = await db.kysely
  .selectFrom('memberships')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .executeTakeFirstOrThrow();
console.log(`Generated in ${generateSeconds.toFixed(1)} s (${counts.n} memberships).`);

// The floor: the least any HTTP + SQLite stack can do for a list of 20 rows.
const floorDb =
  config.dialect === 'sqlite'
    ? openDatabase({ dialect: 'sqlite', databaseUrl: config.databaseUrl })
    : undefined;
const floor = Fastify();
const statement = floorDb?.sqlite?.prepare(
  'select id, slug, name, city, member_count from groups order by id limit 20'
);
floor.get('/floor', () => statement?.all() ?? []);
await floor.listen({ port: 0, host: '127.0.0.1' });
const floorAddress = floor.server.address();
const floorUrl = `http://127.0.0.1:${typeof floorAddress === 'object' && floorAddress ? floorAddress.port : 0}`;

t0 = performance.now();
const queue = createJobQueue(db, { databaseUrl: config.databaseUrl, logger });
const { app } = await buildApp({ config, db, queue, logger, webBuildDir: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const startupMs = Math.round(performance.now() - t0);
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const [, , munichLat, munichLng] = CITIES[0] ?? ['', '', 48.137, 11.575];
const rows: Row[] = [];
if (floorDb)
  rows.push(await measure('floor: bare Fastify, 20 rows from SQLite', `${floorUrl}/floor`));
rows.push(
  await measure(
    'group search: text + tag + 50 km radius',
    `${base}/api/v1/groups?q=cloud&tags=kubernetes&lat=${munichLat}&lng=${munichLng}&radiusKm=50`
  )
);
rows.push(
  await measure(
    'group search: tag only, by members',
    `${base}/api/v1/groups?tags=azure&sort=members`
  )
);
rows.push(
  await measure('group page (JSON)', `${base}/api/v1/groups/${groupSlugs[5] ?? 'group-5'}`)
);
rows.push(await measure('health check', `${base}/healthz`));

const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
const floorRow = rows.find((r) => r.scenario.startsWith('floor'));
console.log(
  `\nGuildhall benchmark — ${config.dialect}, ${options.groups} groups, ${counts.n} memberships, ${values.connections} connections × ${values.duration} s`
);
console.table(
  rows.map((r) => ({
    scenario: r.scenario,
    'req/s': r.requestsPerSecond,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'req/s vs floor': floorRow
      ? `${(r.requestsPerSecond / floorRow.requestsPerSecond).toFixed(2)}×`
      : 'n/a',
    errors: r.errors + r.non2xx
  }))
);
console.log(
  `start-up ${startupMs} ms (app build + listen), peak RSS ${rss} MiB (one process: generator, floor and app)`
);
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify({ dialect: config.dialect, options, startupMs, rssMiB: rss, rows }, null, 2)
  );
  console.log(`JSON written to ${values.json}`);
}

await app.close();
await floor.close();
await queue.stop();
await db.close();
await floorDb?.close();
rmSync(dataDir, { recursive: true, force: true });
