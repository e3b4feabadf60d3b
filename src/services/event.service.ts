import { randomUUID } from 'node:crypto';
import { type Kysely, type RawBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, EventsTable } from '../db/schema.ts';
import { dbBool, toBool, toDate } from '../db/values.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { changeCapacity } from '../domain/rsvp.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { nudgeActivities, recordActivity } from './activity/activity.service.ts';
import { MEETING_MAIL_QUEUE, type MeetingMailJob } from './meeting-mail-jobs.ts';
import { promoteWaitlist } from './rsvp.service.ts';
import { groupRef, meetingRef } from './activity/activity-refs.ts';

/** Records a `meeting.*` activity about `meeting` (inside the transaction that changed it). */
async function recordMeetingActivity(
  trx: Kysely<Database>,
  kind: 'meeting.published' | 'meeting.changed' | 'meeting.cancelled',
  meeting: Meeting,
  actorId: string | null,
  changed: string[] = []
): Promise<void> {
  const group = await groupRef(trx, meeting.groupId);
  const ref = meetingRef(meeting, group.slug);
  const base = { groupId: meeting.groupId, actorId, subjectType: 'event', subjectId: meeting.id };
  if (kind === 'meeting.changed') {
    await recordActivity(trx, { ...base, kind, payload: { group, meeting: ref, changed } });
  } else {
    await recordActivity(trx, { ...base, kind, payload: { group, meeting: ref } });
  }
}

export type MeetingStatus = 'draft' | 'published' | 'cancelled';

/** A meeting of a group (an "event"), as services and presenters see it. */
export interface Meeting {
  id: string;
  groupId: string;
  seriesId: string | null;
  occurrenceStart: Date | null;
  detached: boolean;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  venueId: string | null;
  onlineUrl: string | null;
  capacity: number | null;
  guestLimit: number;
  rsvpOpensAt: Date | null;
  rsvpClosesAt: Date | null;
  status: MeetingStatus;
  cancelReason: string | null;
  sequence: number;
  goingSeats: number;
  waitlistCount: number;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

/** What an organizer or host sets on a meeting. */
export interface MeetingInput {
  title: string;
  description?: string | undefined;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  venueId?: string | null | undefined;
  onlineUrl?: string | null | undefined;
  capacity?: number | null | undefined;
  guestLimit?: number | undefined;
  rsvpOpensAt?: Date | null | undefined;
  rsvpClosesAt?: Date | null | undefined;
  sponsorIds?: string[] | undefined;
}

export type MeetingProblem =
  | 'endBeforeStart'
  | 'unknownVenue'
  | 'unknownSponsor'
  | 'capacityBelowTaken'
  | 'rsvpClosesBeforeOpening'
  | 'cancelled'
  | 'notDraft';

/** A meeting change refused for a reason the caller can fix; `field` names the input at fault. */
export class MeetingError extends Error {
  readonly problem: MeetingProblem;
  readonly field: string | undefined;
  constructor(problem: MeetingProblem, field?: string) {
    super(problem);
    this.name = 'MeetingError';
    this.problem = problem;
    this.field = field;
  }
}

export function presentMeeting(row: Selectable<EventsTable>): Meeting {
  return {
    id: row.id,
    groupId: row.group_id,
    seriesId: row.series_id,
    occurrenceStart: row.occurrence_start === null ? null : toDate(row.occurrence_start),
    detached: toBool(row.detached),
    title: row.title,
    description: row.description,
    startsAt: toDate(row.starts_at),
    endsAt: toDate(row.ends_at),
    timeZone: row.time_zone,
    venueId: row.venue_id,
    onlineUrl: row.online_url,
    capacity: row.capacity,
    guestLimit: row.guest_limit,
    rsvpOpensAt: row.rsvp_opens_at === null ? null : toDate(row.rsvp_opens_at),
    rsvpClosesAt: row.rsvp_closes_at === null ? null : toDate(row.rsvp_closes_at),
    status: row.status as MeetingStatus,
    cancelReason: row.cancel_reason,
    sequence: row.sequence,
    goingSeats: row.going_seats,
    waitlistCount: row.waitlist_count,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    publishedAt: row.published_at === null ? null : toDate(row.published_at)
  };
}

/** Whether a meeting has ended (shown as "past"). */
export function isPast(meeting: Pick<Meeting, 'endsAt'>, now = new Date()): boolean {
  return meeting.endsAt.getTime() <= now.getTime();
}

export async function findMeeting(db: Db | Kysely<Database>, id: string): Promise<Meeting | null> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const row = await kysely.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? presentMeeting(row) : null;
}

