// `npm run bench`: generates a data set, starts Guildhall on it, drives it over loopback with
// autocannon and prints requests/s, p50 and p99 per scenario, each also as a ratio to a floor (a
// bare Fastify route returning 20 rows from the same SQLite file). Last comes an RSVP storm: many
// members say "going" to one meeting at the same moment; the seat and waitlist counts afterwards
// must be exact, or the bench fails. Then a vote storm: members fire more votes than their
// budget at once; each must end with exactly their budget (scripts/bench/vote-storm.ts). Community
// health (scripts/bench/health.ts): one more group with 50,000 members and 500 past meetings, the
// rollup timed twice (first run over all history, then incremental), and its dashboard, gone-quiet
// list and dashboard page driven as an organizer. `--json file` keeps the numbers.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import { createToken } from '../../src/services/token.service.ts';
import { CITIES, generate, type GeneratedGroup, memberIds } from './generate.ts';
import { prepareHealthBench } from './health.ts';
import { roomFanout } from './room-fanout.ts';
import { rsvpStorm } from './rsvp-storm.ts';
import { voteStorm } from './vote-storm.ts';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '100000' },
    memberships: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '50000' },
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'storm-requests': { type: 'string', default: '2000' },
    'storm-seats': { type: 'string', default: '100' },
    'vote-voters': { type: 'string', default: '1000' },
    'room-clients': { type: 'string', default: '2000' },
    'health-members': { type: 'string', default: '50000' },
    'health-meetings': { type: 'string', default: '500' },
    'web-build': { type: 'string', default: 'build' },
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
  events: num(values.events),
  seed: num(values.seed)
};
console.log(
  `Generating ${options.groups} groups, ~${options.memberships} memberships, ${options.users} users, ${options.events} events on ${config.dialect}…`
);
let t0 = performance.now();
const generated = await generate(db, {
  ...options,
  log: (line) => {
    console.log(line);
  }
});
const generateSeconds = (performance.now() - t0) / 1000;
const { groupSlugs, rows: generatedRows } = generated;
console.log(`Generated in ${generateSeconds.toFixed(1)} s.`);

// Community health: one more group with a long history, then the rollup (first run: all
// history of the whole instance; second run: incremental).
const healthMembers = Math.min(num(values['health-members']), options.users);
console.log(
  `Health: a group with ${healthMembers} members and ${values['health-meetings']} past meetings, then the rollup twice…`
);
const health = await prepareHealthBench(db, {
  members: healthMembers,
  meetings: num(values['health-meetings']),
  seed: options.seed,
  log: (line) => {
    console.log(line);
  }
});

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

// The web pages come from the SvelteKit build (`npm run build`), mounted as `npm start` does.
const webBuildDir = path.resolve(values['web-build']);
const webHandler = path.join(webBuildDir, 'handler.js');
const webBuiltAt = existsSync(webHandler) ? statSync(webHandler).mtime.toISOString() : null;

t0 = performance.now();
const queue = createJobQueue(db, { databaseUrl: config.databaseUrl, logger });
const { app } = await buildApp({ config, db, queue, logger, webBuildDir });
// The storm opens thousands of connections at once: a listen backlog that holds them all.
await app.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
const startupMs = Math.round(performance.now() - t0);
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

// Meeting pages: the next published meeting of 50 public groups at log-spaced size ranks, from
// the largest group to the smallest, taken in turn (anonymous visitors).
const publicWithMeeting = generated.groups.filter(
  (g): g is GeneratedGroup & { nextEventId: string } =>
    g.visibility === 'public' && g.nextEventId !== null
);
const sample = [
  ...new Set(
    Array.from(
      { length: 50 },
      (_, i) => Math.round(Math.pow(Math.max(1, publicWithMeeting.length), i / 49)) - 1
    )
  )
]
  .map((rank) => publicWithMeeting[rank])
  .filter((g) => g !== undefined);
const eventApiPaths = sample.map((g) => `/api/v1/events/${g.nextEventId}`);
const eventPagePaths = sample.map((g) => `/groups/${g.slug}/events/${g.nextEventId}`);

/** Which HTML page can be measured: the meeting page, else the group page (labelled so). */
async function htmlScenario(): Promise<{ label: string; paths: string[] } | null> {
  if (!webBuiltAt || eventPagePaths.length === 0) return null;
  const isPage = async (p: string) => {
    const res = await fetch(`${base}${p}`);
    await res.arrayBuffer();
    return res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/html');
  };
  if (await isPage(eventPagePaths[0] ?? '/')) {
    return { label: 'event page (HTML)', paths: eventPagePaths };
  }
  const groupPages = sample.map((g) => `/groups/${g.slug}`);
  if (await isPage(groupPages[0] ?? '/')) {
    return { label: 'group page (HTML) — no event page in build', paths: groupPages };
  }
  return null;
}

