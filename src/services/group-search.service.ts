import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { boundingBox, EARTH_RADIUS_KM, searchTerms } from '../domain/geo.ts';
import type { GroupKind } from '../domain/group-policy.ts';
import { normalizeTag } from '../domain/tags.ts';
import { type Group, presentGroup, visibleTo } from './group.service.ts';

export type GroupSort = 'relevance' | 'distance' | 'members' | 'name';

/** What a person searches for; every filter is optional. */
export interface GroupQuery {
  text?: string | undefined;
  tags?: string[] | undefined;
  kind?: GroupKind | undefined;
  online?: boolean | undefined;
  near?: { lat: number; lng: number; radiusKm: number } | undefined;
  sort: GroupSort;
  cursor?: string | undefined;
  limit: number;
}

export interface GroupHit {
  group: Group;
  distanceKm: number | null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

interface Cursor {
  k: number | string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString()) as Partial<Cursor>;
    if (
      (typeof value.k === 'number' || typeof value.k === 'string') &&
      typeof value.id === 'string'
    ) {
      return { k: value.k, id: value.id };
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/**
 * Finds groups: full text (FTS5 / tsvector), tags (all must match), kind, online-only, and a radius
 * around a point (bounding box on the indexed coordinates, then the exact great-circle distance).
 * Hidden groups appear only to their members and admins. Keyset pagination: the cursor holds the
 * last row's sort key and id, so pages never skip or repeat rows.
 */
export async function searchGroups(
  db: Db,
  viewer: { userId: string | null; isAdmin: boolean },
  query: GroupQuery
): Promise<{ items: GroupHit[]; nextCursor: string | null }> {
  const sqlite = db.dialect === 'sqlite';
  const terms = query.text ? searchTerms(query.text) : [];
  const sort: GroupSort =
    query.sort === 'relevance' && terms.length === 0
      ? 'members'
      : query.sort === 'distance' && !query.near
        ? 'members'
        : query.sort;

  const near = query.near;
  const least = sql.raw(sqlite ? 'min' : 'least'); // the scalar minimum of two values
  const distance: RawBuilder<number | null> = near
    ? sql<number | null>`(2 * ${sql.lit(EARTH_RADIUS_KM)} * asin(${least}(1, sqrt(
        power(sin(radians(g.latitude - ${near.lat}) / 2), 2) +
        cos(radians(${near.lat})) * cos(radians(g.latitude)) * power(sin(radians(g.longitude - ${near.lng}) / 2), 2)
      ))))`
    : sql<number | null>`null`;

  let match: Expression<SqlBool> | undefined;
  let rank = sql<number>`0`;
  // SQLite: one FTS5 query yields the matching rows and their bm25 rank (name weighs most, then
  // tags, then description); it is joined, never evaluated per row.
  let ftsHits: ReturnType<RawBuilder<{ rowid: number; rank: number }>['as']> | undefined;
  if (terms.length > 0) {
    if (sqlite) {
      const ftsQuery = terms.map((t) => `"${t}"*`).join(' ');
      ftsHits = sql<{
        rowid: number;
        rank: number;
      }>`(select rowid, bm25(groups_fts, 10.0, 1.0, 5.0) as rank from groups_fts where groups_fts match ${ftsQuery})`.as(
        'h'
      );
      rank = sql<number>`h.rank`;
    } else {
      const tsQuery = terms.map((t) => `${t}:*`).join(' & ');
      match = sql<SqlBool>`g.search @@ to_tsquery('simple', ${tsQuery})`;
      rank = sql<number>`(-ts_rank(g.search, to_tsquery('simple', ${tsQuery})))`;
    }
  }

  const sortKey: RawBuilder<number | string | null> =
    sort === 'relevance'
      ? rank
      : sort === 'distance'
        ? distance
        : sort === 'name'
          ? sql<string>`lower(g.name)`
          : sql<number>`g.member_count`;
  // Most members first: both keys descend, so an index on (member_count, id) serves the order.
  const direction = sort === 'members' ? 'desc' : 'asc';
  const after = direction === 'desc' ? '<' : '>';

  const hits = ftsHits;
  let inner = db.kysely
    .selectFrom('groups as g')
    .$if(hits !== undefined, (qb) =>
      hits ? qb.innerJoin(hits, (join) => join.on(sql<SqlBool>`h.rowid = g.rowid`)) : qb
    )
    // Only the keys here: full rows are read for the one page that is returned (a deferred join).
    .select(['g.id', sortKey.as('sort_key'), distance.as('distance_km')]);
  if (!viewer.isAdmin) {
    inner = inner.where(visibleTo(viewer.userId));
  }
  if (match) inner = inner.where(match);
  for (const tag of (query.tags ?? []).map(normalizeTag).filter(Boolean)) {
    // Sorted by members, the (member_count, id) index drives and each row's tags are probed, so a
    // page stops after a few hundred rows; for the other sorts the tag's groups drive (an IN list).
    inner =
      sort === 'members'
        ? inner.where((eb) =>
            eb.exists(
              eb
                .selectFrom('group_tags as gt')
                .select('gt.tag')
                .whereRef('gt.group_id', '=', 'g.id')
                .where('gt.tag', '=', tag)
            )
          )
        : inner.where('g.id', 'in', (eb) =>
            eb.selectFrom('group_tags as gt').select('gt.group_id').where('gt.tag', '=', tag)
          );
  }
  if (query.kind) inner = inner.where('g.kind', '=', query.kind);
  if (query.online !== undefined)
    inner = inner.where('g.online_only', '=', sqlite ? (query.online ? 1 : 0) : query.online);
  if (near) {
    const box = boundingBox(near, near.radiusKm);
    inner = inner
      .where('g.latitude', '>=', box.minLat)
      .where('g.latitude', '<=', box.maxLat)
      .where('g.longitude', '>=', box.minLng)
      .where('g.longitude', '<=', box.maxLng);
  }

  let outer = db.kysely.selectFrom(inner.as('r')).selectAll('r');
  if (near) outer = outer.where('r.distance_km', '<=', near.radiusKm);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    if (typeof c.k !== (sort === 'name' ? 'string' : 'number')) throw new InvalidCursorError();
    outer = outer.where((eb) =>
      eb.or([
        eb('r.sort_key', after, c.k),
        eb.and([eb('r.sort_key', '=', c.k), eb('r.id', after, c.id)])
      ])
    );
  }
  const rows = await outer
    .orderBy('r.sort_key', direction)
    .orderBy('r.id', direction)
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const full =
    page.length === 0
      ? []
      : await db.kysely
          .selectFrom('groups')
          .selectAll()
          .where(
            'id',
            'in',
            page.map((r) => r.id)
          )
          .execute();
  const byId = new Map(full.map((row) => [row.id, row]));
  return {
    items: page.flatMap((r) => {
      const row = byId.get(r.id);
      return row ? [{ group: presentGroup(row), distanceKm: r.distance_km }] : [];
    }),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({
            k: sort === 'name' ? String(last.sort_key) : Number(last.sort_key),
            id: last.id
          })
        : null
  };
}
