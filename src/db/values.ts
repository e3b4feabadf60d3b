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
