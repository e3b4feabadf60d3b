// The EXPLAIN check: runs the hot paths' real SQL through PostgreSQL's planner and fails when a plan
// still reads a large table front to back.
//
//   node scripts/check-explain.ts --database postgres://user@host:5432/postgres [--json]
//
// It creates a scratch database next to the one named (dropped again at the end), migrates it,
// fills it with the benchmark generator at a small size and ANALYZEs it. Then it serves
// representative requests through the real app (search, group and event pages, RSVPs, my meetings,
// notifications, the board, topics, health, calendars, sessions and tokens) and the job reads,
// recording every statement Kysely sends with its parameters. Each distinct statement is then
// explained with `SET enable_seqscan = off`: on a few thousand rows the planner rightly prefers a
// sequential scan, so the plan on test data says nothing about the plan at scale; with sequential
// scans priced out, one that is still in the plan means no index can serve that query at all. The
// ANALYZE gives the planner realistic statistics for everything else (join order, which index).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config/config.ts';
import type { Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import { buildApp } from '../src/http/app.ts';
import { RecordingQueue } from '../src/test/recording-queue.ts';
import { createRealtime } from '../src/jobs/realtime.ts';
import { upsertVerifiedAccount } from '../src/services/account.service.ts';
import { pendingActivities } from '../src/services/activity/activity.service.ts';
import { createToken } from '../src/services/token.service.ts';
import { deliverDue } from '../src/services/webhook/webhook-delivery.ts';
import { generate, memberIds } from './bench/generate.ts';

/**
 * Tables that stay small whatever the instance's size (a row per instance, per migration, per
 * configured thing): a sequential scan of these is as good as an index.
 */
export const SMALL_TABLES: ReadonlySet<string> = new Set([
  'schema_migrations',
  'schema_migrations_lock',
  'instance_settings',
  'settings'
]);

/**
 * Sequential scans that are known and waiting for their fix, by a fragment of the statement: they
 * are printed as known but do not fail the check. Each entry must still occur (the check fails on
 * an entry that matches nothing), so a fix removes its entry in the same change.
 */
export const KNOWN_SEQ_SCANS: ReadonlyMap<string, string> = new Map<string, string>([]);

/** One statement the hot paths sent, and the first request that sent it. */
export interface HotQuery {
  /** The request or job that sent it first, e.g. `GET group page`. */
  source: string;
  sql: string;
  parameters: readonly unknown[];
}

/** A statement's plan and the large tables it scans sequentially. */
export interface ExplainResult extends HotQuery {
  plan: PlanNode;
  seqScans: string[];
  /** Why the sequential scan is accepted for now (see `KNOWN_SEQ_SCANS`), if it is. */
  known?: string;
  /** Large tables read whole in index order (see `fullIndexScans`): notes, not failures. */
  fullIndexScans: string[];
}

/** A node of PostgreSQL's `EXPLAIN (FORMAT JSON)` output (the fields this check reads). */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Alias?: string;
  'Index Cond'?: string;
  Filter?: string;
  'Total Cost'?: number;
  Plans?: PlanNode[];
  [field: string]: unknown;
}

/**
 * The large tables a plan reads with a sequential scan (each once, in plan order).
 *
 * @example
 * seqScans({ 'Node Type': 'Seq Scan', 'Relation Name': 'groups' }); // ['groups']
 */
