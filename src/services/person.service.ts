import type { Db } from '../db/database.ts';

/** A person on the wire: the display name and handle of an account. */
export interface Person {
  id: string;
  displayName: string;
  handle: string;
}

/**
 * The account `userId` as a person on the wire; null for no id or an account that is gone.
 *
 * @example
 * const openedBy = await findPerson(db, round.openedBy); // { id, displayName, handle } | null
 */
export async function findPerson(db: Db, userId: string | null): Promise<Person | null> {
  if (!userId) return null;
  const row = await db.kysely
    .selectFrom('users')
    .select(['id', 'name', 'handle'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row ? { id: row.id, displayName: row.name, handle: row.handle } : null;
}
