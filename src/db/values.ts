import { type RawBuilder, type SqlBool, sql } from 'kysely';

/** Reads a timestamp column from either dialect (ISO string on SQLite, Date on PostgreSQL). */
export function toDate(value: Date | string): Date;
export function toDate(value: Date | string | null): Date | null;
export function toDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}

/** Reads a boolean column from either dialect (0/1 on SQLite, boolean on PostgreSQL). */
export function toBool(value: boolean | number): boolean {
  return value === true || value === 1;
}

/** Reads a JSON array-of-strings column; anything else reads as an empty list. */
export function parseJsonList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** A boolean as the dialect stores it: 0/1 on SQLite, a boolean on PostgreSQL. */
export function dbBool(db: { dialect: 'sqlite' | 'postgres' }, value: boolean): boolean | number {
  return db.dialect === 'sqlite' ? (value ? 1 : 0) : value;
}

/**
 * A condition: one of `columns` contains `text`, ignoring case (LIKE with its wildcards escaped),
 * the same on both dialects. Name the columns as the query does (`u.name`).
 *
 * @example
 * db.kysely.selectFrom('users as u').selectAll().where(containsText(['u.name', 'u.email'], 'ada'));
 */
export function containsText(columns: readonly string[], text: string): RawBuilder<SqlBool> {
  const like = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const each = columns.map((column) => sql`lower(${sql.ref(column)}) like ${like} escape '\\'`);
  return sql<SqlBool>`(${sql.join(each, sql` or `)})`;
}
