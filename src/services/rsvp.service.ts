import { randomInt } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, RsvpsTable } from '../db/schema.ts';
import { dbBool, toBool, toDate } from '../db/values.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { arrive, changeGuests, promote, type RsvpStatus } from '../domain/rsvp.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import {
  lockMeeting,
  type Meeting,
  meetingPage,
  presentMeeting,
  startsAfter
} from './event.service.ts';
import { MEETING_MAIL_QUEUE, type MeetingMailJob } from './meeting-mail-jobs.ts';
import { nudgeActivities, recordActivity } from './activity/activity.service.ts';
import { groupRef, meetingRef, personRef } from './activity/activity-refs.ts';

/** One person's answer to one meeting. */
export interface Rsvp {
  eventId: string;
  userId: string;
  status: RsvpStatus;
  guests: number;
  /** 1 for the first in line while waitlisted, else null. */
  waitlistPosition: number | null;
  checkInCode: string;
  checkedInAt: Date | null;
  fromSeries: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type RsvpProblem =
  | 'notFound'
  | 'notPublished'
  | 'cancelled'
  | 'notOpenYet'
  | 'closed'
  | 'full'
  | 'tooManyGuests'
  | 'notGoing'
  | 'capacityBelowTaken';

export class RsvpError extends Error {
  readonly problem: RsvpProblem;
  constructor(problem: RsvpProblem) {
    super(problem);
    this.name = 'RsvpError';
    this.problem = problem;
  }
}

function present(row: Selectable<RsvpsTable>, waitlistPosition: number | null): Rsvp {
  return {
    eventId: row.event_id,
    userId: row.user_id,
    status: row.status as RsvpStatus,
    guests: row.guests,
    waitlistPosition: row.status === 'waitlisted' ? waitlistPosition : null,
    checkInCode: row.check_in_code,
    checkedInAt: row.checked_in_at === null ? null : toDate(row.checked_in_at),
    fromSeries: toBool(row.from_series),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

// Check-in codes people read out or type: no 0/O, 1/I/L. Ten characters (31^10 ≈ 8·10^14) keep a
// collision among millions of RSVPs as unlikely as a disk error.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 10;
function checkInCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++)
    code += CODE_ALPHABET.charAt(randomInt(CODE_ALPHABET.length));
  return code;
}

/** Why RSVPs are not taken now, or null when they are. */
export function rsvpWindow(meeting: Meeting, now = new Date()): RsvpProblem | null {
  if (meeting.status === 'draft') return 'notPublished';
  if (meeting.status === 'cancelled') return 'cancelled';
  if (meeting.rsvpOpensAt && now < meeting.rsvpOpensAt) return 'notOpenYet';
  const closes = meeting.rsvpClosesAt ?? meeting.startsAt;
  if (now >= closes) return 'closed';
  return null;
}

async function positionOf(
  kysely: Kysely<Database>,
  eventId: string,
  queueNo: number | null
): Promise<number | null> {
  if (queueNo === null) return null;
  const ahead = await kysely
    .selectFrom('rsvps')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('event_id', '=', eventId)
    .where('status', '=', 'waitlisted')
    .where('queue_no', '<', queueNo)
    .executeTakeFirstOrThrow();
  return Number(ahead.n) + 1;
}

export async function findRsvp(db: Db, eventId: string, userId: string): Promise<Rsvp | null> {
  const row = await db.kysely
    .selectFrom('rsvps')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  return present(row, await positionOf(db.kysely, eventId, row.queue_no));
}

/** The user's answers to several meetings at once, by meeting id (waitlist positions included). */
export async function rsvpsOf(
  db: Db,
  userId: string,
  eventIds: string[]
): Promise<Map<string, Rsvp>> {
  if (eventIds.length === 0) return new Map();
  const rows = await db.kysely
    .selectFrom('rsvps')
    .selectAll()
    .where('user_id', '=', userId)
    .where('event_id', 'in', eventIds)
    .execute();
  const result = new Map<string, Rsvp>();
  for (const row of rows) {
    result.set(row.event_id, present(row, await positionOf(db.kysely, row.event_id, row.queue_no)));
  }
  return result;
}

/**
 * Moves people from the front of the waitlist to going while their seats fit (first come, first
 * served; nobody is skipped). Runs inside the caller's write transaction, after the meeting's row
 * is locked. Returns who moved up.
 */
export async function promoteWaitlist(
  trx: Kysely<Database>,
  eventId: string,
  now = new Date()
): Promise<string[]> {
  return (await promoteCounted(trx, eventId, now)).userIds;
}

/** `promoteWaitlist`, also saying how many seats the people who moved up took. */
async function promoteCounted(
  trx: Kysely<Database>,
  eventId: string,
  now: Date
): Promise<{ userIds: string[]; seats: number }> {
  const none = { userIds: [], seats: 0 };
  const event = await trx
    .selectFrom('events')
    .select(['capacity', 'going_seats', 'waitlist_count', 'status'])
    .where('id', '=', eventId)
    .executeTakeFirst();
  if (!event || event.status === 'cancelled' || event.waitlist_count === 0) return none;
  // Not even one seat free: nobody can move up, so the waitlist is not read (an RSVP storm on a
  // full meeting would otherwise read the whole line on every answer).
  if (event.capacity !== null && event.going_seats >= event.capacity) return none;
  const waiting = await trx
    .selectFrom('rsvps')
    .select(['user_id', 'guests'])
    .where('event_id', '=', eventId)
    .where('status', '=', 'waitlisted')
    .orderBy('queue_no')
    .execute();
  const moving = promote(
    { capacity: event.capacity, taken: event.going_seats },
    waiting.map((w) => ({ userId: w.user_id, seats: 1 + w.guests }))
  );
  if (moving.length === 0) return none;
  const userIds = moving.map((m) => m.userId);
  await trx
    .updateTable('rsvps')
    .set({ status: 'going', queue_no: null, updated_at: now.toISOString() })
    .where('event_id', '=', eventId)
    .where('user_id', 'in', userIds)
    .execute();
  const seats = moving.reduce((sum, m) => sum + m.seats, 0);
  await trx
    .updateTable('events')
    .set({
      going_seats: sql`going_seats + ${seats}`,
      waitlist_count: sql`waitlist_count - ${moving.length}`
    })
    .where('id', '=', eventId)
    .execute();
  return { userIds, seats };
}

/**
 * Says going (with guests) or not going, in one write transaction per answer so seats are never
 * overbooked however many arrive at once: the meeting's row is locked first (BEGIN IMMEDIATE on
 * SQLite, SELECT … FOR UPDATE on PostgreSQL), seat counts are read and written under that lock.
 * Someone who is already waitlisted keeps their place; a freed seat goes to the front of the line,
 * who are told by mail.
 */
export async function respond(
  db: Db,
  queue: JobQueue,
  eventId: string,
  userId: string,
  answer: { going: boolean; guests: number; fromSeries?: boolean },
  now = new Date()
): Promise<Rsvp> {
  return (await respondWithMeeting(db, queue, eventId, userId, answer, now)).rsvp;
}

/**
 * `respond`, also returning the meeting as the answer left it (its seat and waitlist counts).
 * Both are worked out inside the write transaction from what it read and wrote, so answering
 * costs no read after the commit.
 *
 * @example
 * const { rsvp, meeting } = await respondWithMeeting(db, queue, eventId, userId, { going: true, guests: 0 });
 * rsvp.status; // 'going' or 'waitlisted'
 * meeting.goingSeats; // seats taken right after this answer
 */
export async function respondWithMeeting(
  db: Db,
  queue: JobQueue,
  eventId: string,
  userId: string,
  answer: { going: boolean; guests: number; fromSeries?: boolean },
  now = new Date()
): Promise<{ rsvp: Rsvp; meeting: Meeting }> {
  const { promoted, changed, rsvp, meeting } = await writeTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, db, eventId);
    if (!meeting) throw new RsvpError('notFound');
    const closed = rsvpWindow(meeting, now);
    if (closed) throw new RsvpError(closed);
    const guests = answer.going ? answer.guests : 0;
    if (guests > meeting.guestLimit) throw new RsvpError('tooManyGuests');

