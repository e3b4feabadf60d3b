// The health rollup's meetings: every meeting that took place in the span (published, started
// before now) with its RSVPs against attendance, newcomers, talks and feedback, and the
// `attended`, `spoke` and `hosted` signals, which all fall on the meeting's day.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
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

/** Events whose RSVPs, talks, rooms and feedback are read per query. */
const EVENTS_PER_READ = 500;
/** Users per query of earlier attendance, and group × user combinations the index is probed for. */
const USERS_PER_READ = 1_000;
const PROBES_PER_READ = 20_000;

/**
 * Which of the given (group → users) pairs have an `attended` signal before `beforeDay`, as
 * `<groupId>:<userId>`. Only the pairs asked about are looked up (index probes on group, user,
 * day), so the answer is as large as one span's attendees, not as all history's.
 */
async function earlierAttendees(
  k: Kysely<Database>,
  beforeDay: string,
  pairs: ReadonlyMap<string, ReadonlySet<string>>
): Promise<Set<string>> {
  const found = new Set<string>();
  let groupIds: string[] = [];
  let userIds = new Set<string>();
  const flush = async () => {
    if (groupIds.length === 0) return;
    const rows = await k
      .selectFrom('health_signals')
      .select(['group_id', 'user_id'])
      .distinct()
      .where('group_id', 'in', groupIds)
      .where('user_id', 'in', [...userIds])
      .where('day', '<', beforeDay)
      .where('signal', '=', 'attended')
      .execute();
    for (const r of rows) found.add(`${r.group_id}:${r.user_id}`);
    groupIds = [];
    userIds = new Set<string>();
  };
  for (const [groupId, users] of pairs) {
    const list = [...users];
    for (let i = 0; i < list.length; i += USERS_PER_READ) {
      const piece = list.slice(i, i + USERS_PER_READ);
      const union = new Set([...userIds, ...piece]);
      if ((groupIds.length + 1) * union.size > PROBES_PER_READ || union.size > USERS_PER_READ)
        await flush();
      groupIds.push(groupId);
      for (const u of piece) userIds.add(u);
    }
  }
  await flush();
  return found;
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

  // Everything else is looked up by the span's event ids (primary keys and event indexes), a
  // chunk at a time, with a turn for the event loop in between.
  type Rsvp = { event_id: string; user_id: string; status: string; checked_in_at: unknown };
  type Talk = { event_id: string | null; user_id: string | null; member_id: string | null };
  const rsvps: Rsvp[] = [];
  const talks: Talk[] = [];
  const rooms: { event_id: string; opened_by: string | null }[] = [];
  const feedback: { event_id: string; rating: number | null }[] = [];
  for (let i = 0; i < events.length; i += EVENTS_PER_READ) {
    const ids = events.slice(i, i + EVENTS_PER_READ).map((e) => e.id);
    rsvps.push(
      ...(await k
        .selectFrom('rsvps')
        .select(['event_id', 'user_id', 'status', 'checked_in_at'])
        .where('event_id', 'in', ids)
        .execute())
    );
    talks.push(
      ...(await k
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
        .where('t.event_id', 'in', ids)
        .execute())
    );
    rooms.push(
      ...(await k
        .selectFrom('meeting_rooms')
        .select(['event_id', 'opened_by'])
        .where('opened_by', 'is not', null)
        .where('event_id', 'in', ids)
        .execute())
    );
    feedback.push(
      ...(await k
        .selectFrom('feedback')
        .select(['event_id', 'rating'])
        .where('event_id', 'in', ids)
        .execute())
    );
    await yieldToEventLoop();
  }

  // Who of this span's attendees came to a meeting of the same group before it (from the signals
  // already kept: earlier slices of a run are written before later ones are read).
  const pairs = new Map<string, Set<string>>();
  const rsvpsOf = groupBy(rsvps, (r) => r.event_id);
  for (const e of events) {
    const users = pairs.get(e.group_id) ?? new Set<string>();
    pairs.set(e.group_id, users);
    for (const userId of attendeesOf(rsvpsOf.get(e.id) ?? []).attendees) users.add(userId);
  }
  const earlier = await earlierAttendees(k, span.fromIso.slice(0, 10), pairs);
  const seen = new Map<string, Set<string>>();
  for (const [groupId, users] of pairs)
    seen.set(groupId, new Set([...users].filter((u) => earlier.has(`${groupId}:${u}`))));

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
