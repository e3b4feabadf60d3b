import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { toDate } from '../../db/values.ts';
import { digest } from '../token.service.ts';

/**
 * A person's calendar feed of every meeting they are going to, at a secret URL. Only a digest of
 * the secret is stored; a new feed replaces the old one, and turning it off ends it at once.
 */
export async function createPersonalFeed(
  db: Db,
  userId: string,
  now = new Date()
): Promise<string> {
  const secret = randomBytes(30).toString('base64url');
  await db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('calendar_feeds').where('user_id', '=', userId).execute();
    await trx
      .insertInto('calendar_feeds')
      .values({
        id: randomUUID(),
        user_id: userId,
        token_hash: digest(secret),
        created_at: now.toISOString()
      })
      .execute();
  });
  return secret;
}

export async function deletePersonalFeed(db: Db, userId: string): Promise<void> {
  await db.kysely.deleteFrom('calendar_feeds').where('user_id', '=', userId).execute();
}

/** Whose feed a secret opens, or null. */
export async function ownerOfFeed(db: Db, secret: string): Promise<string | null> {
  const row = await db.kysely
    .selectFrom('calendar_feeds')
    .select('user_id')
    .where('token_hash', '=', digest(secret))
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** When the person's feed was made, or null when they have none. */
export async function personalFeedCreatedAt(db: Db, userId: string): Promise<Date | null> {
  const row = await db.kysely
    .selectFrom('calendar_feeds')
    .select('created_at')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? toDate(row.created_at) : null;
}