function checkInput(input: MeetingInput): void {
  if (input.endsAt.getTime() <= input.startsAt.getTime()) {
    throw new MeetingError('endBeforeStart', 'endsAt');
  }
  if (
    input.rsvpOpensAt &&
    input.rsvpClosesAt &&
    input.rsvpClosesAt.getTime() <= input.rsvpOpensAt.getTime()
  ) {
    throw new MeetingError('rsvpClosesBeforeOpening', 'rsvpClosesAt');
  }
}

/**
 * Refuses a venue that is not the group's own or archived (a meeting keeps the archived venue it
 * already has), and sponsors that are not the group's own.
 */
async function checkReferences(
  trx: Kysely<Database>,
  db: Db,
  groupId: string,
  venueId: string | null | undefined,
  sponsorIds: string[] | undefined
): Promise<void> {
  if (venueId) {
    const venue = await trx
      .selectFrom('venues')
      .select('id')
      .where('id', '=', venueId)
      .where('group_id', '=', groupId)
      .where('archived', '=', dbBool(db, false))
      .executeTakeFirst();
    if (!venue) throw new MeetingError('unknownVenue', 'venueId');
  }
  if (sponsorIds && sponsorIds.length > 0) {
    const found = await trx
      .selectFrom('sponsors')
      .select('id')
      .where('id', 'in', sponsorIds)
      .where('group_id', '=', groupId)
      .execute();
    if (found.length !== new Set(sponsorIds).size) {
      throw new MeetingError('unknownSponsor', 'sponsorIds');
    }
  }
}

async function writeSponsors(
  trx: Kysely<Database>,
  eventId: string,
  sponsorIds: string[]
): Promise<void> {
  await trx.deleteFrom('event_sponsors').where('event_id', '=', eventId).execute();
  const unique = [...new Set(sponsorIds)];
  if (unique.length > 0) {
    await trx
      .insertInto('event_sponsors')
      .values(unique.map((sponsorId) => ({ event_id: eventId, sponsor_id: sponsorId })))
      .execute();
  }
}

/** Creates a meeting in a group, as a draft or published (then members are told). */
export async function createMeeting(
  db: Db,
  queue: JobQueue,
  groupId: string,
  actorId: string | null,
  input: MeetingInput & { publish: boolean },
  extra: { seriesId?: string; occurrenceStart?: Date; announce?: boolean } = {},
  now = new Date()
): Promise<Meeting> {
  checkInput(input);
  const id = randomUUID();
  const at = now.toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    await checkReferences(trx, db, groupId, input.venueId, input.sponsorIds);
    await trx
      .insertInto('events')
      .values({
        id,
        group_id: groupId,
        series_id: extra.seriesId ?? null,
        occurrence_start: extra.occurrenceStart?.toISOString() ?? null,
        title: input.title,
        description: input.description ?? '',
        starts_at: input.startsAt.toISOString(),
        ends_at: input.endsAt.toISOString(),
        time_zone: input.timeZone,
        venue_id: input.venueId ?? null,
        online_url: input.onlineUrl ?? null,
        capacity: input.capacity ?? null,
        guest_limit: input.guestLimit ?? 0,
        rsvp_opens_at: input.rsvpOpensAt?.toISOString() ?? null,
        rsvp_closes_at: input.rsvpClosesAt?.toISOString() ?? null,
        status: input.publish ? 'published' : 'draft',
        created_by: actorId,
        created_at: at,
        updated_at: at,
        published_at: input.publish ? at : null
      })
      .execute();
    await writeSponsors(trx, id, input.sponsorIds ?? []);
    if (input.publish && (extra.announce ?? true)) {
      const created = await findMeeting(trx, id);
      if (created) await recordMeetingActivity(trx, 'meeting.published', created, actorId);
    }
  });
  const meeting = await findMeeting(db, id);
  if (!meeting) throw new Error('meeting vanished after insert');
  if (input.publish && (extra.announce ?? true)) nudgeActivities(queue);
  if (meeting.status === 'published') {
    if (extra.announce ?? true) await enqueueMail(queue, { kind: 'announce', eventId: meeting.id });
    await scheduleReminder(queue, meeting);
  }
  return meeting;
}

