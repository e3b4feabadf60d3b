import type { Db } from '../db/database.ts';
import { dbBool } from '../db/values.ts';

/** Inserts a verified user straight into the database, for service-level tests. */
export async function insertUser(
  db: Db,
  id: string,
  fields: { name?: string; handle?: string; language?: string } = {}
): Promise<string> {
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('users')
    .values({
      id,
      name: fields.name ?? `User ${id}`,
      email: `${id}@example.org`,
      email_verified: dbBool(db, true),
      image: null,
      created_at: at,
      updated_at: at,
      handle: fields.handle ?? id.replace(/[^a-z0-9]/gi, '').toLowerCase(),
      bio: '',
      city: null,
      country: null,
      time_zone: 'Europe/Berlin',
      language: fields.language ?? 'en',
      tags: '[]',
      is_admin: dbBool(db, false)
    })
    .execute();
  return id;
}
