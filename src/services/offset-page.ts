import type { SelectQueryBuilder } from 'kysely';

/** Which rows of a list: `limit` of them from `offset` on. */
export interface OffsetRange {
  offset: number;
  limit: number;
}

/** A page of a list and where the next one starts (null: this is the last). */
export interface OffsetPage<T> {
  items: T[];
  nextOffset: number | null;
}

/**
 * Reads the page `range` of an ordered `query` — one row more than asked, to know whether another
 * page follows — and presents its rows.
 *
 * @example
 * return offsetPage(query.orderBy('u.created_at', 'desc'), { offset: 0, limit: 50 }, (r) => r.id);
 */
export async function offsetPage<DB, TB extends keyof DB, O, T>(
  query: SelectQueryBuilder<DB, TB, O>,
  range: OffsetRange,
  present: (row: O) => T
): Promise<OffsetPage<T>> {
  const rows = await query
    .limit(range.limit + 1)
    .offset(range.offset)
    .execute();
  return {
    items: rows.slice(0, range.limit).map(present),
    nextOffset: rows.length > range.limit ? range.offset + range.limit : null
  };
}
