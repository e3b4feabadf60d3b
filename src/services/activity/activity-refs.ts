// How producers name groups, people and meetings in activity payloads (read inside their own
// write transaction, so the payload matches what was committed).

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { GroupRef, MeetingRef, PersonRef } from './activity-types.ts';

export async function groupRef(k: Kysely<Database>, groupId: string): Promise<GroupRef> {
  const row = await k
    .selectFrom('groups')
    .select(['id', 'slug', 'name'])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  return { id: row.id, slug: row.slug, name: row.name };
}

export async function personRef(k: Kysely<Database>, userId: string): Promise<PersonRef> {
  const row = await k
    .selectFrom('users')
    .select(['id', 'handle', 'name'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return { id: userId, handle: row?.handle ?? '', displayName: row?.name ?? '' };
}

/** A meeting as activities name it, with its site-relative path. */
export function meetingRef(
  meeting: { id: string; title: string; startsAt: Date; endsAt: Date; timeZone: string },
  groupSlug: string
): MeetingRef {
  return {
    id: meeting.id,
    title: meeting.title,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    timeZone: meeting.timeZone,
    path: `/groups/${encodeURIComponent(groupSlug)}/events/${encodeURIComponent(meeting.id)}`
  };
}
