// Test support (not app code): a group history that puts members on the gone-quiet list, and a
// rollup from scratch so the aggregates hold it.

import type { Db } from '../../../db/database.ts';
import { daysBefore, dayOf } from '../../../domain/health.ts';
import { rollUpHealth } from '../../../services/health/health-rollup.ts';

const DAY = 86_400_000;

/** Days before now the group's meetings began: six long ago, one within the quiet period. */
export const PAST_MEETINGS = [200, 185, 170, 155, 140, 125] as const;
export const RECENT_MEETING = 20;

let counter = 0;

async function meeting(db: Db, groupId: string, hostId: string, startsAt: Date): Promise<string> {
  counter += 1;
  const id = `hm-${groupId.slice(0, 8)}-${counter}`;
  const created = new Date(startsAt.getTime() - 30 * DAY).toISOString();
  await db.kysely
    .insertInto('events')
    .values({
      id,
      group_id: groupId,
      series_id: null,
      occurrence_start: null,
      title: `Meetup ${counter}`,
      starts_at: startsAt.toISOString(),
      ends_at: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(),
      time_zone: 'Europe/Berlin',
      venue_id: null,
      online_url: null,
      capacity: 30,
      rsvp_opens_at: null,
      rsvp_closes_at: null,
      status: 'published',
      cancel_reason: null,
      created_by: hostId,
      created_at: created,
      updated_at: created,
      published_at: created
    })
    .execute();
  return id;
}

async function checkedIn(db: Db, eventId: string, userId: string, startsAt: Date): Promise<void> {
  const rsvpAt = new Date(startsAt.getTime() - 10 * DAY).toISOString();
  await db.kysely
    .insertInto('rsvps')
    .values({
      event_id: eventId,
      user_id: userId,
      status: 'going',
      queue_no: null,
      check_in_code: `${eventId}-${userId}`.slice(0, 60),
      checked_in_at: new Date(startsAt.getTime() + 30 * 60_000).toISOString(),
      created_at: rsvpAt,
      updated_at: rsvpAt
    })
    .execute();
}

/**
 * Six meetings long before the quiet period (90 days) that `regulars` all came to (checked in),
 * and a recent one that only `active` came to: the regulars who are not active have gone quiet.
 * The meetings are hosted by `hostId`.
 */
export async function buildQuietHistory(
  db: Db,
  groupId: string,
  people: { hostId: string; regulars: readonly string[]; active: readonly string[] },
  now: Date = new Date()
): Promise<void> {
  for (const daysAgo of PAST_MEETINGS) {
    const startsAt = new Date(now.getTime() - daysAgo * DAY);
    const id = await meeting(db, groupId, people.hostId, startsAt);
    for (const userId of people.regulars) await checkedIn(db, id, userId, startsAt);
  }
  const startsAt = new Date(now.getTime() - RECENT_MEETING * DAY);
  const recent = await meeting(db, groupId, people.hostId, startsAt);
  for (const userId of people.active) await checkedIn(db, recent, userId, startsAt);
}

/**
 * Runs the health rollup over all history (as its first run does), so rows inserted with old
 * timestamps count; a later run would only go back two weeks.
 */
export async function rollUpAll(db: Db, now: Date = new Date()) {
  await db.kysely.deleteFrom('health_state').where('key', '=', 'signals_until').execute();
  return rollUpHealth(db, { now });
}

/** The first day of the quiet period (default 90 days) as of `now`. */
export function quietSince(now: Date = new Date(), quietDays = 90): string {
  return daysBefore(dayOf(now), quietDays - 1);
}