async function announced(queue: JobQueue, meeting: Meeting): Promise<void> {
  await enqueueMail(queue, { kind: 'announce', eventId: meeting.id });
  await scheduleReminder(queue, meeting);
}

async function enqueueMail(
  queue: JobQueue,
  job: MeetingMailJob,
  runAt?: Date,
  key?: string
): Promise<void> {
  await queue.enqueue(MEETING_MAIL_QUEUE, job, {
    ...(runAt ? { runAt } : {}),
    ...(key ? { key } : {})
  });
}

/**
 * The reminder job runs 24 hours before the start; it checks the start is still the same. Keyed by
 * meeting and start, so a meeting unpublished and published again, or moved away and back, queues
 * one reminder for that start, not two (on PostgreSQL, where jobs carry keys).
 */
async function scheduleReminder(queue: JobQueue, meeting: Meeting): Promise<void> {
  const runAt = new Date(meeting.startsAt.getTime() - 24 * 3600_000);
  if (runAt.getTime() <= Date.now()) return;
  await enqueueMail(
    queue,
    { kind: 'remind', eventId: meeting.id, startsAt: meeting.startsAt.toISOString() },
    runAt,
    `remind:${meeting.id}:${meeting.startsAt.toISOString()}`
  );
}

/** Which fields of a change people going should be told about. */
function visibleChanges(before: Meeting, after: Meeting): ('time' | 'place')[] {
  const changes: ('time' | 'place')[] = [];
  if (
    before.startsAt.getTime() !== after.startsAt.getTime() ||
    before.endsAt.getTime() !== after.endsAt.getTime() ||
    before.timeZone !== after.timeZone
  ) {
    changes.push('time');
  }
  if (before.venueId !== after.venueId || before.onlineUrl !== after.onlineUrl) {
    changes.push('place');
  }
  return changes;
}

/**
 * Edits a meeting. A capacity below the seats taken is refused; a higher one promotes from the
 * waitlist in the same write transaction. Every change attendees see raises the iCalendar
 * SEQUENCE; a change of time or place tells everyone going. An occurrence of a series edited on
 * its own is detached from later series edits.
 */
