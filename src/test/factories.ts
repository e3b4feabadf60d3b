import type { Db } from '../db/database.ts';
import { dbBool } from '../db/values.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { createMeeting, type Meeting } from '../services/event.service.ts';

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

/** A published two-hour meeting of the group a week from now, for tests that need one to exist. */
export async function buildMeeting(
  db: Db,
  queue: JobQueue,
  group: { groupId: string; ownerId: string },
  title: string
): Promise<Meeting> {
  const startsAt = new Date(Date.now() + 7 * 24 * 3600_000);
  return createMeeting(db, queue, group.groupId, group.ownerId, {
    title,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
    timeZone: 'Europe/Berlin',
    publish: true
  });
}
