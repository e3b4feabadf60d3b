// The health rollup's meetings: every meeting that took place in the span (published, started
// before now) with its RSVPs against attendance, newcomers, talks and feedback, and the
// `attended`, `spoke` and `hosted` signals, which all fall on the meeting's day.

import type { Kysely } from 'kysely';
import { dayOf } from '../../domain/health.ts';
import type { Database } from '../../db/schema.ts';
import { toDate } from '../../db/values.ts';
import type { SignalTally, Span } from './health-signals.ts';

export interface MeetingRow {
  event_id: string;
  group_id: string;
  starts_at: string;
  title: string;
  capacity: number | null;
  going: number;
  checked_in: number;
  check_in_used: boolean;
  waitlisted: number;
  new_attendees: number;
  returning_attendees: number;
  member_talks: number;
  guest_talks: number;
  feedback_count: number;
  rating_count: number;
  rating_sum: number;
}

/** Who attended: the checked-in when anyone was, else everyone going. */
export function attendeesOf(
  rsvps: readonly { user_id: string; status: string; checked_in_at: unknown }[]
): { attendees: string[]; checkInUsed: boolean } {
  const checkedIn = rsvps.filter((r) => r.checked_in_at !== null).map((r) => r.user_id);
  if (checkedIn.length > 0) return { attendees: checkedIn, checkInUsed: true };
  return {
    attendees: rsvps.filter((r) => r.status === 'going').map((r) => r.user_id),
    checkInUsed: false
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(row);
    else map.set(key(row), [row]);
  }
  return map;
}

/** Rolls up the meetings that took place in the span; adds their signals to `tally`. */
export async function rollUpMeetings(
  k: Kysely<Database>,
  span: Span,
  tally: SignalTally
): Promise<MeetingRow[]> {
  const events = await k
    .selectFrom('events')
    .select(['id', 'group_id', 'starts_at', 'title', 'capacity', 'created_by'])
    .where('status', '=', 'published')
    .where('starts_at', '>=', span.fromIso)
    .where('starts_at', '<', span.nowIso)
    .execute();
  if (events.length === 0) return [];

  const rsvps = await k
    .selectFrom('rsvps as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    .select(['r.event_id', 'r.user_id', 'r.status', 'r.checked_in_at'])
    .where('e.status', '=', 'published')
    .where('e.starts_at', '>=', span.fromIso)
    .where('e.starts_at', '<', span.nowIso)
    .execute();
  const talks = await k
    .selectFrom('talks as t')
    .innerJoin('events as e', 'e.id', 't.event_id')
    .innerJoin('speakers as s', 's.id', 't.speaker_id')
    .leftJoin('memberships as m', (join) =>
      join
        .onRef('m.group_id', '=', 'e.group_id')
        .onRef('m.user_id', '=', 's.user_id')
        .on('m.status', '=', 'active')
    )
    .select(['t.event_id', 's.user_id', 'm.user_id as member_id'])
    .where('t.status', '=', 'accepted')
    .where('e.status', '=', 'published')
    .where('e.starts_at', '>=', span.fromIso)
    .where('e.starts_at', '<', span.nowIso)
    .execute();
  const rooms = await k
    .selectFrom('meeting_rooms as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    .select(['r.event_id', 'r.opened_by'])
    .where('r.opened_by', 'is not', null)
    .where('e.status', '=', 'published')
    .where('e.starts_at', '>=', span.fromIso)
    .where('e.starts_at', '<', span.nowIso)
    .execute();
  const feedback = await k
    .selectFrom('feedback as f')
    .innerJoin('events as e', 'e.id', 'f.event_id')
    .select(['f.event_id', 'f.rating'])
    .where('e.status', '=', 'published')
    .where('e.starts_at', '>=', span.fromIso)
    .where('e.starts_at', '<', span.nowIso)
    .execute();

  // Who came to a meeting of each group before the span (from the signals already kept).
  const groupIds = [...new Set(events.map((e) => e.group_id))];
  const seen = new Map<string, Set<string>>(groupIds.map((id) => [id, new Set<string>()]));
  const fromDay = span.fromIso.slice(0, 10);
  for (let i = 0; i < groupIds.length; i += 500) {
    const earlier = await k
      .selectFrom('health_signals')
      .select(['group_id', 'user_id'])
      .distinct()
      .where('signal', '=', 'attended')
      .where('day', '<', fromDay)
      .where('group_id', 'in', groupIds.slice(i, i + 500))
      .execute();
    for (const row of earlier) seen.get(row.group_id)?.add(row.user_id);
  }

  const rsvpsOf = groupBy(rsvps, (r) => r.event_id);
  const talksOf = groupBy(talks, (t) => t.event_id ?? '');
  const roomsOf = groupBy(rooms, (r) => r.event_id);
  const feedbackOf = groupBy(feedback, (f) => f.event_id);
  const ordered = events
    .map((e) => ({ ...e, at: toDate(e.starts_at) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));

  const rows: MeetingRow[] = [];
  for (const e of ordered) {
    const day = dayOf(e.at);
    const its = rsvpsOf.get(e.id) ?? [];
    const { attendees, checkInUsed } = attendeesOf(its);
    const before = seen.get(e.group_id) ?? new Set<string>();
    let newcomers = 0;
    for (const userId of attendees) {
      if (!before.has(userId)) newcomers += 1;
      tally.signal(e.group_id, day, userId, 'attended');
    }
    for (const userId of attendees) before.add(userId);

    const itsTalks = talksOf.get(e.id) ?? [];
    for (const t of itsTalks) tally.signal(e.group_id, day, t.user_id, 'spoke');
    tally.signal(e.group_id, day, e.created_by, 'hosted');
    for (const r of roomsOf.get(e.id) ?? []) tally.signal(e.group_id, day, r.opened_by, 'hosted');

    const itsFeedback = feedbackOf.get(e.id) ?? [];
    const ratings = itsFeedback.flatMap((f) => (f.rating === null ? [] : [f.rating]));
    const memberTalks = itsTalks.filter((t) => t.member_id !== null).length;
    rows.push({
      event_id: e.id,
      group_id: e.group_id,
      starts_at: e.at.toISOString(),
      title: e.title,
      capacity: e.capacity,
      going: its.filter((r) => r.status === 'going').length,
      checked_in: its.filter((r) => r.checked_in_at !== null).length,
      check_in_used: checkInUsed,
      waitlisted: its.filter((r) => r.status === 'waitlisted').length,
      new_attendees: newcomers,
      returning_attendees: attendees.length - newcomers,
      member_talks: memberTalks,
      guest_talks: itsTalks.length - memberTalks,
      feedback_count: itsFeedback.length,
      rating_count: ratings.length,
      rating_sum: ratings.reduce((a, b) => a + b, 0)
    });
  }
  return rows;
}
