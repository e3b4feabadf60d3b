// Deterministic data for benchmarks: users, groups with Zipf-like sizes in real cities, tags,
// memberships, a venue per group, meetings (past and upcoming) and RSVPs, written in large batches
// inside one transaction per table. The same seed gives the same rows; meeting times are relative
// to the start of the current UTC day (RSVPs are only open for meetings that have not started).
import { markdownExcerpt } from '../../src/domain/markdown.ts';
import { type Insertable, sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { Database } from '../../src/db/schema.ts';
import { benchId, bulkInsert, checkInCode, DAY_MS, random, type Value } from './bulk.ts';

export {
  benchId,
  bulkInsert,
  checkInCode,
  DAY_MS,
  random,
  type PgType,
  type Value
} from './bulk.ts';

const excerpts = new Map<string, string>();
/** The stored excerpt, as the app makes it; descriptions repeat, so each is excerpted once. */
function excerptOf(description: string): string {
  let excerpt = excerpts.get(description);
  if (excerpt === undefined) {
    excerpt = markdownExcerpt(description);
    excerpts.set(description, excerpt);
  }
  return excerpt;
}

/** A few real cities with coordinates (WGS84); groups are scattered within ~20 km of them. */
export const CITIES: [name: string, country: string, lat: number, lng: number, zone: string][] = [
  ['München', 'DE', 48.137, 11.575, 'Europe/Berlin'],
  ['Hamburg', 'DE', 53.551, 9.994, 'Europe/Berlin'],
  ['Berlin', 'DE', 52.52, 13.405, 'Europe/Berlin'],
  ['Köln', 'DE', 50.938, 6.96, 'Europe/Berlin'],
  ['Frankfurt am Main', 'DE', 50.11, 8.682, 'Europe/Berlin'],
  ['Stuttgart', 'DE', 48.776, 9.183, 'Europe/Berlin'],
  ['Wien', 'AT', 48.208, 16.373, 'Europe/Vienna'],
  ['Zürich', 'CH', 47.377, 8.541, 'Europe/Zurich'],
  ['Amsterdam', 'NL', 52.368, 4.904, 'Europe/Amsterdam'],
  ['Paris', 'FR', 48.857, 2.352, 'Europe/Paris'],
  ['London', 'GB', 51.507, -0.128, 'Europe/London'],
  ['Madrid', 'ES', 40.417, -3.704, 'Europe/Madrid'],
  ['Stockholm', 'SE', 59.329, 18.069, 'Europe/Stockholm'],
  ['Warszawa', 'PL', 52.23, 21.012, 'Europe/Warsaw'],
  ['New York', 'US', 40.713, -74.006, 'America/New_York'],
  ['San Francisco', 'US', 37.775, -122.419, 'America/Los_Angeles'],
  ['Seattle', 'US', 47.606, -122.332, 'America/Los_Angeles'],
  ['Toronto', 'CA', 43.653, -79.383, 'America/Toronto'],
  ['São Paulo', 'BR', -23.551, -46.633, 'America/Sao_Paulo'],
  ['Bengaluru', 'IN', 12.972, 77.595, 'Asia/Kolkata'],
  ['Singapore', 'SG', 1.352, 103.82, 'Asia/Singapore'],
  ['Tokyo', 'JP', 35.676, 139.65, 'Asia/Tokyo'],
  ['Sydney', 'AU', -33.869, 151.209, 'Australia/Sydney'],
  ['Cape Town', 'ZA', -33.925, 18.424, 'Africa/Johannesburg']
];

export const TAGS = [
  'kubernetes',
  'azure',
  'aws',
  'gcp',
  'devops',
  'terraform',
  'python',
  'java',
  'javascript',
  'typescript',
  'rust',
  'go',
  'dotnet',
  'data-engineering',
  'machine-learning',
  'security',
  'sre',
  'observability',
  'linux',
  'windows-server',
  'powershell',
  'react',
  'svelte',
  'accessibility',
  'testing',
  'agile',
  'architecture',
  'databases',
  'postgresql',
  'kafka',
  'spark',
  'mobile',
  'android',
  'ios',
  'cloud',
  'platform-engineering',
  'finops',
  'blockchain',
  'embedded',
  'game-dev'
];

export interface GenerateOptions {
  groups: number;
  memberships: number;
  users: number;
  /** Meetings across all groups (Zipf-like per group, about a tenth of them upcoming). */
  events: number;
  seed: number;
  /** Progress lines (one per table, with its row count and time). */
  log?: (line: string) => void;
}

/** What the scenarios need to know about a generated group. */
export interface GeneratedGroup {
  id: string;
  slug: string;
  visibility: string;
  memberCount: number;
  /** Its members are users `memberStart`, `memberStart + 1`, … (mod the number of users). */
  memberStart: number;
  venueId: string | null;
  timeZone: string;
  createdBy: string;
  /** Its next published meeting, or null. */
  nextEventId: string | null;
  /** When that meeting starts (ms since the epoch), or null. */
  nextEventStartsMs: number | null;
  kind: 'meetup' | 'practice';
}

export interface Generated {
  groupSlugs: string[];
  groups: GeneratedGroup[];
  /** Rows per table, as inserted. */
  rows: Record<string, number>;
  /** Seconds per table, as inserted. */
  seconds: Record<string, number>;
}

/** The user ids of a group's first `n` members (`n` at most its member count). */
export function memberIds(group: GeneratedGroup, users: number, n: number): string[] {
  return Array.from(
    { length: Math.min(n, group.memberCount) },
    (_, j) => `bench-user-${(group.memberStart + j) % users}`
  );
}

const KIND = { group: 1, venue: 2, event: 3 } as const;

async function insertBatches<T extends keyof Database>(
  db: Db,
  table: T,
  rows: Iterable<Insertable<Database[T]>>,
  batch = 500
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    let chunk: Insertable<Database[T]>[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      await trx.insertInto(table).values(chunk).execute();
      chunk = [];
    };
    for (const row of rows) {
      chunk.push(row);
      if (chunk.length >= batch) await flush();
    }
    await flush();
  });
}