export async function updateMeeting(
  db: Db,
  queue: JobQueue,
  meeting: Meeting,
  patch: Partial<MeetingInput>,
  now = new Date(),
  options: { keepAttached?: boolean; actorId?: string | null } = {}
): Promise<Meeting> {
  if (meeting.status === 'cancelled') throw new MeetingError('cancelled');
  const merged: MeetingInput = {
    title: patch.title ?? meeting.title,
    description: patch.description ?? meeting.description,
    startsAt: patch.startsAt ?? meeting.startsAt,
    endsAt: patch.endsAt ?? meeting.endsAt,
    timeZone: patch.timeZone ?? meeting.timeZone,
    venueId: patch.venueId === undefined ? meeting.venueId : patch.venueId,
    onlineUrl: patch.onlineUrl === undefined ? meeting.onlineUrl : patch.onlineUrl,
    capacity: patch.capacity === undefined ? meeting.capacity : patch.capacity,
    guestLimit: patch.guestLimit ?? meeting.guestLimit,
    rsvpOpensAt: patch.rsvpOpensAt === undefined ? meeting.rsvpOpensAt : patch.rsvpOpensAt,
    rsvpClosesAt: patch.rsvpClosesAt === undefined ? meeting.rsvpClosesAt : patch.rsvpClosesAt
  };
  checkInput(merged);
  const { after, promoted, before } = await writeTransaction(db, async (trx) => {
    const current = await lockMeeting(trx, db, meeting.id);
    if (!current) throw new MeetingError('cancelled');
    if (current.status === 'cancelled') throw new MeetingError('cancelled');
    await checkReferences(trx, db, meeting.groupId, patch.venueId, patch.sponsorIds);
    const capacity = merged.capacity ?? null;
    if (changeCapacity(current.goingSeats, capacity)) {
      throw new MeetingError('capacityBelowTaken', 'capacity');
    }
    const next: Meeting = {
      ...current,
      ...merged,
      description: merged.description ?? '',
      venueId: merged.venueId ?? null,
      onlineUrl: merged.onlineUrl ?? null,
      capacity,
      guestLimit: merged.guestLimit ?? 0,
      rsvpOpensAt: merged.rsvpOpensAt ?? null,
      rsvpClosesAt: merged.rsvpClosesAt ?? null
    };
    const seen =
      visibleChanges(current, next).length > 0 ||
      current.title !== next.title ||
      current.description !== next.description;
    await trx
      .updateTable('events')
      .set({
        title: next.title,
        description: next.description,
        starts_at: next.startsAt.toISOString(),
        ends_at: next.endsAt.toISOString(),
        time_zone: next.timeZone,
        venue_id: next.venueId,
        online_url: next.onlineUrl,
        capacity: next.capacity,
        guest_limit: next.guestLimit,
        rsvp_opens_at: next.rsvpOpensAt?.toISOString() ?? null,
        rsvp_closes_at: next.rsvpClosesAt?.toISOString() ?? null,
        sequence: seen ? current.sequence + 1 : current.sequence,
        detached: dbBool(
          db,
          current.detached || (current.seriesId !== null && !options.keepAttached)
        ),
        updated_at: now.toISOString()
      })
      .where('id', '=', meeting.id)
      .execute();
    if (patch.sponsorIds) await writeSponsors(trx, meeting.id, patch.sponsorIds);
    const promotedIds = await promoteWaitlist(trx, meeting.id, now);
    const saved = await findMeeting(trx, meeting.id);
    if (!saved) throw new Error('meeting vanished during update');
    if (seen && saved.status === 'published') {
      const changed: string[] = visibleChanges(current, next);
      if (current.title !== next.title) changed.push('title');
      if (current.description !== next.description) changed.push('description');
      await recordMeetingActivity(trx, 'meeting.changed', saved, options.actorId ?? null, changed);
    }
    return { after: saved, promoted: promotedIds, before: current };
  });
  if (after.status === 'published') nudgeActivities(queue);
  if (promoted.length > 0) {
    await enqueueMail(queue, { kind: 'promoted', eventId: meeting.id, userIds: promoted });
  }
  const changes = visibleChanges(before, after);
  if (after.status === 'published' && changes.length > 0) {
    await enqueueMail(queue, {
      kind: 'changed',
      eventId: meeting.id,
      changes,
      ...(changes.includes('time') && {
        previous: {
          startsAt: before.startsAt.toISOString(),
          endsAt: before.endsAt.toISOString(),
          timeZone: before.timeZone
        }
      })
    });
    if (changes.includes('time')) await scheduleReminder(queue, after);
  }
  return after;
}

/** Reads a meeting inside a write transaction, locking its row on PostgreSQL. */
export async function lockMeeting(
  trx: Kysely<Database>,
  db: Db,
  id: string
): Promise<Meeting | null> {
  let query = trx.selectFrom('events').selectAll().where('id', '=', id);
  if (db.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? presentMeeting(row) : null;
}

/** Publishes a draft: members are told, a reminder is scheduled. */
export async function publishMeeting(
  db: Db,
  queue: JobQueue,
  meeting: Meeting,
  now = new Date(),
  actorId: string | null = null
): Promise<Meeting> {
  if (meeting.status !== 'draft') throw new MeetingError('notDraft');
  const at = now.toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('events')
      .set({ status: 'published', published_at: at, updated_at: at })
      .where('id', '=', meeting.id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    const published = await findMeeting(trx, meeting.id);
    if (Number(result.numUpdatedRows) === 1 && published) {
      await recordMeetingActivity(trx, 'meeting.published', published, actorId);
    }
  });
  const after = await findMeeting(db, meeting.id);
  if (!after) throw new Error('meeting vanished');
  nudgeActivities(queue);
  await announced(queue, after);
  return after;
}

/**
 * Cancels a meeting with a reason: it stays visible as cancelled (calendars get STATUS:CANCELLED
 * with a higher SEQUENCE), and everyone going or waiting is told.
 */
