import { randomInt } from 'node:crypto';
import type { Db } from '../db/database.ts';

/**
 * The first free handle starting from `base`: `base`, then `base-2` … `base-9`, then random suffixes.
 *
 * @example
 * await uniqueHandle(db, 'ada'); // 'ada' or 'ada-2' when taken
 */
export async function uniqueHandle(db: Db, base: string): Promise<string> {
  const candidates = [base, ...Array.from({ length: 8 }, (_, i) => `${base}-${i + 2}`)];
  const taken = new Set(
    (
      await db.kysely
        .selectFrom('users')
        .select('handle')
        .where('handle', 'in', candidates)
        .execute()
    ).map((r) => r.handle)
  );
  const free = candidates.find((c) => !taken.has(c));
  if (free) return free;
  for (;;) {
    const candidate = `${base}-${randomInt(10, 100_000)}`;
    const row = await db.kysely
      .selectFrom('users')
      .select('id')
      .where('handle', '=', candidate)
      .executeTakeFirst();
    if (!row) return candidate;
  }
}