/** Splits `total` over ranks 1…n in proportion to rank^-exponent, exactly (largest ranks first). */
function zipf(n: number, total: number, exponent: number): number[] {
  const weights = Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, exponent));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((w / sum) * total));
  let missing = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing > 0 && n > 0; i = (i + 1) % n, missing--)
    counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

const MEETING_DESCRIPTION = `Two talks and open discussion.

- **18:30** doors open, drinks and snacks
- **19:00** first talk, then questions
- **20:00** second talk, then [the usual place](https://example.org/bar) nearby

Please say *not going* if you cannot come, so someone on the waitlist gets your seat.`;

/**
 * Fills an empty, migrated database. Group sizes follow a Zipf-like curve (a few large groups,
 * a long tail of small ones) and add up to about `memberships`; meetings per group follow a
 * flatter one (rank^-0.5: the largest of 100,000 groups has ~1,600, the smallest ~5) and add up to
 * exactly `events`.
 */
export async function generate(db: Db, options: GenerateOptions): Promise<Generated> {
  const rnd = random(options.seed);
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  // SQLite's default page cache (2 MiB) is far smaller than the indexes being filled: every
  // random insert into them would spill pages to the WAL and read them back. Generation gets
  // 512 MiB; the app's setting is restored at the end. Foreign keys are not checked while the
  // generator writes (its rows refer only to rows it wrote before), and are on again afterwards.
  const cacheSize: unknown = db.sqlite?.pragma('cache_size', { simple: true });
  db.sqlite?.pragma('cache_size = -524288');
  db.sqlite?.pragma('foreign_keys = OFF');
  const rows: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  const timed = async (table: string, work: () => Promise<number>) => {
    const t0 = performance.now();
    rows[table] = await work();
    seconds[table] = (performance.now() - t0) / 1000;
    options.log?.(
      `  ${table}: ${rows[table].toLocaleString('en')} rows in ${seconds[table].toFixed(1)} s`
    );
  };

  await timed('users', () =>
    bulkInsert(
      db,
      'users',
      {
        id: 'text',
        name: 'text',
        email: 'text',
        email_verified: 'bool',
        handle: 'text',
        bio: 'text',
        time_zone: 'text',
        language: 'text',
        is_admin: 'bool',
        tags: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      (function* () {
        for (let i = 0; i < options.users; i++) {
          yield [
            `bench-user-${i}`,
            `Member ${i}`,
            `member${i}@bench.example`,
            true,
            `member-${i}`,
            '',
            'UTC',
            'en',
            false,
            JSON.stringify([TAGS[i % TAGS.length]]),
            at,
            at
          ];
        }
      })()
    )
  );

  const weights = Array.from({ length: options.groups }, (_, i) => 1 / Math.pow(i + 1, 0.8));
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) =>
    Math.max(1, Math.min(options.users, Math.round((w / total) * options.memberships)))
  );
  const groups = sizes.map((size, i) => {
    const city = CITIES[Math.floor(rnd() * CITIES.length)] ?? CITIES[0];
    const tagCount = 1 + Math.floor(rnd() * 4);
    const tags = [
      ...new Set(
        Array.from({ length: tagCount }, () => TAGS[Math.floor(rnd() * TAGS.length)] ?? 'cloud')
      )
    ];
    const practice = rnd() < 0.3;
    const v = rnd();
    const visibility = v < 0.9 ? 'public' : v < 0.98 ? 'private' : 'hidden';
    const online = rnd() < 0.1;
    const [cityName, country, lat, lng, zone] = city ?? [
      'Berlin',
      'DE',
      52.52,
      13.405,
      'Europe/Berlin'
    ];
    const description = `People in ${cityName} who work with ${tags.join(', ')} meet to share what they learn. Talks, hands-on sessions and open discussion.`;
    const title = (tags[0] ?? 'tech').replace(/-/g, ' ');
    return {
      id: benchId(KIND.group, i),
      slug: `group-${i}`,
      name: `${title[0]?.toUpperCase() ?? ''}${title.slice(1)} ${practice ? 'Guild' : 'Meetup'} ${cityName} ${i}`,
      kind: practice ? 'practice' : 'meetup',
      description,
      excerpt: excerptOf(description),
      tags: JSON.stringify(tags),
      tagList: tags,
      city: online ? null : cityName,
      country: online ? null : country,
      latitude: online ? null : lat + (rnd() - 0.5) * 0.36,
      longitude: online ? null : lng + (rnd() - 0.5) * 0.5,
      online_only: db.dialect === 'sqlite' ? (online ? 1 : 0) : online,
      time_zone: zone,
      visibility,
      join_policy:
        visibility === 'public' ? 'open' : visibility === 'private' ? 'approval' : 'invitation',
      member_count: size,
      created_by: `bench-user-${i % options.users}`,
      created_at: at,
      updated_at: at
    };
  });
  await timed('groups', async () => {
    await insertBatches(
      db,
      'groups',
      groups.map(({ tagList: _t, ...g }) => g),
      200
    );
    return groups.length;
  });
  await timed('group_tags', () =>
    bulkInsert(
      db,
      'group_tags',
      { group_id: 'text', tag: 'text' },
      (function* () {
        for (const g of groups) for (const tag of g.tagList) yield [g.id, tag];
      })()
    )
  );
  const memberStarts: number[] = [];
  await timed('memberships', () =>
    bulkInsert(
      db,
      'memberships',
      {
        group_id: 'text',
        user_id: 'text',
        role: 'text',
        status: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      (function* () {
        for (const g of groups) {
          const start = Math.floor(rnd() * options.users);
          memberStarts.push(start);
          for (let j = 0; j < g.member_count; j++) {
            yield [
              g.id,
              `bench-user-${(start + j) % options.users}`,
              j === 0 ? 'owner' : j < 3 ? 'organizer' : 'member',
              'active',
              at,
              at
            ];
          }
        }
      })()
    )
  );

  // A venue per group that meets in a city; online-only groups meet online.
  const venueIds = groups.map((g, i) => (g.city === null ? null : benchId(KIND.venue, i)));
  const venueCapacity = groups.map(() => 30 + 10 * Math.floor(rnd() * 18));
  await timed('venues', () =>
    bulkInsert(
      db,
      'venues',
      {
        id: 'text',
        group_id: 'text',
        name: 'text',
        address: 'text',
        capacity: 'int4',
        host: 'text',
        latitude: 'float8',
        longitude: 'float8',
        archived: 'bool',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      (function* () {
        for (let i = 0; i < groups.length; i++) {
          const g = groups[i];
          const id = venueIds[i];
          if (!g || !id) continue;
          yield [
            id,
            g.id,
            `Tech Hub ${g.city ?? ''} ${i}`,
            `Hauptstraße ${1 + (i % 200)}, ${g.city ?? ''}`,
            venueCapacity[i] ?? 50,
            `Host Company ${i % 997}`,
            g.latitude,
            g.longitude,
            false,
            at,
            at
          ];
        }
      })()
    )
  );

  // Meetings: per group, ~90 % past and ~10 % upcoming (at least one upcoming), evenly spaced;
  // a quarter of the published ones have people going (never more than the seats or members).
  const erand = random(options.seed ^ 0x5eed_e7e7);
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const perGroup = zipf(groups.length, options.events, 0.5);
  const nextEventIds: (string | null)[] = groups.map(() => null);
  const nextEventStarts: (number | null)[] = groups.map(() => null);
  const rsvpRows: Value[][] = [];
  let eventNo = 0;
  await timed('events', () =>
    bulkInsert(
      db,
      'events',
      {
        id: 'text',
        group_id: 'text',
        title: 'text',
        description: 'text',
        starts_at: 'timestamptz',
        ends_at: 'timestamptz',
        time_zone: 'text',
        venue_id: 'text',
        online_url: 'text',
        capacity: 'int4',
        status: 'text',
        going_seats: 'int4',
        created_by: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz',
        published_at: 'timestamptz'
      },
      (function* () {
        for (let gi = 0; gi < groups.length; gi++) {
          const g = groups[gi];
          const k = perGroup[gi] ?? 0;
          if (!g || k === 0) continue;
          const upcoming = Math.max(1, Math.round(k * 0.1));
          const past = k - upcoming;
          const gapDays = Math.max(1, Math.min(28, Math.floor(3650 / k)));
          const venueId = venueIds[gi] ?? null;
          for (let j = 0; j < k; j++) {
            const id = benchId(KIND.event, eventNo++);
            const isPast = j < past;
            const day = isPast ? (j - past) * gapDays : (j - past + 1) * gapDays;
            const startsMs = today + day * DAY_MS + (17 + Math.floor(erand() * 3)) * 3_600_000;
            const startsAt = new Date(startsMs).toISOString();
            const endsAt = new Date(startsMs + (2 + Math.floor(erand() * 2)) * 3_600_000);
            const s = erand();
            const status = isPast
              ? s < 0.04
                ? 'cancelled'
                : 'published'
              : s < 0.05
                ? 'draft'
                : s < 0.09
                  ? 'cancelled'
                  : 'published';
            const capacity = erand() < 0.2 ? null : (venueCapacity[gi] ?? 50);
            // Announced three weeks before, or a week ago when that is later.
            const createdMs = Math.min(startsMs - 21 * DAY_MS, today - 7 * DAY_MS);
            let going = 0;
            if (status === 'published' && erand() < 0.25) {
              going = Math.min(g.member_count, capacity ?? 80, 1 + Math.floor(erand() * 40));
              const offset = Math.floor(erand() * g.member_count);
              const start = memberStarts[gi] ?? 0;
              for (let r = 0; r < going; r++) {
                const user = (start + ((offset + r) % g.member_count)) % options.users;
                // Four in five of those going to a past meeting checked in at the door.
                const checkedIn = isPast && erand() < 0.8 ? startsAt : null;
                rsvpRows.push([
                  id,
                  `bench-user-${user}`,
                  'going',
                  // Upcoming: answered some time between the announcement and today.
                  isPast
                    ? startsAt
                    : new Date(createdMs + Math.floor(erand() * (today - createdMs))).toISOString(),
                  checkedIn
                ]);
              }
            }
            if (!isPast && status === 'published' && nextEventIds[gi] === null) {
              nextEventIds[gi] = id;
              nextEventStarts[gi] = startsMs;
            }
            const created = new Date(createdMs).toISOString();
            yield [
              id,
              g.id,
              `${g.kind === 'practice' ? 'Guild session' : 'Meetup'} #${j + 1}`,
              MEETING_DESCRIPTION,
              startsAt,
              endsAt.toISOString(),
              g.time_zone,
              venueId,
              venueId ? null : `https://meet.example/${g.slug}`,
              capacity,
              status,
              going,
              g.created_by,
              created,
              created,
              status === 'draft' ? null : created
            ];
          }
        }
      })()
    )
  );
  await timed('rsvps', () =>
    bulkInsert(
      db,
      'rsvps',
      {
        event_id: 'text',
        user_id: 'text',
        status: 'text',
        check_in_code: 'text',
        checked_in_at: 'timestamptz',
        from_series: 'bool',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      (function* () {
        for (let i = 0; i < rsvpRows.length; i++) {
          const [eventId, userId, status, when, checkedIn] = rsvpRows[i] ?? [];
          yield [
            eventId ?? null,
            userId ?? null,
            status ?? null,
            checkInCode(i),
            checkedIn ?? null,
            false,
            when ?? null,
            when ?? null
          ];
        }
        rsvpRows.length = 0;
      })()
    )
  );

  const t0 = performance.now();
  await sql`analyze`.execute(db.kysely); // fresh statistics, as a long-running instance would have
  if (db.sqlite) {
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)'); // readers need not search a big WAL
    db.sqlite.pragma(`cache_size = ${Number(cacheSize)}`);
    db.sqlite.pragma('foreign_keys = ON');
  }
  seconds.analyze = (performance.now() - t0) / 1000;
  options.log?.(`  analyze${db.sqlite ? ' + checkpoint' : ''}: ${seconds.analyze.toFixed(1)} s`);
  return {
    groupSlugs: groups.map((g) => g.slug),
    groups: groups.map((g, i) => ({
      id: g.id,
      slug: g.slug,
      visibility: g.visibility,
      memberCount: g.member_count,
      memberStart: memberStarts[i] ?? 0,
      venueId: venueIds[i] ?? null,
      timeZone: g.time_zone,
      createdBy: g.created_by,
      nextEventId: nextEventIds[i] ?? null,
      nextEventStartsMs: nextEventStarts[i] ?? null,
      kind: g.kind === 'practice' ? ('practice' as const) : ('meetup' as const)
    })),
    rows,
    seconds
  };
}

/**
 * Inserts a published meeting of `group` for one bench scenario (at its venue, else online),
 * `minutesFromNow` from now, lasting `minutes`.
 *
 * @example
 * await insertBenchMeeting(db, group, { id: benchId(4, 0), title: 'RSVP storm', minutesFromNow: 7 * 1440, capacity: 100 });
 */
export async function insertBenchMeeting(
  db: Db,
  group: GeneratedGroup,
  meeting: {
    id: string;
    title: string;
    description?: string;
    minutesFromNow: number;
    minutes?: number;
    capacity?: number | null;
  }
): Promise<void> {
  const stamp = new Date().toISOString();
  const start = new Date(Date.now() + meeting.minutesFromNow * 60_000);
  await db.kysely
    .insertInto('events')
    .values({
      id: meeting.id,
      group_id: group.id,
      title: meeting.title,
      description: meeting.description ?? '',
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + (meeting.minutes ?? 90) * 60_000).toISOString(),
      time_zone: group.timeZone,
      venue_id: group.venueId,
      online_url: group.venueId ? null : `https://meet.example/${meeting.id}`,
      capacity: meeting.capacity ?? null,
      status: 'published',
      created_by: group.createdBy,
      created_at: stamp,
      updated_at: stamp,
      published_at: stamp
    })
    .execute();
}
