import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceKm } from '../domain/geo.ts';
import { insertUser } from '../test/factories.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../test/test-database.ts';
import { createGroup } from './group.service.ts';
import { type GroupQuery, type GroupSort, searchGroups } from './group-search.service.ts';

// Every combination of text, tags, place and sort, paged in small pages, against a brute-force
// answer computed here from the same generated groups: the query plans differ per combination
// (which index drives, when FTS5 ranks), so each must return exactly the right set, in order.

const MUNICH = { lat: 48.137, lng: 11.575 };
const WORDS = ['cloud', 'native', 'data', 'platform', 'rust', 'security', 'testing', 'mobile'];
const TAGS = ['kubernetes', 'azure', 'devops', 'python'];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  id: string;
  name: string;
  description: string;
  tags: string[];
  latitude: number | null;
  longitude: number | null;
  members: number;
  hidden: boolean;
  /** Hidden from the instance by an admin: found by nobody but admins. */
  hiddenByAdmin: boolean;
}

function matchesText(g: Generated, text: string): boolean {
  const words = `${g.name} ${g.description} ${g.tags.join(' ')}`.toLowerCase().split(/\W+/);
  return text
    .toLowerCase()
    .split(/\s+/)
    .every((term) => words.some((w) => w.startsWith(term)));
}

describe.each(testDialects())(
  'group search on %s: every combination against brute force',
  (dialect) => {
    let t: TestDatabase;
    const groups: Generated[] = [];

    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      const ownerId = await insertUser(t.db, 'owner-1');
      const rnd = random(7);
      const takedown = random(11); // its own sequence, so the groups stay those of seed 7
      const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
      for (let i = 0; i < 90; i++) {
        const online = rnd() < 0.15;
        // Up to ~80 km from Munich in a random direction.
        const km = rnd() * 80;
        const bearing = rnd() * 2 * Math.PI;
        const latitude = online ? null : MUNICH.lat + (km * Math.cos(bearing)) / 111.2;
        const longitude = online
          ? null
          : MUNICH.lng +
            (km * Math.sin(bearing)) / (111.2 * Math.cos((MUNICH.lat * Math.PI) / 180));
        const tags = TAGS.filter(() => rnd() < 0.4);
        const g = await createGroup(t.db, ownerId, {
          slug: `group-${i}`,
          name: `${pick(WORDS)} ${pick(WORDS)} ${i}`,
          kind: rnd() < 0.5 ? 'meetup' : 'practice',
          description: `We talk about ${pick(WORDS)} and ${pick(WORDS)}.`,
          tags,
          latitude,
          longitude,
          onlineOnly: online,
          timeZone: 'Europe/Berlin',
          visibility: rnd() < 0.1 ? 'hidden' : rnd() < 0.2 ? 'private' : 'public',
          joinPolicy: 'open'
        });
        // Ties on purpose (members drawn from a small range), so the id breaks them.
        const members = 1 + Math.floor(rnd() * 12);
        const hiddenByAdmin = takedown() < 0.15;
        await t.db.kysely
          .updateTable('groups')
          .set({
            member_count: members,
            ...(hiddenByAdmin
              ? { hidden_by_admin_at: new Date().toISOString(), hidden_by_admin_reason: 'Spam' }
              : {})
          })
          .where('id', '=', g.id)
          .execute();
        groups.push({
          id: g.id,
          name: g.name,
          description: g.description,
          tags: g.tags,
          latitude,
          longitude,
          members,
          hidden: g.visibility === 'hidden',
          hiddenByAdmin
        });
      }
    });

    afterAll(async () => {
      await t.dispose();
    });

    const texts = [undefined, 'cloud', 'data plat', 'kube'];
    const tagSets = [[], ['kubernetes'], ['azure', 'devops']];
    const places = [undefined, { ...MUNICH, radiusKm: 50 }];
    const sorts: GroupSort[] = ['relevance', 'distance', 'members', 'name'];

    // On SQLite, ranked text searches come from the kept matches; `kept: false` asks SQL instead.
    const cases = texts.flatMap((text) =>
      tagSets.flatMap((tags) =>
        places.flatMap((near) =>
          sorts.flatMap((sort) =>
            (dialect === 'sqlite' && text !== undefined && sort === 'relevance'
              ? [true, false]
              : [true]
            ).map((kept) => ({ text, tags, near, sort, kept }))
          )
        )
      )
    );

    it.each(cases)(
      'text $text, tags $tags, near $near.radiusKm, sort $sort, kept matches $kept',
      async ({ text, tags, near, sort, kept }) => {
        const expected = groups.filter(
          (g) =>
            !g.hidden &&
            !g.hiddenByAdmin &&
            (text === undefined || matchesText(g, text)) &&
            tags.every((tag) => g.tags.includes(tag)) &&
            (near === undefined ||
              (g.latitude !== null &&
                g.longitude !== null &&
                distanceKm(near, { lat: g.latitude, lng: g.longitude }) <= near.radiusKm))
        );

        const seen: { id: string; distanceKm: number | null }[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 50; page++) {
          const query: GroupQuery = { text, tags, near, sort, cursor, limit: 7 };
          const result = await searchGroups(
            t.db,
            { userId: null, isAdmin: false },
            query,
            kept ? {} : { maxKeptMatches: 0 }
          );
          expect(result.items.length).toBeLessThanOrEqual(7);
          seen.push(...result.items.map((h) => ({ id: h.group.id, distanceKm: h.distanceKm })));
          if (!result.nextCursor) break;
          cursor = result.nextCursor;
        }

        const ids = seen.map((s) => s.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual(expected.map((g) => g.id).sort());

        const byId = new Map(groups.map((g) => [g.id, g]));
        const effective =
          sort === 'relevance' && !text
            ? 'members'
            : sort === 'distance' && !near
              ? 'members'
              : sort;
        for (let i = 1; i < seen.length; i++) {
          const a = byId.get(seen[i - 1]?.id ?? '');
          const b = byId.get(seen[i]?.id ?? '');
          if (!a || !b) throw new Error('unknown id');
          if (effective === 'members') {
            expect(a.members > b.members || (a.members === b.members && a.id > b.id)).toBe(true);
          } else if (effective === 'name') {
            const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
            expect(x < y || (x === y && a.id < b.id)).toBe(true);
          } else if (effective === 'distance') {
            expect(seen[i - 1]?.distanceKm ?? 0).toBeLessThanOrEqual(
              (seen[i]?.distanceKm ?? 0) + 1e-9
            );
          }
        }
      }
    );
  }
);

