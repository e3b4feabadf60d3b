import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** A group that matches a full-text query on SQLite, with its rank and what the filters need. */
export interface TextMatch {
  id: string;
  /** FTS5 bm25 (name 10, description 1, tags 5): lower is better. */
  rank: number;
  latitude: number | null;
  longitude: number | null;
  visibility: string;
  /** Hidden from the instance by an admin (found by admins only). */
  hiddenByAdmin: boolean;
  kind: string;
  onlineOnly: boolean;
}

/** What a search asks of the full-text index. */
export interface TextQuery {
  /** The FTS5 query of the typed words, which ranks. */
  ranked: string;
  /** The same with a phrase per wanted tag in the tags column, which only narrows. */
  narrowed: string;
  /** The wanted tags (normalized), each checked exactly against group_tags. */
  tags: readonly string[];
}

/**
 * Up to how many full-text matches a query may have to be kept. Ranking and reading a match costs
 * tens of microseconds once the table is larger than memory, so a broader query (a common word
 * alone) is answered by SQL every time, where the place narrows first.
 */
export const MAX_KEPT_MATCHES = 2_000;
/** How many matches all kept queries hold together (about 150 bytes each); the least recently used go first. */
const MAX_TOTAL_MATCHES = 100_000;

interface Entry {
  generation: number;
  /** Sorted by rank, then id; null when the query matches more than MAX_KEPT_MATCHES. */
  matches: TextMatch[] | null;
}

/**
 * Ranked full-text matches on SQLite, kept in memory per query while no group changed.
 *
 * Ranking is what makes a text search expensive: FTS5's bm25 reads every document of a prefix
 * query's doclist (thousands for a common word), so a search for "cloud" with a tag near a city
 * spent most of its time ranking, and paging or moving the map repeated all of it. The matches of
 * a text and its tags do not depend on the place, the page or the viewer, so they are ranked once
 * and filtered here. Every change to `groups` or `group_tags` bumps `search_generation` in its own
 * transaction (triggers, so the command line and a restore count too); a kept entry serves only
 * while the counter is the one it was read under.
 */
class MatchCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  get(key: string, generation: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.drop(key, entry);
    if (entry.generation !== generation) return undefined;
    this.entries.set(key, entry); // most recently used last
    this.total += entry.matches?.length ?? 0;
    return entry;
  }

  set(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, entry);
    this.total += entry.matches?.length ?? 0;
    for (const [k, e] of this.entries) {
      if (this.total <= MAX_TOTAL_MATCHES || k === key) break;
      this.drop(k, e);
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.total -= entry.matches?.length ?? 0;
  }
}

const caches = new WeakMap<Db, MatchCache>();

/**
 * Every group matching `query` (public, private and hidden alike: visibility is the caller's
 * filter), sorted by rank and id; null when its full-text index narrows to more than
 * MAX_KEPT_MATCHES, so the caller searches with SQL instead. SQLite only.
 */
export async function rankedTextMatches(
  db: Db,
  query: TextQuery,
  maxKept = MAX_KEPT_MATCHES
): Promise<TextMatch[] | null> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new MatchCache();
    caches.set(db, cache);
  }
  const key = JSON.stringify([query.ranked, query.narrowed, query.tags, maxKept]);
  // Read before the matches: a change committed in between makes the entry look older than it
  // is, and the next search reads it again; never the other way round.
  const generation = await searchGeneration(db);
  const kept = cache.get(key, generation);
  if (kept) return kept.matches;

  const { rows: counted } = await sql<{
    n: number;
  }>`select count(*) as n from (select rowid from groups_fts where groups_fts match ${query.narrowed} limit ${maxKept + 1})`.execute(
    db.kysely
  );
  if ((counted[0]?.n ?? 0) > maxKept) {
    cache.set(key, { generation, matches: null });
    return null;
  }
  const narrowing =
    query.narrowed === query.ranked
      ? sql``
      : sql`and +rowid in (select rowid from groups_fts where groups_fts match ${query.narrowed})`;
  const exactTags = query.tags.map(
    (tag) =>
      sql`and exists (select 1 from group_tags gt where gt.group_id = g.id and gt.tag = ${tag})`
  );
  const { rows } = await sql<
    Omit<TextMatch, 'onlineOnly' | 'hiddenByAdmin'> & { onlineOnly: number; hiddenByAdmin: number }
  >`select g.id, h.rank, g.latitude, g.longitude, g.visibility, g.kind, g.online_only as "onlineOnly",
      g.hidden_by_admin_at is not null as "hiddenByAdmin"
    from (select rowid, bm25(groups_fts, 10.0, 1.0, 5.0) as rank from groups_fts
          where groups_fts match ${query.ranked} ${narrowing}) h
    join groups g on g.rowid = h.rowid
    where 1 ${exactTags.length > 0 ? sql.join(exactTags, sql` `) : sql``}`.execute(db.kysely);
  const matches = rows
    .map((r) => ({ ...r, onlineOnly: r.onlineOnly === 1, hiddenByAdmin: r.hiddenByAdmin === 1 }))
    .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  cache.set(key, { generation, matches });
  return matches;
}

async function searchGeneration(db: Db): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select n from search_generation where id = 1`.execute(db.kysely);
  return rows[0]?.n ?? 0;
}