export function seqScans(plan: PlanNode, small: ReadonlySet<string> = SMALL_TABLES): string[] {
  const found: string[] = [];
  const walk = (node: PlanNode) => {
    const table = node['Relation Name'];
    if (node['Node Type'] === 'Seq Scan' && table && !small.has(table) && !found.includes(table))
      found.push(table);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return found;
}

const BLOCKING = new Set(['Sort', 'Incremental Sort', 'Hash', 'Aggregate', 'Materialize', 'SetOp']);

/**
 * The large tables a plan reads whole through an index (no index condition, and no Limit that stops
 * the scan early): with sequential scans priced out, the planner may read a table in index order
 * instead, e.g. to build a hash join on small data. Reported as notes, not failures: on a few
 * thousand rows that is often the right plan, and at scale the same query switches to a nested
 * loop over the same index (compare with a plan on a large database before adding an index).
 *
 * @example
 * fullIndexScans({ 'Node Type': 'Index Scan', 'Relation Name': 'users', 'Index Name': 'users_pkey' });
 * // ['users']
 */
export function fullIndexScans(
  plan: PlanNode,
  small: ReadonlySet<string> = SMALL_TABLES
): string[] {
  const found: string[] = [];
  const walk = (node: PlanNode, limited: boolean) => {
    const type = node['Node Type'];
    const table = node['Relation Name'];
    if (
      (type === 'Index Scan' || type === 'Index Only Scan') &&
      !node['Index Cond'] &&
      !limited &&
      table &&
      !small.has(table) &&
      !found.includes(table)
    )
      found.push(table);
    const next = type === 'Limit' ? true : BLOCKING.has(type) ? false : limited;
    for (const child of node.Plans ?? []) walk(child, next);
  };
  walk(plan, false);
  return found;
}

/**
 * A plan as an indented tree, one node a line with its table, index and conditions.
 *
 * @example
 * formatPlan({ 'Node Type': 'Index Scan', 'Relation Name': 'groups', 'Index Name': 'groups_pkey' });
 * // 'Index Scan on groups using groups_pkey'
 */
export function formatPlan(plan: PlanNode, depth = 0): string {
  let line = `${'  '.repeat(depth)}${plan['Node Type']}`;
  if (plan['Relation Name']) line += ` on ${plan['Relation Name']}`;
  if (plan['Index Name']) line += ` using ${plan['Index Name']}`;
  if (plan['Index Cond']) line += ` [${plan['Index Cond']}]`;
  if (plan.Filter) line += ` filter ${plan.Filter}`;
  return [line, ...(plan.Plans ?? []).map((child) => formatPlan(child, depth + 1))].join('\n');
}

/** A queue that drops what services enqueue: the check is about the requests' own statements. */
const EXPLAINABLE = /^\s*(select|insert|update|delete|with)\b/i;
const PASSWORD = 'lantern-orchard-meadow-57';

/**
 * Serves the hot paths once against `db` (a migrated, generated PostgreSQL database at
 * `databaseUrl`) and returns every distinct statement they sent, in first-seen order.
 * `recorded` is the list the database's query log appends to.
 */
async function driveHotPaths(
  db: Db,
  databaseUrl: string,
  users: number,
  generated: Awaited<ReturnType<typeof generate>>,
  recorder: { source: string | null; queries: Map<string, HotQuery> },
  warn: (line: string) => void
): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-explain-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    BASE_URL: 'http://guildhall.test',
    NODE_ENV: 'test',
    SECRET: randomBytes(20).toString('hex')
  });
  const generous = { max: 100_000, windowMs: 60_000 };
  const { app, context } = await buildApp({
    config,
    db,
    queue: new RecordingQueue(),
    logger: pino({ level: 'silent' }),
    webBuildDir: false,
    realtime: await createRealtime({ dialect: 'postgres', databaseUrl }),
    limits: { signUp: generous, logIn: generous, recovery: generous }
  });
  try {
    await app.ready();
    // The busiest public group with a meeting ahead: its owner, a member and a signed-in visitor.
    const group = [...generated.groups]
      .filter((g) => g.visibility === 'public' && g.nextEventId !== null)
      .sort((a, b) => b.memberCount - a.memberCount)[0];
    if (!group?.nextEventId)
      throw new Error('the generated data has no public group with a meeting');
    const eventId = group.nextEventId;
    // The generator makes a group's first member its owner, the next two organizers.
    const [owner, , , member] = memberIds(group, users, 4);
    if (!owner || !member) throw new Error('the generated group has fewer than four members');
    const ownerToken = (await createToken(db, owner, { name: 'explain', scope: 'write' })).secret;
    const memberToken = (await createToken(db, member, { name: 'explain', scope: 'write' })).secret;
    await upsertVerifiedAccount(context.auth, db, {
      email: 'explain@example.com',
      name: 'Explain Visitor',
      password: PASSWORD
    });

    const call = async (
      source: string,
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      auth: { token?: string; cookie?: string } = {},
      body?: Record<string, unknown>
    ) => {
      recorder.source = source;
      const headers: Record<string, string> = {};
      if (auth.token) headers.authorization = `Bearer ${auth.token}`;
      if (auth.cookie) headers.cookie = auth.cookie;
      if (method !== 'GET') headers.origin = config.baseUrl;
      const res = await app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
      recorder.source = null;
      if (res.statusCode >= 300) warn(`${source}: ${method} ${url} answered ${res.statusCode}`);
      return res;
    };

    const logIn = await call(
      'POST log in',
      'POST',
      '/api/v1/auth/log-in',
      {},
      {
        email: 'explain@example.com',
        password: PASSWORD
      }
    );
    const session = logIn.cookies.find((c) => c.name.endsWith('session_token'));
    const cookie = session ? `${session.name}=${session.value}` : undefined;

    const munich = 'lat=48.137&lng=11.575';
    const g = `/api/v1/groups/${group.slug}`;
    const member_ = { token: memberToken };
    await call(
      'search text+tag+radius',
      'GET',
      `/api/v1/groups?q=cloud&tags=kubernetes&${munich}&radiusKm=50`
    );
    await call(
      'search text+tag+radius (signed in)',
      'GET',
      `/api/v1/groups?q=cloud&tags=kubernetes&${munich}&radiusKm=50`,
      member_
    );
    await call('search tag by members', 'GET', '/api/v1/groups?tags=azure&sort=members');
    await call('search text', 'GET', '/api/v1/groups?q=cloud');
    await call('search text by members', 'GET', '/api/v1/groups?q=cloud&sort=members');
    await call('search tag by name', 'GET', '/api/v1/groups?tags=azure&sort=name');
    await call('search near', 'GET', `/api/v1/groups?${munich}&radiusKm=25`);
    await call('search by name', 'GET', '/api/v1/groups?sort=name');
    await call('search text+radius', 'GET', `/api/v1/groups?q=cloud&${munich}&radiusKm=50`);
    await call('search tag+radius', 'GET', `/api/v1/groups?tags=kubernetes&${munich}&radiusKm=50`);
    await call('search all', 'GET', '/api/v1/groups');
    await call('group page', 'GET', g, member_);
    await call('group members', 'GET', `${g}/members`, member_);
    await call('upcoming meetings', 'GET', `${g}/events`, member_);
    await call('event page', 'GET', `/api/v1/events/${eventId}`, member_);
    await call('event attendees', 'GET', `/api/v1/events/${eventId}/attendees`, member_);
    await call('RSVP write', 'PUT', `/api/v1/events/${eventId}/rsvp`, member_, {
      status: 'going',
      guests: 0
    });
    await call('RSVP lookup', 'GET', `/api/v1/events/${eventId}/rsvp`, member_);
    await call('my meetings', 'GET', '/api/v1/me/events', member_);
    await call('my groups', 'GET', '/api/v1/me/groups', member_);
    await call('notifications', 'GET', '/api/v1/me/notifications', member_);
    await call('notifications unread', 'GET', '/api/v1/me/notifications/unread-count', member_);
    await call('board', 'GET', '/api/v1/me/board', member_);
    await call('group posts', 'GET', `${g}/posts`, member_);
    await call('topic list', 'GET', `${g}/topics`, member_);
    await call('voting round', 'GET', `${g}/rounds/current`, member_);
    await call('health dashboard', 'GET', `${g}/health`, { token: ownerToken });
    await call('group calendar', 'GET', `${g}/calendar.ics`);
    await call('group feed', 'GET', `${g}/events.atom`);
    if (cookie) {
      await call('session lookup', 'GET', '/api/v1/me', { cookie });
      const feed = await call('create calendar feed', 'POST', '/api/v1/me/calendar-feed', {
        cookie
      });
      const url = feed.json<{ url?: string }>().url;
      if (url) await call('personal calendar', 'GET', new URL(url).pathname);
    } else {
      warn('log-in set no session cookie: session and personal calendar paths not checked');
    }
    recorder.source = 'job: activity dispatch';
    await pendingActivities(db);
    recorder.source = 'job: webhook delivery claim';
    await deliverDue(db);
    recorder.source = null;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Sizes of the scratch data: big enough for realistic statistics, quick to generate. */
const SCRATCH = { groups: 400, memberships: 8_000, users: 3_000, events: 4_000, seed: 42 };

/**
 * The whole check on the PostgreSQL server of `serverUrl`: a scratch database, the hot paths'
 * statements, and each one's plan with sequential scans priced out. `ok` is false when any plan
 * still scans a large table sequentially.
 *
 * @example
 * const report = await checkExplain({ serverUrl: 'postgres://postgres@127.0.0.1:5432/postgres' });
 * if (!report.ok) process.exitCode = 1;
 */
export async function checkExplain(options: {
  serverUrl: string;
  log?: (line: string) => void;
}): Promise<{ ok: boolean; results: ExplainResult[]; warnings: string[] }> {
  const log = options.log ?? (() => undefined);
  const warnings: string[] = [];
  const name = `guildhall_explain_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: options.serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(options.serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  const recorder: { source: string | null; queries: Map<string, HotQuery> } = {
    source: null,
    queries: new Map()
  };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
  const kysely = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      const source = recorder.source;
      if (event.level !== 'query' || source === null) return;
      const { sql, parameters } = event.query;
      if (EXPLAINABLE.test(sql) && !recorder.queries.has(sql))
        recorder.queries.set(sql, { source, sql, parameters });
    }
  });
  const db: Db = { kysely, dialect: 'postgres', sqlite: undefined, close: () => kysely.destroy() };
  try {
    await migrateToLatest(kysely);
    log(`Generating ${SCRATCH.groups} groups, ${SCRATCH.events} meetings in ${name}…`);
    const generated = await generate(db, SCRATCH);
    await pool.query('ANALYZE');
    await driveHotPaths(db, databaseUrl, SCRATCH.users, generated, recorder, (line) => {
      warnings.push(line);
    });

    const results: ExplainResult[] = [];
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      for (const query of recorder.queries.values()) {
        const res = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `EXPLAIN (FORMAT JSON) ${query.sql}`,
          query.parameters as unknown[]
        );
        const plan = res.rows[0]?.['QUERY PLAN'][0].Plan;
        if (!plan) throw new Error(`no plan for ${query.sql}`);
        const scans = seqScans(plan);
        const known = [...KNOWN_SEQ_SCANS].find(([fragment]) => query.sql.includes(fragment));
        results.push({
          ...query,
          plan,
          seqScans: scans,
          ...(scans.length > 0 && known ? { known: known[1] } : {}),
          fullIndexScans: fullIndexScans(plan)
        });
      }
    } finally {
      client.release();
    }
    for (const fragment of KNOWN_SEQ_SCANS.keys()) {
      if (!results.some((r) => r.known !== undefined && r.sql.includes(fragment)))
        warnings.push(`known sequential scan no longer found, remove its entry: ${fragment}`);
    }
    const stale = warnings.some((w) => w.startsWith('known sequential scan no longer found'));
    const ok = !stale && results.every((r) => r.seqScans.length === 0 || r.known !== undefined);
    return { ok, results, warnings };
  } finally {
    await kysely.destroy();
    const cleanup = new pg.Client({ connectionString: options.serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { database: { type: 'string' }, json: { type: 'boolean', default: false } }
  });
  const serverUrl = values.database ?? process.env.DATABASE_URL;
  if (!serverUrl || !/^postgres(ql)?:\/\//.test(serverUrl)) {
    console.error('usage: node scripts/check-explain.ts --database postgres://user@host:5432/db');
    process.exitCode = 2;
    return;
  }
  const report = await checkExplain({
    serverUrl,
    log: (line) => {
      console.log(line);
    }
  });
  for (const r of report.results) {
    const verdict = r.seqScans.length
      ? r.known
        ? `  (known: Seq Scan on ${r.seqScans.join(', ')}: ${r.known})`
        : `  ✗ Seq Scan on ${r.seqScans.join(', ')}`
      : r.fullIndexScans.length
        ? `  (note: whole index read on ${r.fullIndexScans.join(', ')})`
        : '';
    console.log(`\n── ${r.source}${verdict}`);
    console.log(r.sql.replace(/\s+/g, ' '));
    console.log(values.json ? JSON.stringify(r.plan, null, 2) : formatPlan(r.plan));
  }
  for (const w of report.warnings) console.warn(`warning: ${w}`);
  const bad = report.results.filter((r) => r.seqScans.length > 0 && !r.known);
  console.log(
    `\n${report.results.length} statements explained, ${bad.length} with a sequential scan on a large table.`
  );
  if (!report.ok) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
