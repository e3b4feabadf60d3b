import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { boundingBox, distanceKm, EARTH_RADIUS_KM, searchTerms } from '../domain/geo.ts';
import type { GroupKind } from '../domain/group-policy.ts';
import { normalizeTag } from '../domain/tags.ts';
import { type Group, presentGroup, visibleTo } from './group.service.ts';
import { rankedTextMatches, type TextMatch } from './group-search-matches.ts';

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
 * last row's sort key and id, so pages never skip or repeat rows. On SQLite a ranked text search
 * filters the text's kept, ranked matches (`rankedTextMatches`) unless the text is too common to
 * keep (`options.maxKeptMatches`, MAX_KEPT_MATCHES by default).
 */
export async function searchGroups(
  db: Db,
  viewer: { userId: string | null; isAdmin: boolean },
  query: GroupQuery,
  options: { maxKeptMatches?: number } = {}
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

  // PostgreSQL: the tsvector column (GIN index) matches and ts_rank ranks. SQLite: FTS5, below,
  // once the other filters are known.
  let match: Expression<SqlBool> | undefined;
  let rank = sql<number>`0`;
  const tags = (query.tags ?? []).map(normalizeTag).filter(Boolean);
  const ftsQuery = terms.map((t) => `"${t}"*`).join(' ');
  // FTS5 also indexes each group's tags, so on SQLite the wanted tags can narrow the text matches
  // inside the full-text index (merging doclists) before any group row is read: probing each
  // candidate's tags one by one costs far more once thousands of groups lie in a radius. A phrase
  // per tag is only a necessary condition (`data-engineering` is the phrase "data engineering", which
  // neighbouring tags could also form), so the exact group_tags check stays. A tag without a letter
  // or digit has no token to look for. The phrases narrow only: ranking keeps the plain text query,
  // because each extra phrase would add its own weight to bm25 and change the order.
  const tagPhrases = tags.filter((t) => /[\p{L}\p{N}]/u.test(t)).map((t) => `tags : "${t}"`);
  const narrowQuery = [ftsQuery, ...tagPhrases].join(' ');
  if (terms.length > 0) {
    if (sqlite) {
      rank = sql<number>`h.rank`;
    } else {
      const tsQuery = terms.map((t) => `${t}:*`).join(' & ');
      match = sql<SqlBool>`g.search @@ to_tsquery('simple', ${tsQuery})`;
      rank = sql<number>`(-ts_rank(g.search, to_tsquery('simple', ${tsQuery})))`;
    }
  }

  if (sqlite && terms.length > 0 && sort === 'relevance') {
    const matches = await rankedTextMatches(
      db,
      { ranked: ftsQuery, narrowed: narrowQuery, tags },
      options.maxKeptMatches
    );
    if (matches) return pageOfMatches(db, viewer, query, matches);
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

  // Every filter but the text, over `groups as g`. With a place, the covering location index
  // drives; sorted by members, the (member_count, id) index drives, so a page stops early. Then
  // each group's tags are probed; otherwise the tag's groups drive (an IN list).
  const indexDrives = sort === 'members' || near !== undefined;
  // On SQLite the tag-narrowed text matches drive instead (below): few, so each is probed too.
  const probeTags = indexDrives || (sqlite && terms.length > 0 && tagPhrases.length > 0);
  let filtered = db.kysely.selectFrom('groups as g');
  if (!viewer.isAdmin) filtered = filtered.where(visibleTo(viewer.userId));
  for (const tag of tags) {
    filtered = probeTags
      ? filtered.where((eb) =>
          eb.exists(
            eb
              .selectFrom('group_tags as gt')
              .select('gt.tag')
              .whereRef('gt.group_id', '=', 'g.id')
              .where('gt.tag', '=', tag)
          )
        )
      : filtered.where('g.id', 'in', (eb) =>
          eb.selectFrom('group_tags as gt').select('gt.group_id').where('gt.tag', '=', tag)
        );
  }
  if (query.kind) filtered = filtered.where('g.kind', '=', query.kind);
  if (query.online !== undefined)
    filtered = filtered.where('g.online_only', '=', sqlite ? (query.online ? 1 : 0) : query.online);
  if (near) {
    const box = boundingBox(near, near.radiusKm);
    filtered = filtered
      .where('g.latitude', '>=', box.minLat)
      .where('g.latitude', '<=', box.maxLat)
      .where('g.longitude', '>=', box.minLng)
      .where('g.longitude', '<=', box.maxLng);
  }

  let inner = filtered.select(['g.id', sortKey.as('sort_key'), distance.as('distance_km')]);
  if (match) inner = inner.where(match);
  if (sqlite && terms.length > 0) {
    const matching = sql`select rowid from groups_fts where groups_fts match ${narrowQuery}`;
    if (sort !== 'relevance') {
      // No rank needed: the matching rowids are one set. Where an index gives the order or the
      // place, it drives and each row is checked against the set (`+` keeps SQLite from driving
      // by the set instead), so most members first stops after a page of matches.
      inner = inner.where(
        indexDrives
          ? sql<SqlBool>`+g.rowid in (${matching})`
          : sql<SqlBool>`g.rowid in (${matching})`
      );
    } else {
      // bm25 costs about two microseconds per document, so with a place or tags the filters narrow
      // first and only what passes them is ranked (`+rowid` keeps SQLite from turning the list
      // into one FTS lookup per row). Name weighs most, then tags, then the description.
      // With tags, the candidates come from the tag-narrowed matches (a rowid lookup each) rather
      // than from every group in the radius or with the tag.
      const narrow = near !== undefined || tags.length > 0;
      const candidates =
        tagPhrases.length > 0 ? filtered.where(sql<SqlBool>`g.rowid in (${matching})`) : filtered;
      const narrowed = narrow
        ? sql`and +rowid in (${candidates.select(sql<number>`g.rowid`.as('rid'))})`
        : sql``;
      const hits = sql<{
        rowid: number;
        rank: number;
      }>`(select rowid, bm25(groups_fts, 10.0, 1.0, 5.0) as rank from groups_fts where groups_fts match ${ftsQuery} ${narrowed})`.as(
        'h'
      );
      inner = (narrow ? db.kysely.selectFrom('groups as g') : filtered)
        .innerJoin(hits, (join) => join.on(sql<SqlBool>`h.rowid = g.rowid`))
        .select(['g.id', sortKey.as('sort_key'), distance.as('distance_km')]);
    }
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
  return presentPage(db, query.limit, rows, sort);
}

/** A row of a result page: the group's id, its sort key and its distance. */
interface PageRow {
  id: string;
  sort_key: number | string | null;
  distance_km: number | null;
}

/** The groups of the first `limit` rows (of up to limit + 1), and the cursor to the next page. */
async function presentPage(
  db: Db,
  limit: number,
  rows: PageRow[],
  sort: GroupSort
): Promise<{ items: GroupHit[]; nextCursor: string | null }> {
  const page = rows.slice(0, limit);
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
      rows.length > limit && last
        ? encodeCursor({
            k: sort === 'name' ? String(last.sort_key) : Number(last.sort_key),
            id: last.id
          })
        : null
  };
}

/**
 * A page of the kept, ranked text matches (SQLite, sorted by relevance): every other filter is
 * checked here, in rank order, until the page is full. As `visibleTo` has it, hidden groups count
 * only for admins and for their members (and those who asked to join), and groups an admin hid
 * from the instance only for admins.
 */
async function pageOfMatches(
  db: Db,
  viewer: { userId: string | null; isAdmin: boolean },
  query: GroupQuery,
  matches: TextMatch[]
): Promise<{ items: GroupHit[]; nextCursor: string | null }> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const k = cursor?.k;
  if (cursor && typeof k !== 'number') throw new InvalidCursorError();
  const near = query.near;
  let hiddenOfViewer: Set<string> | undefined;
  const rows: PageRow[] = [];
  for (const m of matches) {
    if (rows.length > query.limit) break;
    if (cursor && typeof k === 'number' && !(m.rank > k || (m.rank === k && m.id > cursor.id)))
      continue;
    if (query.kind && m.kind !== query.kind) continue;
    if (query.online !== undefined && m.onlineOnly !== query.online) continue;
    let distance: number | null = null;
    if (near) {
      if (m.latitude === null || m.longitude === null) continue;
      distance = distanceKm(near, { lat: m.latitude, lng: m.longitude });
      if (distance > near.radiusKm) continue;
    }
    if (m.hiddenByAdmin && !viewer.isAdmin) continue;
    if (m.visibility === 'hidden' && !viewer.isAdmin) {
      if (viewer.userId === null) continue;
      hiddenOfViewer ??= await hiddenGroupsOf(db, viewer.userId);
      if (!hiddenOfViewer.has(m.id)) continue;
    }
    rows.push({ id: m.id, sort_key: m.rank, distance_km: distance });
  }
  return presentPage(db, query.limit, rows, 'relevance');
}

/** The hidden groups a person may see: those they belong to or asked to join. */
async function hiddenGroupsOf(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db.kysely
    .selectFrom('memberships as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select('m.group_id')
    .where('m.user_id', '=', userId)
    .where('m.status', 'in', ['active', 'pending'])
    .where('g.visibility', '=', 'hidden')
    .execute();
  return new Set(rows.map((r) => r.group_id));
}
