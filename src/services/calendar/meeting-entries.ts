import type { Db } from '../../db/database.ts';
import { markdownExcerpt } from '../../domain/markdown.ts';
import type { Meeting } from '../event.service.ts';
import { findVenues } from '../venue.service.ts';
import type { CalendarMeeting } from './calendar-feed.ts';

/** The longest description a calendar entry carries (plain text, cut at a word). */
const DESCRIPTION_MAX = 2_000;

/**
 * Meetings as calendar entries: stable UIDs from the instance's host, the meeting page as URL,
 * venue and group read in one query each. The online link is included only where
 * `showOnlineLink(meeting)` says the reader may see it.
 */
export async function calendarEntries(
  db: Db,
  meetings: Meeting[],
  options: { baseUrl: string; showOnlineLink: (meeting: Meeting) => boolean }
): Promise<CalendarMeeting[]> {
  if (meetings.length === 0) return [];
  const host = new URL(options.baseUrl).host;
  const venues = new Map(
    (
      await findVenues(
        db,
        meetings.map((m) => m.venueId)
      )
    ).map((v) => [v.id, v])
  );
  const groups = new Map(
    (
      await db.kysely
        .selectFrom('groups')
        .select(['id', 'slug', 'name'])
        .where('id', 'in', [...new Set(meetings.map((m) => m.groupId))])
        .execute()
    ).map((g) => [g.id, g])
  );
  return meetings.flatMap((m) => {
    const group = groups.get(m.groupId);
    if (!group) return [];
    const venue = m.venueId ? venues.get(m.venueId) : undefined;
    return [
      {
        id: m.id,
        uid: `event-${m.id}@${host}`,
        sequence: m.sequence,
        title: m.title,
        description: markdownExcerpt(m.description, DESCRIPTION_MAX),
        url: `${options.baseUrl}/groups/${group.slug}/events/${m.id}`,
        start: m.startsAt,
        end: m.endsAt,
        timeZone: m.timeZone,
        status: m.status === 'cancelled' ? 'cancelled' : 'confirmed',
        cancelReason: m.cancelReason,
        venue: venue ? { name: venue.name, address: venue.address, room: venue.room } : null,
        onlineUrl: options.showOnlineLink(m) ? m.onlineUrl : null,
        online: m.onlineUrl !== null,
        organizer: { name: group.name },
        created: m.createdAt,
        updated: m.updatedAt,
        groupName: group.name
      }
    ];
  });
}
