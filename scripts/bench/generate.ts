// Deterministic data for benchmarks: users, groups with Zipf-like sizes in real cities, tags and
// memberships, written in large batches inside one transaction per table.
import { randomUUID } from 'node:crypto';
import { type Insertable, sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { Database } from '../../src/db/schema.ts';

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

/** mulberry32: a small, fast, seedable PRNG (benchmarks must be reproducible). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  groups: number;
  memberships: number;
  users: number;
  seed: number;
}

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

/**
 * Fills an empty, migrated database. Group sizes follow a Zipf-like curve (a few large groups,
 * a long tail of small ones) and add up to about `memberships`.
 */
export async function generate(
  db: Db,
  options: GenerateOptions
): Promise<{ groupSlugs: string[] }> {
  const rnd = random(options.seed);
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  await insertBatches(
    db,
    'users',
    (function* () {
      for (let i = 0; i < options.users; i++) {
        yield {
          id: `bench-user-${i}`,
          name: `Member ${i}`,
          email: `member${i}@bench.example`,
          email_verified: db.dialect === 'sqlite' ? 1 : true,
          handle: `member-${i}`,
          bio: '',
          time_zone: 'UTC',
          language: 'en',
          is_admin: db.dialect === 'sqlite' ? 0 : false,
          tags: JSON.stringify([TAGS[i % TAGS.length]]),
          created_at: at,
          updated_at: at
        };
      }
    })()
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
    const title = (tags[0] ?? 'tech').replace(/-/g, ' ');
    return {
      id: randomUUID(),
      slug: `group-${i}`,
      name: `${title[0]?.toUpperCase() ?? ''}${title.slice(1)} ${practice ? 'Guild' : 'Meetup'} ${cityName} ${i}`,
      kind: practice ? 'practice' : 'meetup',
      description: `People in ${cityName} who work with ${tags.join(', ')} meet to share what they learn. Talks, hands-on sessions and open discussion.`,
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
  await insertBatches(
    db,
    'groups',
    groups.map(({ tagList: _t, ...g }) => g),
    200
  );
  await insertBatches(
    db,
    'group_tags',
    (function* () {
      for (const g of groups) for (const tag of g.tagList) yield { group_id: g.id, tag };
    })()
  );
  await insertBatches(
    db,
    'memberships',
    (function* () {
      for (let gi = 0; gi < groups.length; gi++) {
        const g = groups[gi];
        if (!g) continue;
        const start = Math.floor(rnd() * options.users);
        for (let j = 0; j < g.member_count; j++) {
          yield {
            group_id: g.id,
            user_id: `bench-user-${(start + j) % options.users}`,
            role: j === 0 ? 'owner' : j < 3 ? 'organizer' : 'member',
            status: 'active',
            created_at: at,
            updated_at: at
          };
        }
      }
    })(),
    1000
  );
  await sql`analyze`.execute(db.kysely); // fresh statistics, as a long-running instance would have
  return { groupSlugs: groups.map((g) => g.slug) };
}