export async function cancelMeeting(
  db: Db,
  queue: JobQueue,
  meeting: Meeting,
  reason: string | null,
  now = new Date(),
  actorId: string | null = null
): Promise<Meeting> {
  if (meeting.status === 'cancelled') throw new MeetingError('cancelled');
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('events')
      .set({
        status: 'cancelled',
        cancel_reason: reason,
        sequence: meeting.sequence + 1,
        updated_at: now.toISOString()
      })
      .where('id', '=', meeting.id)
      .execute();
    const cancelled = await findMeeting(trx, meeting.id);
    if (meeting.status === 'published' && cancelled) {
      await recordMeetingActivity(trx, 'meeting.cancelled', cancelled, actorId);
    }
  });
  const after = await findMeeting(db, meeting.id);
  if (!after) throw new Error('meeting vanished');
  if (meeting.status === 'published') nudgeActivities(queue);
  if (meeting.status === 'published') {
    await enqueueMail(queue, { kind: 'cancelled', eventId: meeting.id });
  }
  return after;
}

/** Where a page of meetings in start order ends: the last start and id seen. */
export interface MeetingCursor {
  startsAt: Date;
  id: string;
}

/**
 * The keyset condition for meetings after `cursor` in start order (ascending when `upcoming`,
 * else descending), ties broken by id; `table` prefixes the columns (e.g. `e.`).
 */
export function startsAfter(
  cursor: MeetingCursor,
  upcoming: boolean,
  table: '' | 'e.'
): RawBuilder<SqlBool> {
  const cmp = sql.raw(upcoming ? '>' : '<');
  const start = sql.ref(`${table}starts_at`);
  const id = sql.ref(`${table}id`);
  const at = cursor.startsAt.toISOString();
  return sql<SqlBool>`(${start} ${cmp} ${at} or (${start} = ${at} and ${id} ${cmp} ${cursor.id}))`;
}

/** A page from `limit + 1` rows: the first `limit`, and the cursor after them when more exist. */
export function meetingPage(
  meetings: Meeting[],
  limit: number
): { items: Meeting[]; next: MeetingCursor | null } {
  const items = meetings.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    next: meetings.length > limit && last ? { startsAt: last.startsAt, id: last.id } : null
  };
}

/** A page of a group's meetings: upcoming (soonest first) or past (latest first). */
export async function listGroupMeetings(
  db: Db,
  groupId: string,
  options: {
    when: 'upcoming' | 'past';
    includeDrafts: boolean;
    limit: number;
    cursor?: { startsAt: Date; id: string } | undefined;
  },
  now = new Date()
): Promise<{ items: Meeting[]; next: { startsAt: Date; id: string } | null }> {
  const upcoming = options.when === 'upcoming';
  let query = db.kysely
    .selectFrom('events')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('ends_at', upcoming ? '>' : '<=', now.toISOString());
  if (!options.includeDrafts) query = query.where('status', '!=', 'draft');
  if (options.cursor) query = query.where(startsAfter(options.cursor, upcoming, ''));
  const direction = upcoming ? 'asc' : 'desc';
  const rows = await query
    .orderBy('starts_at', direction)
    .orderBy('id', direction)
    .limit(options.limit + 1)
    .execute();
  return meetingPage(rows.map(presentMeeting), options.limit);
}

/** The next published, not cancelled meeting of each group (for group pages and network pages). */
export async function nextMeetings(
  db: Db,
  groupIds: string[],
  now = new Date()
): Promise<Map<string, Meeting>> {
  if (groupIds.length === 0) return new Map();
  // One query: the first upcoming row per group (the (group_id, starts_at) index serves it).
  const ranked = db.kysely
    .selectFrom('events')
    .selectAll()
    .select(sql<number>`row_number() over (partition by group_id order by starts_at, id)`.as('rn'))
    .where('group_id', 'in', groupIds)
    .where('status', '=', 'published')
    .where('ends_at', '>', now.toISOString());
  const rows = await db.kysely.selectFrom(ranked.as('r')).selectAll().where('rn', '=', 1).execute();
  return new Map(rows.map((row) => [row.group_id, presentMeeting(row)]));
}

/** A group's published and cancelled meetings that end after `since`, for its calendar feeds. */
export async function feedMeetings(db: Db, groupId: string, since: Date): Promise<Meeting[]> {
  const rows = await db.kysely
    .selectFrom('events')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('status', '!=', 'draft')
    .where('ends_at', '>', since.toISOString())
    .orderBy('starts_at')
    .limit(500)
    .execute();
  return rows.map(presentMeeting);
}
