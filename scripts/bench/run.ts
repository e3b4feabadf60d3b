// `npm run bench`: measures Guildhall as a user runs it. It takes a data set (`--data dir`, made
// by `npm run bench:data`; without it, one is generated first), works on a copy of it, starts
// `guildhall start` in its own process (WORKERS processes with `--nodes N` on PostgreSQL), drives
// it over loopback with autocannon from this process and prints requests/s, p50 and p99 per
// scenario, each also as a ratio to a floor: a bare Fastify route returning 20 rows from SQLite,
// in a process of its own, measured in the same run. Then the RSVP storm (many members say
// "going" to one meeting at the same moment: the seat and waitlist counts afterwards must be
// exact, or the bench fails), the vote storm (members fire more votes than their budget at once),
// the room fan-out (thousands of SSE streams) and the health dashboard. It reports the server's
// start-up time and its memory: idle after start, after the load, and at its peak. `--json file`
// keeps the numbers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createToken } from '../../src/services/token.service.ts';
import {
  copySqliteDataSet,
  dropPgDatabase,
  groupsBySize,
  makeDataSet,
  type Manifest,
  membersOf,
  readManifest,
  recreatePgDatabase,
  withNextMeeting
} from './data-set.ts';
import { CITIES, type GeneratedGroup, TAGS } from './generate.ts';
import { prepareHealthBench } from './health.ts';
import { roomFanout } from './room-fanout.ts';
import { rsvpStorm, stormFloor } from './rsvp-storm.ts';
import { startServer } from './server.ts';
import { voteStorm } from './vote-storm.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    database: { type: 'string', default: '' },
    nodes: { type: 'string', default: '1' },
    groups: { type: 'string', default: '100000' },
    members: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '50000' },
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'storm-requests': { type: 'string', default: '2000' },
    'storm-seats': { type: 'string', default: '100' },
    'vote-voters': { type: 'string', default: '1000' },
    'room-clients': { type: 'string', default: '2000' },
    'health-members': { type: 'string', default: '50000' },
    'health-meetings': { type: 'string', default: '500' },
    json: { type: 'string' },
    // e.g. --node-options="--cpu-prof --cpu-prof-dir=prof" to profile the server
    'node-options': { type: 'string' },
    // e.g. --only search,rsvp: just these scenarios (the floor is always measured)
    only: { type: 'string' }
  }
});
const num = (v: string | undefined) => Number(v);
const SCENARIOS = ['home', 'search', 'group', 'event', 'health', 'rsvp', 'vote', 'room'] as const;
const only = new Set(
  (values.only ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
);
for (const name of only) {
  if (!(SCENARIOS as readonly string[]).includes(name)) {
    console.error(`--only: unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
    process.exit(2);
  }
}
const wanted = (name: (typeof SCENARIOS)[number]) => only.has(name);
const log = (line: string) => {
  console.log(line);
};

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/**
 * Drives `base` with autocannon; several `paths` are taken in turn by every connection. `headers`
 * go with every request (e.g. a bearer token).
 */
async function measure(
  scenario: string,
  base: string,
  paths: string[],
  headers: Record<string, string> = {}
): Promise<Row> {
  const result = await autocannon({
    url: `${base}${paths[0] ?? '/'}`,
    connections: num(values.connections),
    duration: num(values.duration),
    headers,
    ...(paths.length > 1
      ? { requests: paths.map((p) => ({ method: 'GET' as const, path: p })) }
      : {})
  });
  const row = {
    scenario,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx
  };
  log(
    `  ${scenario}: ${row.requestsPerSecond} req/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms${row.errors + row.non2xx > 0 ? `, ${row.errors + row.non2xx} errors` : ''}`
  );
  return row;
}

/** Waits until the server's job queue (`/metrics`) is empty twice in a row; how long that took. */
async function jobsSettled(base: string, timeoutMs = 30 * 60_000): Promise<number> {
  const t0 = performance.now();
  let emptyReadings = 0;
  while (emptyReadings < 2 && performance.now() - t0 < timeoutMs) {
    const res = await fetch(`${base}/metrics`);
    const text = await res.text();
    const depth = /^guildhall_job_queue_depth (\d+)/m.exec(text)?.[1];
    emptyReadings = depth === '0' ? emptyReadings + 1 : 0;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return Math.round(performance.now() - t0);
}

/** Starts the floor in its own process and gives back its URL and a way to stop it. */
async function startFloor(file: string | null): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, 'floor.ts'), ...(file ? [file] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => {
      resolve(chunk.toString().trim());
    });
    child.once('exit', (code) => {
      reject(new Error(`floor exited with ${String(code)}`));
    });
  });
  process.once('exit', () => child.kill('SIGKILL')); // never outlives the bench
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => child.kill('SIGTERM')
  };
}

// 1. The data set: a copy of `--data`, or a fresh one.
const workDir = mkdtempSync(path.join(tmpdir(), 'guildhall-bench-'));
const nodes = num(values.nodes);
let manifest: Manifest;
let runDatabase = '';
if (values.data) {
  manifest = readManifest(path.resolve(values.data));
  if (manifest.dialect === 'postgres') {
    if (!values.database)
      throw new Error('this data set is on PostgreSQL: pass --database <its url>');
    runDatabase = values.database.replace(/\/([^/?]+)(\?|$)/, '/$1_run$2');
    log(`Copying the data set ${values.database.replace(/\/\/[^@]*@/, '//')} …`);
    await recreatePgDatabase(runDatabase, values.database);
  } else {
    log(`Copying the data set in ${values.data} …`);
    copySqliteDataSet(path.resolve(values.data), workDir);
  }
} else {
  runDatabase = values.database;
  if (runDatabase) await recreatePgDatabase(runDatabase);
  const config = loadConfig({
    DATA_DIR: workDir,
    SECRET: 'b'.repeat(40),
    LOG_LEVEL: 'silent',
    ...(runDatabase ? { DATABASE_URL: runDatabase } : {})
  });
  const db = openDatabase({ dialect: config.dialect, databaseUrl: config.databaseUrl });
  await migrateToLatest(db.kysely);
  manifest = (
    await makeDataSet(
      db,
      {
        groups: num(values.groups),
        memberships: num(values.members),
        users: num(values.users),
        events: num(values.events),
        seed: num(values.seed),
        healthMembers: num(values['health-members']),
        healthMeetings: num(values['health-meetings'])
      },
      log
    )
  ).manifest;
  await db.close();
}
if (manifest.day !== new Date().toISOString().slice(0, 10)) {
  log(
    `Note: the data set was made on ${manifest.day}; its meeting times are relative to that day, so fewer meetings are upcoming now.`
  );
}
if (nodes > 1 && manifest.dialect !== 'postgres') {
  throw new Error('--nodes above 1 needs a PostgreSQL data set (--database)');
}
const config = loadConfig({
  DATA_DIR: workDir,
  SECRET: 'b'.repeat(40),
  LOG_LEVEL: 'silent',
  ...(runDatabase ? { DATABASE_URL: runDatabase } : {})
});
const db = openDatabase({ dialect: config.dialect, databaseUrl: config.databaseUrl });
await migrateToLatest(db.kysely);

// 2. What the scenarios request, read back from the data.
const bySize = await groupsBySize(db);
const publicGroups = bySize.filter((g) => g.visibility === 'public');
// Meeting pages: the next published meeting of 50 public groups at log-spaced size ranks, from
// the largest group to the smallest, taken in turn (anonymous visitors).
const ranks = [
  ...new Set(
    Array.from(
      { length: 50 },
      (_, i) => Math.round(Math.pow(Math.max(1, publicGroups.length), i / 49)) - 1
    )
  )
];
const sample: (GeneratedGroup & { nextEventId: string })[] = [];
for (const rank of ranks) {
  for (let r = rank; r < publicGroups.length; r++) {
    const group = publicGroups[r];
    if (!group) break;
    const withNext = await withNextMeeting(db, group);
    if (withNext.nextEventId !== null && !sample.some((s) => s.id === withNext.id)) {
      sample.push({ ...withNext, nextEventId: withNext.nextEventId });
      break;
    }
  }
}
const eventApiPaths = sample.map((g) => `/api/v1/events/${g.nextEventId}`);
const eventPagePaths = sample.map((g) => `/groups/${g.slug}/events/${g.nextEventId}`);
const groupApiPaths = sample.map((g) => `/api/v1/groups/${g.slug}`);
const groupPagePaths = sample.map((g) => `/groups/${g.slug}`);

// The storm group: the largest public group. Its members get write tokens before the server starts.
const stormRequests = num(values['storm-requests']);
const stormSeats = num(values['storm-seats']);
const stormGroup = publicGroups[0];
if (!stormGroup || stormGroup.memberCount < stormRequests) {
  throw new Error(`RSVP storm: no public group with ${stormRequests} members`);
}
const stormUsers = await membersOf(db, stormGroup, stormRequests);
const secrets = await db.kysely.transaction().execute(async (trx) => {
  const made: string[] = [];
  for (const userId of stormUsers) {
    const { secret } = await createToken({ ...db, kysely: trx }, userId, {
      name: 'bench',
      scope: 'write'
    });
    made.push(secret);
  }
  return made;
});
const health =
  manifest.health && wanted('health') ? await prepareHealthBench(db, manifest.health, log) : null;

// What the set-up wrote (tokens, the incremental rollup) goes into the database file, so the
// server does not start by reading a long write-ahead log, as no server restarting in production
// would have to.
db.sqlite?.pragma('wal_checkpoint(TRUNCATE)');

// 3. The floor and the server, each in its own process.
const floor = await startFloor(
  manifest.dialect === 'sqlite' ? path.join(workDir, 'guildhall.db') : null
);
const webBuild = path.resolve('build', 'handler.js');
const webBuiltAt = existsSync(webBuild) ? statSync(webBuild).mtime.toISOString() : null;
if (!webBuiltAt) log('No web build (npm run build): pages are not measured.');
log(`Starting guildhall (${nodes} app process${nodes > 1 ? 'es' : ''})…`);
const server = await startServer({
  DATA_DIR: workDir,
  SECRET: 'b'.repeat(40),
  ...(runDatabase ? { DATABASE_URL: runDatabase } : {}),
  ...(nodes > 1 ? { WORKERS: String(nodes) } : {}),
  ...(values['node-options'] ? { NODE_OPTIONS: values['node-options'] } : {})
});
const base = server.base;
const startRssMiB = server.rssMiB();
// A server starts every periodic job at once (the health rollup catches up, reminders are
// planned, …): "idle" is once its queue has been empty for two readings a second apart.
const settledMs = await jobsSettled(base);
await new Promise((r) => setTimeout(r, 3000));
const idleRssMiB = server.rssMiB();
log(
  `  up in ${server.startupMs} ms (RSS ${startRssMiB} MiB); start-up jobs done ${settledMs} ms later; idle RSS ${idleRssMiB} MiB`
);

// 4. Load.
const [, , munichLat, munichLng] = CITIES[0] ?? ['', '', 48.137, 11.575];
const rows: Row[] = [];
rows.push(await measure('floor: bare Fastify, 20 rows from SQLite', floor.url, ['/floor']));
const isHtml = async (p: string) => {
  const res = await fetch(`${base}${p}`);
  await res.arrayBuffer();
  return res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/html');
};
if (wanted('home') && webBuiltAt && (await isHtml('/')))
  rows.push(await measure('home page (HTML)', base, ['/']));
if (wanted('search')) {
  rows.push(
    await measure('group search: text + tag + 50 km radius', base, [
      `/api/v1/groups?q=cloud&tags=kubernetes&lat=${munichLat}&lng=${munichLng}&radiusKm=50`
    ])
  );
  // 100 different searches (a word, a tag, a city), each asked over and over in turn: what the
  // kept matches save once each text and tag was asked, and what the first asking costs.
  const words = ['cloud', 'data', 'platform', 'security', 'python', 'meetup', 'guild', 'talks'];
  const variedSearches = Array.from({ length: 100 }, (_, i) => {
    const [, , lat, lng] = CITIES[i % CITIES.length] ?? CITIES[0] ?? ['', '', 0, 0];
    const tag = TAGS[(i * 7) % TAGS.length] ?? 'kubernetes';
    const word = words[i % words.length] ?? 'cloud';
    return `/api/v1/groups?q=${word}&tags=${tag}&lat=${lat}&lng=${lng}&radiusKm=50`;
  });
  rows.push(await measure('group search: 100 different text + tag + radius', base, variedSearches));
  rows.push(
    await measure('group search: tag only, by members', base, [
      '/api/v1/groups?tags=azure&sort=members'
    ])
  );
}
if (wanted('group')) {
  rows.push(await measure('group page (JSON)', base, groupApiPaths));
  if (webBuiltAt && (await isHtml(groupPagePaths[0] ?? '/'))) {
    rows.push(await measure('group page (HTML)', base, groupPagePaths));
  }
}
if (wanted('event')) {
  rows.push(await measure('event page (JSON)', base, eventApiPaths));
  if (webBuiltAt && (await isHtml(eventPagePaths[0] ?? '/'))) {
    rows.push(await measure('event page (HTML)', base, eventPagePaths));
  }
}
rows.push(await measure('health check', base, ['/healthz']));

if (health && wanted('health')) {
  const label = `${health.group.members.toLocaleString('en')} members, ${health.group.meetings} meetings`;
  const asOrganizer = { authorization: `Bearer ${health.token}` };
  rows.push(
    await measure(`health dashboard (JSON): ${label}`, base, [health.paths.dashboard], asOrganizer)
  );
  rows.push(
    await measure(`gone-quiet list (JSON): ${label}`, base, [health.paths.quiet], asOrganizer)
  );
  const page = await fetch(`${base}${health.paths.page}`, { headers: asOrganizer });
  await page.arrayBuffer();
  if (page.status === 200 && (page.headers.get('content-type') ?? '').startsWith('text/html')) {
    rows.push(
      await measure(`health dashboard (HTML): ${label}`, base, [health.paths.page], asOrganizer)
    );
  }
}

// The RSVP storm: a fresh meeting with `seats` seats in the largest public group; `requests`
// distinct members, each with their own write token, say "going" all at once.
const waiting = stormRequests - stormSeats;
let storm: Awaited<ReturnType<typeof rsvpStorm>> | undefined;
let stormFloorRun: Awaited<ReturnType<typeof stormFloor>> | undefined;
if (wanted('rsvp')) {
  // First the same burst against the bare PUT of the floor process: what this machine allows.
  log('Storm floor…');
  stormFloorRun = await stormFloor(floor.url, stormRequests);
  rows.push({
    scenario: `floor: bare Fastify PUT, ${stormRequests} at once`,
    requestsPerSecond: Math.round(stormRequests / (stormFloorRun.totalMs / 1000)),
    p50Ms: stormFloorRun.p50Ms,
    p99Ms: stormFloorRun.p99Ms,
    errors: stormFloorRun.errors,
    non2xx: 0
  });
  log('RSVP storm…');
  storm = await rsvpStorm(db, base, stormGroup, secrets, stormSeats);
  rows.push({
    scenario: `RSVP storm: ${stormRequests} at once for ${stormSeats} seats`,
    requestsPerSecond: Math.round(stormRequests / (storm.totalMs / 1000)),
    p50Ms: storm.p50Ms,
    p99Ms: storm.p99Ms,
    errors: storm.errors,
    non2xx: 0
  });
}

// The vote storm: the first `vote-voters` of the same members each fire 5 votes at once with a
// budget of 3.
let votes: Awaited<ReturnType<typeof voteStorm>> | undefined;
if (wanted('vote')) {
  log('Vote storm…');
  votes = await voteStorm(db, base, stormGroup, secrets.slice(0, num(values['vote-voters'])));
  rows.push({
    scenario: `vote storm: ${votes.voters} members × ${votes.attempts} votes at once, budget ${votes.budget}`,
    requestsPerSecond: Math.round((votes.voters * votes.attempts) / (votes.totalMs / 1000)),
    p50Ms: votes.p50Ms,
    p99Ms: votes.p99Ms,
    errors: votes.errors,
    non2xx: 0
  });
}

// The room fan-out: thousands of streams watch one live room while members answer its poll.
let fanout: Awaited<ReturnType<typeof roomFanout>> | undefined;
if (wanted('room')) {
  log('Room fan-out…');
  fanout = await roomFanout(db, base, stormGroup, stormUsers.slice(0, 21), {
    clients: num(values['room-clients']),
    serverRssMiB: () => server.rssMiB()
  });
  rows.push({
    scenario: `room fan-out: one vote to ${fanout.connected} SSE clients (req/s: deliveries/s at p50)`,
    requestsPerSecond: Math.round(fanout.connected / (Math.max(1, fanout.p50Ms) / 1000)),
    p50Ms: fanout.p50Ms,
    p99Ms: fanout.p99Ms,
    errors: fanout.lost,
    non2xx: 0
  });
}

await new Promise((r) => setTimeout(r, 3000));
const afterRssMiB = server.rssMiB();
const peakRssMiB = server.peakRssMiB();

// 5. Report.
const floorRow = rows[0];
const g = manifest.rows;
console.log(
  `\nGuildhall benchmark — ${manifest.dialect}${nodes > 1 ? ` with ${nodes} app processes` : ''}: ${manifest.options.groups.toLocaleString('en')} groups, ${(g.memberships ?? 0).toLocaleString('en')} memberships, ${(g.users ?? 0).toLocaleString('en')} people, ${(g.events ?? 0).toLocaleString('en')} meetings, ${(g.rsvps ?? 0).toLocaleString('en')} RSVPs; ${values.connections} connections × ${values.duration} s`
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
  `Group and event pages: the next meeting of ${sample.length} public groups (sizes ${sample.at(-1)?.memberCount ?? 0}–${sample[0]?.memberCount ?? 0} members), in turn, as an anonymous visitor.${webBuiltAt ? ` Web build ${webBuiltAt}.` : ''}`
);
if (storm)
  console.log(
    `RSVP storm: ${stormRequests} members of ${stormGroup.slug} (${stormGroup.memberCount} members), one PUT each, all in flight at once; done in ${storm.totalMs} ms (slowest ${storm.maxMs} ms).\n` +
      `  afterwards: going ${storm.going}, waitlisted ${storm.waitlisted} (queue ${storm.waitlistQueue.first}–${storm.waitlistQueue.last}, ${storm.waitlistQueue.distinct} distinct), not going ${storm.notGoing}, errors ${storm.errors}; ` +
      `event row: ${storm.goingSeats} seats taken, ${storm.waitlistCount} waiting; answers told ${storm.toldGoing} going, ${storm.toldWaitlisted} waitlisted — ` +
      (storm.exact
        ? 'exact'
        : `NOT EXACT (expected ${stormSeats} going, ${waiting} waitlisted, 0 errors)`) +
      (stormFloorRun
        ? `\n  the same burst against a bare Fastify PUT (one row written, no auth): done in ${stormFloorRun.totalMs} ms, p99 ${stormFloorRun.p99Ms} ms; the storm's p99 is ${(storm.p99Ms / Math.max(1, stormFloorRun.p99Ms)).toFixed(1)}× that`
        : '')
  );
if (votes)
  console.log(
    `Vote storm: ${votes.voters} members, ${votes.attempts} votes each on ${votes.attempts} topics, all in flight at once, budget ${votes.budget}; done in ${votes.totalMs} ms (slowest ${votes.maxMs} ms).\n` +
      `  afterwards: ${votes.accepted} accepted, ${votes.refusedOverBudget} refused over budget, ${votes.errors} errors; ${votes.storedVotes} votes stored, ${votes.votersAtBudget} members at exactly ${votes.budget} — ` +
      (votes.exact ? 'exact' : 'NOT EXACT')
  );
if (fanout)
  console.log(
    `Room fan-out: ${fanout.connected} of ${fanout.clients} Server-Sent Event streams on one meeting room (connected in ${fanout.connectMs} ms, clients in a child process); ${fanout.votes} members answered its live poll one after another.\n` +
      `  delay from sending a vote to its arrival at each stream: p50 ${fanout.p50Ms} ms, p99 ${fanout.p99Ms} ms, max ${fanout.maxMs} ms over ${fanout.deliveries} deliveries, ${fanout.lost} lost; ` +
      `server memory ${fanout.rssBeforeMiB} → ${fanout.rssAfterMiB} MiB RSS with the streams open`
  );
if (health && wanted('health')) {
  console.log(
    `Health: ${health.group.slug} with ${health.group.members} members and ${health.group.meetings} past meetings; first rollup (made with the data set, all history) ${health.firstRollupMs} ms, ` +
      `incremental rollup ${health.secondRollupMs} ms (${health.secondRollup.members} member rows); the group's aggregates: ${health.aggregates.signals} signal rows, ${health.aggregates.members} members (${health.aggregates.quiet} gone quiet).`
  );
}
console.log(
  `Server: start-up ${server.startupMs} ms (process start, migrations check, app build, listen), then ${settledMs} ms until the start-up jobs were done; RSS at start ${startRssMiB} MiB, idle after the start-up jobs ${idleRssMiB} MiB, after the load ${afterRssMiB} MiB, peak ${peakRssMiB} MiB. Data set made in ${manifest.totalSeconds} s.`
);
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        dialect: manifest.dialect,
        nodes,
        dataSet: manifest,
        connections: num(values.connections),
        duration: num(values.duration),
        webBuiltAt,
        startupMs: server.startupMs,
        startupJobsMs: settledMs,
        rssMiB: {
          atStart: startRssMiB,
          idle: idleRssMiB,
          afterLoad: afterRssMiB,
          peak: peakRssMiB
        },
        rows,
        scenarios: [...only],
        storm: storm ?? null,
        stormFloor: stormFloorRun ?? null,
        voteStorm: votes ?? null,
        roomFanout: fanout ?? null,
        health: health && {
          slug: health.group.slug,
          firstRollupMs: health.firstRollupMs,
          secondRollupMs: health.secondRollupMs,
          secondRollup: health.secondRollup,
          aggregates: health.aggregates
        }
      },
      null,
      2
    )
  );
  console.log(`JSON written to ${values.json}`);
}

await server.stop();
floor.stop();
await db.close();
if (values.data && runDatabase) await dropPgDatabase(runDatabase);
rmSync(workDir, { recursive: true, force: true });
if (storm && !storm.exact) {
  console.error('RSVP storm: counts are not exact — failing the bench.');
  process.exitCode = 1;
}
if (fanout && (fanout.lost > 0 || fanout.connected < fanout.clients)) {
  console.error('Room fan-out: a stream did not connect or missed a vote — failing the bench.');
  process.exitCode = 1;
}
if (votes && !votes.exact) {
  console.error('Vote storm: a member went over budget or a vote was lost — failing the bench.');
  process.exitCode = 1;
}