const [, , munichLat, munichLng] = CITIES[0] ?? ['', '', 48.137, 11.575];
const rows: Row[] = [];
if (floorDb)
  rows.push(await measure('floor: bare Fastify, 20 rows from SQLite', floorUrl, ['/floor']));
rows.push(
  await measure('group search: text + tag + 50 km radius', base, [
    `/api/v1/groups?q=cloud&tags=kubernetes&lat=${munichLat}&lng=${munichLng}&radiusKm=50`
  ])
);
rows.push(
  await measure('group search: tag only, by members', base, [
    '/api/v1/groups?tags=azure&sort=members'
  ])
);
rows.push(
  await measure('group page (JSON)', base, [`/api/v1/groups/${groupSlugs[5] ?? 'group-5'}`])
);
rows.push(await measure('event page (JSON)', base, eventApiPaths));
const html = await htmlScenario();
if (html) rows.push(await measure(html.label, base, html.paths));
else console.log(`No web build in ${webBuildDir} (npm run build): no HTML page measured.`);
rows.push(await measure('health check', base, ['/healthz']));

// The health dashboard of the big group, as one of its organizers (read token).
const healthLabel = `${health.group.members.toLocaleString('en')} members, ${health.group.meetings} meetings`;
const asOrganizer = { authorization: `Bearer ${health.token}` };
rows.push(
  await measure(
    `health dashboard (JSON): ${healthLabel}`,
    base,
    [health.paths.dashboard],
    asOrganizer
  )
);
rows.push(
  await measure(`gone-quiet list (JSON): ${healthLabel}`, base, [health.paths.quiet], asOrganizer)
);
const healthPage = await fetch(`${base}${health.paths.page}`, { headers: asOrganizer });
await healthPage.arrayBuffer();
if (
  healthPage.status === 200 &&
  (healthPage.headers.get('content-type') ?? '').startsWith('text/html')
) {
  rows.push(
    await measure(`health dashboard (HTML): ${healthLabel}`, base, [health.paths.page], asOrganizer)
  );
} else {
  console.log(
    `Health page ${health.paths.page} answered ${healthPage.status}${webBuiltAt ? '' : ' (no web build)'}: not measured.`
  );
}

// The RSVP storm: a fresh meeting with `seats` seats in the largest public group; `requests`
// distinct members, each with their own write token, say "going" all at once.
const stormRequests = num(values['storm-requests']);
const stormSeats = num(values['storm-seats']);
const stormGroup = generated.groups
  .filter((g) => g.visibility === 'public')
  .reduce<GeneratedGroup | undefined>(
    (a, g) => (!a || g.memberCount > a.memberCount ? g : a),
    undefined
  );
if (!stormGroup || stormGroup.memberCount < stormRequests) {
  throw new Error(`RSVP storm: no public group with ${stormRequests} members`);
}
const stormUsers = memberIds(stormGroup, options.users, stormRequests);
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

const storm = await rsvpStorm(db, base, stormGroup, secrets, stormSeats);
const stormExact = storm.exact;
const waiting = stormRequests - stormSeats;
rows.push({
  scenario: `RSVP storm: ${stormRequests} at once for ${stormSeats} seats`,
  requestsPerSecond: Math.round(stormRequests / (storm.totalMs / 1000)),
  p50Ms: storm.p50Ms,
  p99Ms: storm.p99Ms,
  errors: storm.errors,
  non2xx: 0
});

// The vote storm: the first `vote-voters` of the same members each fire 5 votes at once with a
// budget of 3.
const votes = await voteStorm(db, base, stormGroup, secrets.slice(0, num(values['vote-voters'])));

// The room fan-out: thousands of streams watch one live room while members answer its poll.
const fanout = await roomFanout(db, base, stormGroup, stormUsers.slice(0, 21), {
  clients: num(values['room-clients'])
});
rows.push({
  scenario: `vote storm: ${votes.voters} members × ${votes.attempts} votes at once, budget ${votes.budget}`,
  requestsPerSecond: Math.round((votes.voters * votes.attempts) / (votes.totalMs / 1000)),
  p50Ms: votes.p50Ms,
  p99Ms: votes.p99Ms,
  errors: votes.errors,
  non2xx: 0
});

rows.push({
  scenario: `room fan-out: one vote to ${fanout.connected} SSE clients (req/s: deliveries/s at p50)`,
  requestsPerSecond: Math.round(fanout.connected / (Math.max(1, fanout.p50Ms) / 1000)),
  p50Ms: fanout.p50Ms,
  p99Ms: fanout.p99Ms,
  errors: fanout.lost,
  non2xx: 0
});

