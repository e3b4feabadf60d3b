import type { Db } from '../../db/database.ts';
import { EXPORTED } from './personal-data.ts';

/** Columns stored as JSON text: exported as the values they hold. */
const JSON_COLUMNS = new Set(['tags', 'answers', 'details', 'payload', 'links', 'picked']);

type Row = Record<string, unknown>;

/** Everything Guildhall keeps about one person, as they download it. */
export interface DataExport {
  format: 'guildhall-data-export';
  version: 1;
  exportedAt: string;
  /** Each section's rows, keyed as in `EXPORTED`. */
  sections: Record<string, Row[]>;
  /** The groups and meetings the sections refer to by id, so the file reads on its own. */
  groups: Row[];
  meetings: Row[];
}

/** `created_at` → `createdAt`. */
function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function present(row: Row, omit: readonly string[] = []): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (omit.includes(key)) continue;
    out[camel(key)] = JSON_COLUMNS.has(key) && typeof value === 'string' ? parseJson(value) : value;
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The ids a column holds across every section's rows (raw, before presenting). */
function idsOf(rows: Row[], column: string): string[] {
  const ids = new Set<string>();
  for (const row of rows) {
    const id = row[column];
    if (typeof id === 'string') ids.add(id);
  }
  return [...ids];
}

/**
 * Everything stored about `userId` that is theirs (see `EXPORTED`), or null when there is no such
 * account. Secrets — password hashes, token digests — are left out; everything else is as stored.
 *
 * @example
 * const data = await exportPersonalData(db, userId);
 * data?.sections.rsvps; // [{ eventId, status: 'going', guests: 0, … }]
 */
export async function exportPersonalData(db: Db, userId: string): Promise<DataExport | null> {
  const sections: Record<string, Row[]> = {};
  const raw: Row[] = [];
  for (const source of EXPORTED) {
    const rows = (await db.kysely
      .selectFrom(source.table)
      .selectAll()
      // The lists are checked against the schema's foreign keys, so the column exists.
      .where(source.column as never, '=', userId as never)
      .execute()) as Row[];
    raw.push(...rows);
    sections[source.section] = rows.map((row) => present(row, source.omit));
  }
  if ((sections.account ?? []).length === 0) return null;

  const groupIds = idsOf(raw, 'group_id');
  const eventIds = idsOf(raw, 'event_id');
  const groups =
    groupIds.length === 0
      ? []
      : await db.kysely
          .selectFrom('groups')
          .select(['id', 'slug', 'name'])
          .where('id', 'in', groupIds)
          .orderBy('name')
          .execute();
  const meetings =
    eventIds.length === 0
      ? []
      : await db.kysely
          .selectFrom('events')
          .select(['id', 'group_id', 'title', 'starts_at', 'ends_at', 'time_zone'])
          .where('id', 'in', eventIds)
          .orderBy('starts_at')
          .execute();
  return {
    format: 'guildhall-data-export',
    version: 1,
    exportedAt: new Date().toISOString(),
    sections,
    groups: groups.map((g) => present(g)),
    meetings: meetings.map((m) => present(m))
  };
}