    const existing = await trx
      .selectFrom('rsvps')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    const at = now.toISOString();
    const seats = {
      capacity: meeting.capacity,
      taken: meeting.goingSeats,
      waiting: meeting.waitlistCount
    };
    let seatDelta = 0;
    let waitDelta = 0;
    let status: RsvpStatus;
    let queueNo: number | null = null;

    if (answer.going && existing?.status === 'going') {
      const refusal = changeGuests(seats, existing.guests, guests, meeting.guestLimit);
      if (refusal) throw new RsvpError(refusal);
      status = 'going';
      seatDelta = guests - existing.guests;
    } else if (answer.going && existing?.status === 'waitlisted') {
      status = 'waitlisted';
      queueNo = existing.queue_no;
    } else if (answer.going) {
      status = arrive(seats, guests);
      if (status === 'going') {
        seatDelta = 1 + guests;
      } else {
        waitDelta = 1;
        const last = await trx
          .selectFrom('rsvps')
          .select((eb) => eb.fn.max('queue_no').as('q'))
          .where('event_id', '=', eventId)
          // Only the waiting hold a number; so said, the index finds the last one at once.
          .where('status', '=', 'waitlisted')
          .executeTakeFirst();
        queueNo = (last?.q ?? 0) + 1;
      }
    } else {
      status = 'not_going';
      if (existing?.status === 'going') seatDelta = -(1 + existing.guests);
      if (existing?.status === 'waitlisted') waitDelta = -1;
    }