const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
const floorRow = rows.find((r) => r.scenario.startsWith('floor'));
console.log(
  `\nGuildhall benchmark — ${config.dialect}, ${options.groups} groups, ${generatedRows.memberships} memberships, ${generatedRows.events} events, ${generatedRows.rsvps} RSVPs; ${values.connections} connections × ${values.duration} s`
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
  `Event pages: the next meeting of ${sample.length} public groups (sizes ${sample.at(-1)?.memberCount ?? 0}–${sample[0]?.memberCount ?? 0} members), in turn, as an anonymous visitor.${webBuiltAt ? ` Web build ${webBuiltAt}.` : ''}`
);
console.log(
  `RSVP storm: ${stormRequests} members of ${stormGroup.slug} (${stormGroup.memberCount} members), one PUT each, all in flight at once; done in ${storm.totalMs} ms (slowest ${storm.maxMs} ms).\n` +
    `  afterwards: going ${storm.going}, waitlisted ${storm.waitlisted} (queue ${storm.waitlistQueue.first}–${storm.waitlistQueue.last}, ${storm.waitlistQueue.distinct} distinct), not going ${storm.notGoing}, errors ${storm.errors}; ` +
    `event row: ${storm.goingSeats} seats taken, ${storm.waitlistCount} waiting; answers told ${storm.toldGoing} going, ${storm.toldWaitlisted} waitlisted — ` +
    (stormExact
      ? 'exact'
      : `NOT EXACT (expected ${stormSeats} going, ${waiting} waitlisted, 0 errors)`)
);
console.log(
  `Vote storm: ${votes.voters} members, ${votes.attempts} votes each on ${votes.attempts} topics, all in flight at once, budget ${votes.budget}; done in ${votes.totalMs} ms (slowest ${votes.maxMs} ms).\n` +
    `  afterwards: ${votes.accepted} accepted, ${votes.refusedOverBudget} refused over budget, ${votes.errors} errors; ${votes.storedVotes} votes stored, ${votes.votersAtBudget} members at exactly ${votes.budget} — ` +
    (votes.exact ? 'exact' : 'NOT EXACT')
);
console.log(
  `Room fan-out: ${fanout.connected} of ${fanout.clients} Server-Sent Event streams on one meeting room (connected in ${fanout.connectMs} ms, clients in a child process); ${fanout.votes} members answered its live poll one after another.\n` +
    `  delay from sending a vote to its arrival at each stream: p50 ${fanout.p50Ms} ms, p99 ${fanout.p99Ms} ms, max ${fanout.maxMs} ms over ${fanout.deliveries} deliveries, ${fanout.lost} lost; ` +
    `server memory ${fanout.rssBeforeMiB} → ${fanout.rssAfterMiB} MiB RSS, heap +${fanout.heapUsedDeltaMiB} MiB with the streams open`
);
console.log(
  `Health: ${health.group.slug} with ${health.group.members} members and ${health.group.meetings} past meetings over ten years, generated in ${health.group.seconds.toFixed(1)} s ` +
    `(${Object.entries(health.group.rows)
      .map(([table, n]) => `${n} ${table}`)
      .join(', ')}).\n` +
    `  rollup: first run (all history, all ${options.groups + 1} groups) ${health.firstRollupMs} ms (${health.firstRollup.signals} signal rows, ${health.firstRollup.meetings} meetings, ${health.firstRollup.members} member rows); ` +
    `second run (incremental from ${health.secondRollup.from}) ${health.secondRollupMs} ms (${health.secondRollup.members} member rows).\n` +
    `  the group's aggregates: ${health.aggregates.signals} signal rows, ${health.aggregates.days} days, ${health.aggregates.meetings} meetings, ${health.aggregates.members} members (${health.aggregates.quiet} gone quiet). Requests as an organizer with a read token.`
);
console.log(
  `generation ${generateSeconds.toFixed(1)} s, start-up ${startupMs} ms (app build + listen), peak RSS ${rss} MiB (one process: generator, floor and app)`
);
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        dialect: config.dialect,
        options: {
          ...options,
          connections: num(values.connections),
          duration: num(values.duration)
        },
        generated: {
          rows: generatedRows,
          seconds: generated.seconds,
          totalSeconds: generateSeconds
        },
        webBuiltAt,
        startupMs,
        rssMiB: rss,
        rows,
        storm: { ...storm, exact: stormExact },
        voteStorm: votes,
        roomFanout: fanout,
        health: {
          slug: health.group.slug,
          members: health.group.members,
          meetings: health.group.meetings,
          rows: health.group.rows,
          generateSeconds: health.group.seconds,
          firstRollupMs: health.firstRollupMs,
          secondRollupMs: health.secondRollupMs,
          firstRollup: health.firstRollup,
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

await app.close();
await floor.close();
await queue.stop();
await db.close();
await floorDb?.close();
rmSync(dataDir, { recursive: true, force: true });
if (!stormExact) {
  console.error('RSVP storm: counts are not exact — failing the bench.');
  process.exitCode = 1;
}
if (fanout.lost > 0 || fanout.connected < fanout.clients) {
  console.error('Room fan-out: a stream did not connect or missed a vote — failing the bench.');
  process.exitCode = 1;
}
if (!votes.exact) {
  console.error('Vote storm: a member went over budget or a vote was lost — failing the bench.');
  process.exitCode = 1;
}
