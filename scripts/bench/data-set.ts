// A bench data set: an instance generated once (`npm run bench:data`) and measured many times
// (`npm run bench -- --data dir`). The data lives in a SQLite file in the data directory or in a
// PostgreSQL database; `bench-data.json` beside it records how it was made. The bench never runs
// on the data set itself (its scenarios write): it works on a copy.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../../src/db/database.ts';
import { generateActivity } from './generate-activity.ts';
import { generate, type GeneratedGroup } from './generate.ts';
import { generateHealthData, type HealthData } from './health.ts';

export interface DataSetOptions {
  groups: number;
  /** Memberships over all groups (Zipf-like group sizes). */
  memberships: number;
  users: number;
  events: number;
  seed: number;
  /** The health group: members and past meetings (0 members: no health group). */
  healthMembers: number;
  healthMeetings: number;
}

/** `bench-data.json`: how a data set was made and what it holds. */
export interface Manifest {
  version: 1;
  dialect: 'sqlite' | 'postgres';
  /** The UTC day the data was made: meeting times are relative to it. */
  day: string;
  options: DataSetOptions;
  rows: Record<string, number>;
  seconds: Record<string, number>;
  totalSeconds: number;
  health: HealthData | null;
}

export const MANIFEST = 'bench-data.json';

/**
 * Fills an empty, migrated database: the instance (generate.ts), what members do around the
 * meetings (generate-activity.ts) and the health group with its first rollup (health.ts).
 *
 * @example
 * const manifest = await makeDataSet(db, options, console.log);
 */
export async function makeDataSet(
  db: Db,
  options: DataSetOptions,
  log: (line: string) => void
): Promise<{ manifest: Manifest; groups: GeneratedGroup[] }> {
  const t0 = performance.now();
  log(
    `Generating ${options.groups.toLocaleString('en')} groups, ~${options.memberships.toLocaleString('en')} memberships, ${options.users.toLocaleString('en')} people, ${options.events.toLocaleString('en')} meetings on ${db.dialect}…`
  );
  const generated = await generate(db, { ...options, log });
  const cacheSize: unknown = db.sqlite?.pragma('cache_size', { simple: true });
  db.sqlite?.pragma('cache_size = -524288');
  const activity = await generateActivity(db, generated.groups, {
    users: options.users,
    seed: options.seed,
    log
  });
  db.sqlite?.pragma(`cache_size = ${Number(cacheSize)}`);
  let health: HealthData | null = null;
  if (options.healthMembers > 0) {
    const members = Math.min(options.healthMembers, options.users);
    log(
      `Health: a group with ${members.toLocaleString('en')} members and ${options.healthMeetings} past meetings, then the first rollup…`
    );
    health = await generateHealthData(db, {
      members,
      meetings: options.healthMeetings,
      seed: options.seed,
      log
    });
  }
  await sql`analyze`.execute(db.kysely);
  db.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
  const manifest: Manifest = {
    version: 1,
    dialect: db.dialect,
    day: new Date().toISOString().slice(0, 10),
    options,
    rows: { ...generated.rows, ...activity },
    seconds: generated.seconds,
    totalSeconds: Math.round((performance.now() - t0) / 100) / 10,
    health
  };
  return { manifest, groups: generated.groups };
}

export function writeManifest(dir: string, manifest: Manifest): void {
  writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file)) {
    throw new Error(
      `${file} not found: make a data set first (npm run bench:data -- --out ${dir})`
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** Copies a SQLite data set (checkpointed: the database file alone) into `toDir`. */
export function copySqliteDataSet(fromDir: string, toDir: string): void {
  copyFileSync(path.join(fromDir, 'guildhall.db'), path.join(toDir, 'guildhall.db'));
}

/** The server's URL and the database name of a PostgreSQL connection string. */
function splitPgUrl(url: string): { admin: string; name: string } {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[\w-]{1,63}$/.test(name)) throw new Error(`unsupported database name in ${url}`);
  parsed.pathname = '/postgres';
  return { admin: parsed.toString(), name };
}

/**
 * Creates the database of `url` afresh (dropping it if it exists), optionally as a copy of
 * `template` (PostgreSQL copies the files: much faster than loading the rows again).
 */
export async function recreatePgDatabase(url: string, template?: string): Promise<void> {
  const { admin, name } = splitPgUrl(url);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    const from = template ? ` template "${splitPgUrl(template).name}"` : '';
    await client.query(`create database "${name}"${from}`);
  } finally {
    await client.end();
  }
}

/** Drops the database of `url` (the bench's working copy). */
export async function dropPgDatabase(url: string): Promise<void> {
  const { admin, name } = splitPgUrl(url);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

/** What a scenario needs to know about a group, read back from the data set. */
export async function groupsBySize(db: Db): Promise<GeneratedGroup[]> {
  const rows = await db.kysely
    .selectFrom('groups')
    .leftJoin('venues', (j) =>
      j
        .onRef('venues.group_id', '=', 'groups.id')
        .on('venues.archived', '=', db.dialect === 'sqlite' ? 0 : false)
    )
    .select([
      'groups.id',
      'groups.slug',
      'groups.visibility',
      'groups.member_count',
      'groups.time_zone',
      'groups.created_by',
      'groups.kind',
      'venues.id as venue_id'
    ])
    .where('groups.slug', 'like', 'group-%')
    .orderBy('groups.member_count', 'desc')
    .orderBy('groups.id')
    .execute();
  const seen = new Set<string>();
  const groups: GeneratedGroup[] = [];
  for (const r of rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    groups.push({
      id: r.id,
      slug: r.slug,
      visibility: r.visibility,
      memberCount: r.member_count,
      memberStart: 0,
      venueId: r.venue_id,
      timeZone: r.time_zone,
      createdBy: r.created_by ?? '',
      nextEventId: null,
      nextEventStartsMs: null,
      kind: r.kind === 'practice' ? 'practice' : 'meetup'
    });
  }
  return groups;
}

/** The next published meeting of `group`, filled into it (null when it has none). */
export async function withNextMeeting(db: Db, group: GeneratedGroup): Promise<GeneratedGroup> {
  const next = await db.kysely
    .selectFrom('events')
    .select(['id', 'starts_at'])
    .where('group_id', '=', group.id)
    .where('status', '=', 'published')
    .where('starts_at', '>', new Date().toISOString())
    .orderBy('starts_at')
    .limit(1)
    .executeTakeFirst();
  return {
    ...group,
    nextEventId: next?.id ?? null,
    nextEventStartsMs: next ? new Date(next.starts_at).getTime() : null
  };
}

/** The first `n` active members of `group` (owner and organizers first, as generated). */
export async function membersOf(db: Db, group: GeneratedGroup, n: number): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('memberships')
    .select('user_id')
    .where('group_id', '=', group.id)
    .where('status', '=', 'active')
    .orderBy('user_id')
    .limit(n)
    .execute();
  return rows.map((r) => r.user_id);
}
