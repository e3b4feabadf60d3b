import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SeriesTable } from '../db/schema.ts';
import { dbBool, toBool, toDate } from '../db/values.ts';
import { fromRRule, occurrences, type Recurrence, splitAt, toRRule } from '../domain/recurrence.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import {
  cancelMeeting,
  createMeeting,
  findMeeting,
  type Meeting,
  presentMeeting,
  updateMeeting
} from './event.service.ts';
import { respond, RsvpError } from './rsvp.service.ts';
import { type PeriodicJob, registerPeriodicJob } from '../jobs/periodic-job.ts';

/** How far ahead a series' meetings exist as events (the extend job keeps it so). */
export const MATERIALIZE_DAYS = 183;
const DAY = 24 * 3600_000;

/** A recurring meeting: the rule, and what each of its meetings gets. */
export interface Series {
  id: string;
  groupId: string;
  title: string;
  description: string;
  recurrence: Recurrence;
  rrule: string;
  venueId: string | null;
  onlineUrl: string | null;
  capacity: number | null;
  guestLimit: number;
  /** RSVPs open this many days before each meeting (null: as soon as it exists). */
  rsvpOpensDays: number | null;
  /** RSVPs close this many hours before each meeting (null: at its start). */
  rsvpClosesHours: number | null;
  /** Open a topic vote for the next meeting whenever one ends. */
  votingRounds: boolean;
  /** Such a vote closes this many hours before the next meeting. */
  votingClosesHours: number;
  materializedUntil: Date;
  ended: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What an organizer sets on a series. */
export interface SeriesInput {
  title: string;
  description?: string | undefined;
  recurrence: Recurrence;
  venueId?: string | null | undefined;
  onlineUrl?: string | null | undefined;
  capacity?: number | null | undefined;
  guestLimit?: number | undefined;
  rsvpOpensDays?: number | null | undefined;
  rsvpClosesHours?: number | null | undefined;
  votingRounds?: boolean | undefined;
  votingClosesHours?: number | undefined;
}

/** A series' topic vote closes this long before the next meeting unless set otherwise. */
export const DEFAULT_VOTING_CLOSES_HOURS = 24;

export function presentSeries(row: Selectable<SeriesTable>): Series {
  return {
    id: row.id,
    groupId: row.group_id,
    title: row.title,
    description: row.description,
    recurrence: fromRRule(row.rrule, row.duration_minutes),
    rrule: row.rrule,
    venueId: row.venue_id,
    onlineUrl: row.online_url,
    capacity: row.capacity,
    guestLimit: row.guest_limit,
    rsvpOpensDays: row.rsvp_opens_days,
    rsvpClosesHours: row.rsvp_closes_hours,
    votingRounds: toBool(row.voting_rounds),
    votingClosesHours: row.voting_closes_hours,
    materializedUntil: toDate(row.materialized_until),
    ended: toBool(row.ended),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

export async function findSeries(db: Db, id: string): Promise<Series | null> {
  const row = await db.kysely
    .selectFrom('series')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? presentSeries(row) : null;
}

export async function listGroupSeries(db: Db, groupId: string): Promise<Series[]> {
  const rows = await db.kysely
    .selectFrom('series')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('created_at')
    .execute();
  return rows.map(presentSeries);
}

/** The meeting fields a series gives one occurrence. */
function occurrenceFields(series: Series, start: Date, end: Date) {
  return {
    title: series.title,
    description: series.description,
    startsAt: start,
    endsAt: end,
    timeZone: series.recurrence.timeZone,
    venueId: series.venueId,
    onlineUrl: series.onlineUrl,
    capacity: series.capacity,
    guestLimit: series.guestLimit,
    rsvpOpensAt:
      series.rsvpOpensDays === null ? null : new Date(start.getTime() - series.rsvpOpensDays * DAY),
    rsvpClosesAt:
      series.rsvpClosesHours === null
        ? null
        : new Date(start.getTime() - series.rsvpClosesHours * 3600_000)
  };
}

/**
 * Creates the series' meetings from `from` up to `until` that do not exist yet (a skipped one is
 * a cancelled row, so it is never created again), published, and gives everyone who answered
 * for the whole series a seat or a waitlist place in each. Returns the new meetings.
 */
export async function materialize(
  db: Db,
  queue: JobQueue,
  series: Series,
  until: Date,
  options: { announce: 'first' | 'each' | 'none' },
  now = new Date()
): Promise<Meeting[]> {
  if (series.ended) return [];
  const from = new Date(Math.max(now.getTime(), series.materializedUntil.getTime()));
  const created: Meeting[] = [];
  for (const occurrence of occurrences(series.recurrence, { from, to: until })) {
    const exists = await db.kysely
      .selectFrom('events')
      .select('id')
      .where('series_id', '=', series.id)
      .where('occurrence_start', '=', occurrence.start.toISOString())
      .executeTakeFirst();
    if (exists) continue;
    const announce =
      options.announce === 'each' || (options.announce === 'first' && created.length === 0);
    created.push(
      await createMeeting(
        db,
        queue,
        series.groupId,
        null,
        { ...occurrenceFields(series, occurrence.start, occurrence.end), publish: true },
        { seriesId: series.id, occurrenceStart: occurrence.start, announce },
        now
      )
    );
  }
  await db.kysely
    .updateTable('series')
    .set({ materialized_until: until.toISOString() })
    .where('id', '=', series.id)
    .execute();
  const subscribers = await db.kysely
    .selectFrom('series_rsvps')
    .select(['user_id', 'guests'])
    .where('series_id', '=', series.id)
    .execute();
  for (const meeting of created) {
    for (const s of subscribers) {
      await answerQuietly(db, queue, meeting.id, s.user_id, s.guests, now);
    }
  }
  return created;
}

/** An RSVP on someone's behalf (from their series answer): a closed or full meeting is skipped. */
async function answerQuietly(
  db: Db,
  queue: JobQueue,
  eventId: string,
  userId: string,
  guests: number,
  now: Date
): Promise<void> {
  try {
    await respond(db, queue, eventId, userId, { going: true, guests, fromSeries: true }, now);
  } catch (error) {
    if (!(error instanceof RsvpError)) throw error;
  }
}

/** Creates a series and its meetings for the next six months; members hear of the first. */
export async function createSeries(
  db: Db,
  queue: JobQueue,
  groupId: string,
  actorId: string,
  input: SeriesInput,
  now = new Date()
): Promise<{ series: Series; meetings: Meeting[] }> {
  const series = await insertSeries(db, groupId, actorId, input, input.recurrence, now);
  const meetings = await materialize(
    db,
    queue,
    series,
    new Date(now.getTime() + MATERIALIZE_DAYS * DAY),
    { announce: 'first' },
    now
  );
  return { series: (await findSeries(db, series.id)) ?? series, meetings };
}

/** The series' meetings that have not started, in order. */
export async function upcomingOfSeries(db: Db, seriesId: string, now = new Date()) {
  const rows = await db.kysely
    .selectFrom('events')
    .selectAll()
    .where('series_id', '=', seriesId)
    .where('starts_at', '>', now.toISOString())
    .orderBy('starts_at')
    .execute();
  return rows.map(presentMeeting);
}

/**
 * Changes the series from `fromDate` on ("this and following"; default: from today). The old
 * rule ends the day before; a new series carries the change. Upcoming meetings from that day on
 * that were not edited on their own follow: a meeting whose day still has one under the new rule
 * is moved and updated (people going are told of a new time or place), one whose day has none is
 * cancelled, and new days get new meetings.
 */
export async function updateSeries(
  db: Db,
  queue: JobQueue,
  series: Series,
  input: SeriesInput,
  fromDate: string,
  now = new Date()
): Promise<Series> {
  const oldPart = splitAt(series.recurrence, fromDate);
  const { before } = oldPart;
  const newRecurrence = { ...input.recurrence, startDate: fromDate };
  const affected = (await upcomingOfSeries(db, series.id, now)).filter(
    (m) => !m.detached && m.status !== 'cancelled' && localDate(m) >= fromDate
  );
  const at = now.toISOString();
  // The old series stops before the split; without meetings before it, it simply ends.
  await db.kysely
    .updateTable('series')
    .set({
      rrule: before ? toRRule(before) : series.rrule,
      ended: dbBool(db, before === null),
      updated_at: at
    })
    .where('id', '=', series.id)
    .execute();
  const next = await insertSeries(db, series.groupId, null, input, newRecurrence, now);
  const horizon = new Date(now.getTime() + MATERIALIZE_DAYS * DAY);
  const planned = new Map(
    occurrences(newRecurrence, { from: now, to: horizon }).map((o) => [o.date, o])
  );
  for (const meeting of affected) {
    const occurrence = planned.get(localDate(meeting));
    if (!occurrence) {
      await cancelMeeting(db, queue, meeting, null, now);
      continue;
    }
    planned.delete(occurrence.date);
    await db.kysely
      .updateTable('events')
      .set({ series_id: next.id, occurrence_start: occurrence.start.toISOString() })
      .where('id', '=', meeting.id)
      .execute();
    const moved = await findMeeting(db, meeting.id);
    if (moved) {
      await updateMeeting(
        db,
        queue,
        moved,
        occurrenceFields(next, occurrence.start, occurrence.end),
        now,
        {
          keepAttached: true
        }
      );
    }
  }
  // Days the new rule adds get new meetings; the subscribers of the old series follow.
  await db.kysely
    .insertInto('series_rsvps')
    .columns(['series_id', 'user_id', 'guests', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('series_rsvps')
        .select([eb.val(next.id).as('series_id'), 'user_id', 'guests', eb.val(at).as('created_at')])
        .where('series_id', '=', series.id)
    )
    .execute();
  await materialize(db, queue, next, horizon, { announce: 'each' }, now);
  return (await findSeries(db, next.id)) ?? next;
}

function localDate(meeting: Meeting): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: meeting.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit'
  }).format(meeting.occurrenceStart ?? meeting.startsAt);
}

async function insertSeries(
  db: Db,
  groupId: string,
  actorId: string | null,
  input: SeriesInput,
  recurrence: Recurrence,
  now: Date
): Promise<Series> {
  const id = randomUUID();
  const at = now.toISOString();
  await db.kysely
    .insertInto('series')
    .values({
      id,
      group_id: groupId,
      title: input.title,
      description: input.description ?? '',
      rrule: toRRule(recurrence),
      time_zone: recurrence.timeZone,
      duration_minutes: recurrence.durationMinutes,
      venue_id: input.venueId ?? null,
      online_url: input.onlineUrl ?? null,
      capacity: input.capacity ?? null,
      guest_limit: input.guestLimit ?? 0,
      rsvp_opens_days: input.rsvpOpensDays ?? null,
      rsvp_closes_hours: input.rsvpClosesHours ?? null,
      voting_rounds: dbBool(db, input.votingRounds ?? false),
      voting_closes_hours: input.votingClosesHours ?? DEFAULT_VOTING_CLOSES_HOURS,
      materialized_until: at,
      created_by: actorId,
      created_at: at,
      updated_at: at
    })
    .execute();
  const series = await findSeries(db, id);
  if (!series) throw new Error('series vanished after insert');
  return series;
}

/** Ends a series: no new meetings; upcoming ones are cancelled with `reason`. */
export async function endSeries(
  db: Db,
  queue: JobQueue,
  series: Series,
  reason: string,
  now = new Date()
): Promise<void> {
  await db.kysely
    .updateTable('series')
    .set({ ended: dbBool(db, true), updated_at: now.toISOString() })
    .where('id', '=', series.id)
    .execute();
  for (const meeting of await upcomingOfSeries(db, series.id, now)) {
    if (meeting.status !== 'cancelled') await cancelMeeting(db, queue, meeting, reason, now);
  }
}

/**
 * Answers for the whole series: going takes a seat (or a waitlist place) in every upcoming
 * meeting whose RSVPs are open, and in every meeting the series adds later; single meetings can
 * still be declined. Not going withdraws the answers the series gave.
 */
export async function respondToSeries(
  db: Db,
  queue: JobQueue,
  series: Series,
  userId: string,
  answer: { going: boolean; guests: number },
  now = new Date()
): Promise<void> {
  if (answer.going) {
    await db.kysely
      .insertInto('series_rsvps')
      .values({
        series_id: series.id,
        user_id: userId,
        guests: answer.guests,
        created_at: now.toISOString()
      })
      .onConflict((oc) =>
        oc.columns(['series_id', 'user_id']).doUpdateSet({ guests: answer.guests })
      )
      .execute();
    for (const meeting of await upcomingOfSeries(db, series.id, now)) {
      await answerQuietly(db, queue, meeting.id, userId, answer.guests, now);
    }
    return;
  }
  await db.kysely
    .deleteFrom('series_rsvps')
    .where('series_id', '=', series.id)
    .where('user_id', '=', userId)
    .execute();
  for (const meeting of await upcomingOfSeries(db, series.id, now)) {
    const mine = await db.kysely
      .selectFrom('rsvps')
      .select(['status', 'from_series'])
      .where('event_id', '=', meeting.id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (mine && toBool(mine.from_series) && mine.status !== 'not_going') {
      try {
        await respond(db, queue, meeting.id, userId, { going: false, guests: 0 }, now);
      } catch (error) {
        if (!(error instanceof RsvpError)) throw error;
      }
    }
  }
}

/** Keeps every running series materialized six months ahead (the daily job). */
export async function extendAllSeries(db: Db, queue: JobQueue, now = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + MATERIALIZE_DAYS * DAY);
  const rows = await db.kysely
    .selectFrom('series')
    .selectAll()
    .where('ended', '=', dbBool(db, false))
    .where('materialized_until', '<', horizon.toISOString())
    .execute();
  let created = 0;
  for (const row of rows) {
    created += (
      await materialize(db, queue, presentSeries(row), horizon, { announce: 'each' }, now)
    ).length;
  }
  return created;
}

/** The queue of the job that keeps series materialized. */
export const SERIES_EXTEND_QUEUE = 'series-extend';
const EXTEND_EVERY_MS = 12 * 3600_000;

/**
 * Registers the job that extends every running series; `start` runs it now and then every 12 hours
 * (extending twice creates nothing twice, so a second process doing the same is harmless).
 */
export function registerSeriesJobs(db: Db, queue: JobQueue): PeriodicJob {
  return registerPeriodicJob(
    queue,
    SERIES_EXTEND_QUEUE,
    EXTEND_EVERY_MS,
    () => extendAllSeries(db, queue),
    {}
  );
}