// On SQLite the wanted tags also narrow the text matches inside the FTS5 index (a phrase per tag
// in the tags column). A phrase is only a necessary condition, so these check that the exact tag
// still decides: punctuation in tags, two neighbouring tags that form the same phrase, and a tag
// with no letter or digit at all.
describe.each(testDialects())('group search on %s: text with tags', (dialect) => {
  let t: TestDatabase;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const ownerId = await insertUser(t.db, 'owner-1');
    const make = async (slug: string, tags: string[]) => {
      const g = await createGroup(t.db, ownerId, {
        slug,
        name: `Cloud ${slug}`,
        kind: 'meetup',
        description: 'Cloud talks and hands-on evenings.',
        tags,
        latitude: MUNICH.lat,
        longitude: MUNICH.lng,
        onlineOnly: false,
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      ids[slug] = g.id;
    };
    await make('exact', ['data-engineering', 'c++']);
    // Tokens "big data engineering culture": the phrase "data engineering" is in them, the tag not.
    await make('neighbours', ['big-data', 'engineering-culture']);
    await make('dotnet', ['.net', '#']);
    await make('plain', ['python']);
  });

  afterAll(async () => {
    await t.dispose();
  });

  const search = async (tags: string[], near?: boolean, sort: GroupSort = 'relevance') => {
    const result = await searchGroups(
      t.db,
      { userId: null, isAdmin: false },
      {
        text: 'cloud',
        tags,
        near: near ? { ...MUNICH, radiusKm: 10 } : undefined,
        sort,
        limit: 20
      }
    );
    return result.items.map((h) => h.group.slug).sort();
  };

  it('finds a hyphenated tag, but not two neighbouring tags that read the same', async () => {
    for (const sort of ['relevance', 'members', 'name'] as GroupSort[]) {
      expect(await search(['data-engineering'], false, sort)).toEqual(['exact']);
      expect(await search(['data-engineering'], true, sort)).toEqual(['exact']);
    }
  });

  it('finds tags with punctuation, and a tag with no letter or digit', async () => {
    expect(await search(['c++'], true)).toEqual(['exact']);
    expect(await search(['.net'], true)).toEqual(['dotnet']);
    expect(await search(['#'], true)).toEqual(['dotnet']);
    expect(await search(['#', '.net'])).toEqual(['dotnet']);
    expect(await search(['big-data', 'engineering-culture'], true)).toEqual(['neighbours']);
  });

  it('finds nothing when one of several tags is missing', async () => {
    expect(await search(['python', 'c++'], true)).toEqual([]);
    expect(await search(['python'], true)).toEqual(['plain']);
  });
});