    let written: Selectable<RsvpsTable>;
    if (existing) {
      const changes = {
        status,
        guests,
        queue_no: queueNo,
        from_series: answer.fromSeries ? dbBool(db, true) : existing.from_series,
        updated_at: at
      };
      await trx
        .updateTable('rsvps')
        .set(changes)
        .where('event_id', '=', eventId)
        .where('user_id', '=', userId)
        .execute();
      written = { ...existing, ...changes };
    } else {
      written = {
        event_id: eventId,
        user_id: userId,
        status,
        guests,
        queue_no: queueNo,
        check_in_code: checkInCode(),
        checked_in_at: null,
        from_series: dbBool(db, answer.fromSeries ?? false),
        created_at: at,
        updated_at: at
      };
      await trx.insertInto('rsvps').values(written).execute();
    }
    if (seatDelta !== 0 || waitDelta !== 0) {
      await trx
        .updateTable('events')
        .set({
          going_seats: sql`going_seats + ${seatDelta}`,
          waitlist_count: sql`waitlist_count + ${waitDelta}`
        })
        .where('id', '=', eventId)
        .execute();
    }
    const changed =
      existing?.status !== status && (existing !== undefined || status !== 'not_going');
    if (changed) {
      const group = await groupRef(trx, meeting.groupId);
      await recordActivity(trx, {
        kind: 'rsvp.changed',
        groupId: meeting.groupId,
        actorId: userId,
        subjectType: 'event',
        subjectId: eventId,
        payload: {
          group,
          meeting: meetingRef(meeting, group.slug),
          member: await personRef(trx, userId),
          status
        }
      });
    }
    const moved = await promoteCounted(trx, eventId, now);
    if (moved.userIds.includes(userId)) {
      written = { ...written, status: 'going', queue_no: null, updated_at: at };
    }
    // Someone who just joined the line is last in it: everyone waiting before (the meeting's
    // waitlist count, which moves with every row in this same lock) is ahead, less those who
    // just moved up. Anyone else's place is counted.
    const position =
      written.status !== 'waitlisted'
        ? null
        : existing?.status !== 'waitlisted'
          ? meeting.waitlistCount + 1 - moved.userIds.length
          : await positionOf(trx, eventId, written.queue_no);
    return {
      promoted: moved.userIds,
      changed,
      rsvp: present(written, position),
      meeting: {
        ...meeting,
        goingSeats: meeting.goingSeats + seatDelta + moved.seats,
        waitlistCount: meeting.waitlistCount + waitDelta - moved.userIds.length
      }
    };
  });
  if (changed) nudgeActivities(queue);
  if (promoted.length > 0) {
    const job: MeetingMailJob = { kind: 'promoted', eventId, userIds: promoted };
    await queue.enqueue(MEETING_MAIL_QUEUE, job);
  }
  return { rsvp, meeting };
}

