import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Column types that differ between the dialects. Kept inside `migrations/` so migrations stay frozen
 * and never import application code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any> on purpose
export function columnTypes(db: Kysely<any>) {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  return {
    sqlite,
    timestamp: sqlite ? ('text' as const) : ('timestamptz' as const),
    bool: sqlite ? ('integer' as const) : ('boolean' as const),
    false: sqlite ? sql`0` : sql`false`,
    now: sqlite ? sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` : sql`now()`
  };
}
