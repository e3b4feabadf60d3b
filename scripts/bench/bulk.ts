// Bulk-writing helpers of the bench generators: a seeded random source, deterministic ids, check-in
// codes and a fast multi-row insert for SQLite and PostgreSQL.
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

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

/**
 * A deterministic UUID-shaped id (version 8, "custom"): the kind of row and the sequence number,
 * so ids are reproducible and rows arrive in primary-key order (appends, not random inserts).
 */
export function benchId(kind: number, n: number): string {
  const h = n.toString(16).padStart(22, '0');
  return `be0c${kind.toString(16).padStart(4, '0')}-${h.slice(0, 4)}-8${h.slice(4, 7)}-8${h.slice(7, 10)}-${h.slice(10)}`;
}

/** PostgreSQL array types of the columns a bulk insert writes (SQLite needs none). */
export type PgType = 'text' | 'int4' | 'float8' | 'bool' | 'timestamptz';
export type Value = string | number | boolean | null;

/**
 * Inserts rows given as value arrays in `columns` order, in one transaction: on SQLite through one
 * prepared multi-row INSERT reused for every full batch (no query building per batch), on
 * PostgreSQL as `INSERT … SELECT * FROM UNNEST($1::text[], …)` (one parameter per column).
 * Returns how many rows it wrote.
 */
export async function bulkInsert(
  db: Db,
  table: string,
  columns: Record<string, PgType>,
  rows: Iterable<Value[]>
): Promise<number> {
  const names = Object.keys(columns);
  const list = names.map((c) => `"${c}"`).join(', ');
  let count = 0;
  if (db.sqlite) {
    const sqlite = db.sqlite;
    const batch = Math.min(1000, Math.floor(32_000 / names.length));
    const tuple = `(${names.map(() => '?').join(', ')})`;
    const statement = (n: number) =>
      sqlite.prepare(
        `insert into "${table}" (${list}) values ${Array.from({ length: n }, () => tuple).join(', ')}`
      );
    const full = statement(batch);
    let values: (string | number | null)[] = [];
    let inBatch = 0;
    sqlite.exec('begin');
    try {
      for (const row of rows) {
        for (const v of row) values.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
        count++;
        if (++inBatch === batch) {
          full.run(values);
          values = [];
          inBatch = 0;
        }
      }
      if (inBatch > 0) statement(inBatch).run(values);
      sqlite.exec('commit');
    } catch (error) {
      sqlite.exec('rollback');
      throw error;
    }
    return count;
  }
  const types = Object.values(columns);
  const batch = 10_000;
  await db.kysely.transaction().execute(async (trx) => {
    let arrays: Value[][] = names.map(() => []);
    let inBatch = 0;
    const flush = async () => {
      if (inBatch === 0) return;
      const params = arrays.map((a, i) => sql`${a}::${sql.raw(types[i] ?? 'text')}[]`);
      await sql`insert into ${sql.table(table)} (${sql.raw(list)}) select * from unnest(${sql.join(params)})`.execute(
        trx
      );
      arrays = names.map(() => []);
      inBatch = 0;
    };
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) arrays[i]?.push(row[i] ?? null);
      count++;
      if (++inBatch === batch) await flush();
    }
    await flush();
  });
  return count;
}

// Check-in codes as the app writes them (8 characters, no 0/O, 1/I/L), here numbered.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function checkInCode(n: number): string {
  let code = '';
  for (let i = 0; i < 8; i++) {
    code = CODE_ALPHABET.charAt(n % CODE_ALPHABET.length) + code;
    n = Math.floor(n / CODE_ALPHABET.length);
  }
  return code;
}

export const DAY_MS = 86_400_000;