/** Someone at the meeting, as organizers and members see the list. */
export interface Attendee {
  userId: string;
  name: string;
  handle: string;
  status: RsvpStatus;
  guests: number;
  waitlistPosition: number | null;
  checkedInAt: Date | null;
}

/**
 * People going (and, for hosts, waiting), searchable by name or handle; the waitlist in line
 * order. `status` filters.
 */
export async function listAttendees(
  db: Db,
  eventId: string,
  options: { statuses: RsvpStatus[]; q?: string | undefined; userIds?: string[] }
): Promise<Attendee[]> {
  let query = db.kysely
    .selectFrom('rsvps as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select([
      'r.user_id',
      'r.status',
      'r.guests',
      'r.queue_no',
      'r.checked_in_at',
      'u.name',
      'u.handle'
    ])
    .where('r.event_id', '=', eventId)
    .where('r.status', 'in', options.statuses);
  if (options.userIds) query = query.where('r.user_id', 'in', options.userIds);
  const q = options.q?.trim().toLowerCase();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(sql`lower(u.name)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(u.handle)`, 'like', sql`${like} escape '\\'`)
      ])
    );
  }
  const rows = await query.orderBy('r.status').orderBy('r.queue_no').orderBy('u.name').execute();
  let position = 0;
  const waitPositions = new Map<string, number>();
  if (options.statuses.includes('waitlisted')) {
    const waiting = await db.kysely
      .selectFrom('rsvps')
      .select('user_id')
      .where('event_id', '=', eventId)
      .where('status', '=', 'waitlisted')
      .orderBy('queue_no')
      .execute();
    for (const w of waiting) waitPositions.set(w.user_id, ++position);
  }
  return rows.map((row) => ({
    userId: row.user_id,
    name: row.name,
    handle: row.handle,
    status: row.status as RsvpStatus,
    guests: row.guests,
    waitlistPosition: waitPositions.get(row.user_id) ?? null,
    checkedInAt: row.checked_in_at === null ? null : toDate(row.checked_in_at)
  }));
}

/**
 * Checks someone in by their personal code or by user id (hosts at the door). Only people going
 * are checked in; doing it twice keeps the first time.
 */
export async function checkIn(
  db: Db,
  eventId: string,
  who: { code: string } | { userId: string },
  now = new Date()
): Promise<Rsvp> {
  let query = db.kysely.selectFrom('rsvps').selectAll().where('event_id', '=', eventId);
  query =
    'code' in who
      ? query.where('check_in_code', '=', who.code.trim().toUpperCase())
      : query.where('user_id', '=', who.userId);
  const row = await query.executeTakeFirst();
  if (!row) throw new RsvpError('notFound');
  if (row.status !== 'going') throw new RsvpError('notGoing');
  if (row.checked_in_at === null) {
    await db.kysely
      .updateTable('rsvps')
      .set({ checked_in_at: now.toISOString(), updated_at: now.toISOString() })
      .where('event_id', '=', eventId)
      .where('user_id', '=', row.user_id)
      .where('checked_in_at', 'is', null)
      .execute();
  }
  const rsvp = await findRsvp(db, eventId, row.user_id);
  if (!rsvp) throw new RsvpError('notFound');
  return rsvp;
}

/** Takes back a check-in made by mistake. */
export async function undoCheckIn(db: Db, eventId: string, userId: string): Promise<void> {
  const result = await db.kysely
    .updateTable('rsvps')
    .set({ checked_in_at: null })
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new RsvpError('notFound');
}

/** A user's meetings — going or waitlisted, in groups they belong to — upcoming (soonest first) or past (latest first). */
export async function listMyMeetings(
  db: Db,
  userId: string,
  options: {
    when: 'upcoming' | 'past';
    limit: number;
    cursor?: { startsAt: Date; id: string } | undefined;
  },
  now = new Date()
): Promise<{ items: Meeting[]; next: { startsAt: Date; id: string } | null }> {
  const upcoming = options.when === 'upcoming';
  let query = db.kysely
    .selectFrom('rsvps as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    // Only groups the person is still an active member of: after leaving or a ban, old answers
    // must not keep showing a group's meetings.
    .innerJoin('memberships as m', (join) =>
      join.onRef('m.group_id', '=', 'e.group_id').onRef('m.user_id', '=', 'r.user_id')
    )
    .selectAll('e')
    .where('m.status', '=', 'active')
    .where('r.user_id', '=', userId)
    .where('r.status', 'in', ['going', 'waitlisted'])
    .where('e.status', '!=', 'draft')
    .where('e.ends_at', upcoming ? '>' : '<=', now.toISOString());
  if (options.cursor) query = query.where(startsAfter(options.cursor, upcoming, 'e.'));
  const direction = upcoming ? 'asc' : 'desc';
  const rows = await query
    .orderBy('e.starts_at', direction)
    .orderBy('e.id', direction)
    .limit(options.limit + 1)
    .execute();
  return meetingPage(rows.map(presentMeeting), options.limit);
}

/** People going who were not checked in, once the meeting has started. */
export async function listNoShows(db: Db, eventId: string): Promise<Attendee[]> {
  const going = await listAttendees(db, eventId, { statuses: ['going'] });
  return going.filter((a) => a.checkedInAt === null);
}

/**
 * The meetings a person is going to that end after `since`, in groups they are still an active
 * member of (their personal calendar feed).
 */
export async function feedMeetingsOf(db: Db, userId: string, since: Date): Promise<Meeting[]> {
  const rows = await db.kysely
    .selectFrom('rsvps as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    .innerJoin('memberships as m', (join) =>
      join.onRef('m.group_id', '=', 'e.group_id').onRef('m.user_id', '=', 'r.user_id')
    )
    .selectAll('e')
    .where('m.status', '=', 'active')
    .where('r.user_id', '=', userId)
    .where('r.status', '=', 'going')
    .where('e.status', '!=', 'draft')
    .where('e.ends_at', '>', since.toISOString())
    .orderBy('e.starts_at')
    .limit(500)
    .execute();
  return rows.map(presentMeeting);
}

/**
 * Gives up the seats and waitlist places a person holds in a group's meetings that have not
 * started, and their series-wide answers — after they left, were removed or banned. Each freed
 * seat goes to the front of that meeting's waitlist (who are told by mail).
 */
export async function withdrawFromGroup(
  db: Db,
  queue: JobQueue,
  groupId: string,
  userId: string,
  now = new Date()
): Promise<void> {
  await db.kysely
    .deleteFrom('series_rsvps')
    .where('user_id', '=', userId)
    .where('series_id', 'in', (eb) =>
      eb.selectFrom('series').select('id').where('group_id', '=', groupId)
    )
    .execute();
  await giveUpSeats(db, queue, userId, { groupId, now });
}

/**
 * Answers "not going" for a person to every meeting that has not started where they hold a seat
 * or a waitlist place — of one group (`groupId`), or of all. A meeting whose RSVPs are closed
 * keeps its list as it was at the deadline.
 */
export async function giveUpSeats(
  db: Db,
  queue: JobQueue,
  userId: string,
  options: { groupId?: string; now?: Date } = {}
): Promise<void> {
  const now = options.now ?? new Date();
  let query = db.kysely
    .selectFrom('rsvps as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    .select('e.id')
    .where('r.user_id', '=', userId)
    .where('r.status', 'in', ['going', 'waitlisted'])
    .where('e.starts_at', '>', now.toISOString());
  if (options.groupId !== undefined) query = query.where('e.group_id', '=', options.groupId);
  for (const { id } of await query.execute()) {
    try {
      await respond(db, queue, id, userId, { going: false, guests: 0 }, now);
    } catch (error) {
      if (!(error instanceof RsvpError)) throw error;
    }
  }
}
