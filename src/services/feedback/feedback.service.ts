// Feedback after a meeting: who may give it and when, the form's agenda items, and saving one
// attendee's answers (one row per attendee, replaced on every save).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { dbBool, toBool, toDate } from '../../db/values.ts';
import { attendees } from '../../domain/feedback.ts';
import { agendaOf } from '../agenda.service.ts';
import type { Meeting } from '../event.service.ts';
import { writeTransaction } from '../../db/write-transaction.ts';

/** Feedback is taken from a meeting's start until this long after its end. */
export const FEEDBACK_OPEN_DAYS = 30;
const DAY = 24 * 3600_000;

/** Why feedback cannot be given now: the meeting has not started, or feedback has closed. */
export type FeedbackWindow = 'notStarted' | 'closed';

/** One attendee's feedback on a meeting. */
export interface Feedback {
  id: string;
  rating: number | null;
  comment: string;
  nextTime: string;
  /** The backlog topic an organizer made of `nextTime`. */
  nextTimeTopicId: string | null;
  items: FeedbackItem[];
  createdAt: Date;
  updatedAt: Date;
}

/** Feedback on one agenda item. */
export interface FeedbackItem {
  agendaItemId: string;
  rating: number | null;
  comment: string;
  /** The speaker sees the comment without the author's name (organizers still see it). */
  anonymous: boolean;
}

/** What an attendee sends; replaces what they sent before. */
export interface FeedbackInput {
  rating: number | null;
  comment: string;
  nextTime: string;
  items: FeedbackItem[];
}

/** An agenda item one can give feedback on: a talk or a topic. */
export interface RatableItem {
  agendaItemId: string;
  kind: 'talk' | 'topic';
  title: string;
  /** The talk's speaker's name; null for topics. */
  speaker: string | null;
  /** The talk's id; null for topics. */
  talkId: string | null;
}

/**
 * A feedback change refused: with a `field`, a 400 on that input (message key under
 * `validation.`); else a 409 (`problem.conflict.<problem>`), or a 404 for `notFound`.
 */
export class FeedbackError extends Error {
  readonly problem: string;
  readonly field: string | undefined;
  constructor(problem: string, field?: string) {
    super(problem);
    this.name = 'FeedbackError';
    this.problem = problem;
    this.field = field;
  }
}

/**
 * Whether feedback is open for `meeting` at `now`: from its start until FEEDBACK_OPEN_DAYS after
 * its end; never for drafts and cancelled meetings (they report `closed`, drafts `notStarted`).
 *
 * @example
 * feedbackWindow(meeting); // null while open
 */
export function feedbackWindow(
  meeting: Pick<Meeting, 'startsAt' | 'endsAt' | 'status'>,
  now = new Date()
): FeedbackWindow | null {
  if (meeting.status === 'cancelled') return 'closed';
  if (meeting.status === 'draft' || now.getTime() < meeting.startsAt.getTime()) return 'notStarted';
  if (now.getTime() > meeting.endsAt.getTime() + FEEDBACK_OPEN_DAYS * DAY) return 'closed';
  return null;
}

/** The user ids who attended a meeting (checked in; if nobody was, those going). */
export async function meetingAttendees(
  db: Db | Kysely<Database>,
  eventId: string
): Promise<string[]> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const rows = await kysely
    .selectFrom('rsvps')
    .select(['user_id', 'status', 'checked_in_at'])
    .where('event_id', '=', eventId)
    .orderBy('user_id')
    .execute();
  return attendees(
    rows.map((r) => ({ userId: r.user_id, status: r.status, checkedIn: r.checked_in_at !== null }))
  );
}

/** The talks and topics of a meeting's agenda, in order: what the form asks about. */
export async function ratableItems(
  db: Db | Kysely<Database>,
  eventId: string
): Promise<RatableItem[]> {
  const agenda = await agendaOf(db, eventId);
  const items: RatableItem[] = [];
  for (const item of agenda.items) {
    if (item.kind !== 'talk' && item.kind !== 'topic') continue;
    items.push({
      agendaItemId: item.id,
      kind: item.kind,
      title: item.title,
      speaker: item.talk?.speaker.name ?? null,
      talkId: item.talk?.id ?? null
    });
  }
  return items;
}

/** One person's feedback on a meeting, or null. */
export async function findFeedback(
  db: Db | Kysely<Database>,
  eventId: string,
  userId: string
): Promise<Feedback | null> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const row = await kysely
    .selectFrom('feedback')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  const items = await kysely
    .selectFrom('feedback_items as fi')
    .innerJoin('agenda_items as ai', 'ai.id', 'fi.agenda_item_id')
    .select(['fi.agenda_item_id', 'fi.rating', 'fi.comment', 'fi.anonymous'])
    .where('fi.feedback_id', '=', row.id)
    .orderBy('ai.position')
    .orderBy('ai.id')
    .execute();
  return {
    id: row.id,
    rating: row.rating,
    comment: row.comment,
    nextTime: row.next_time,
    nextTimeTopicId: row.next_time_topic_id,
    items: items.map((i) => ({
      agendaItemId: i.agenda_item_id,
      rating: i.rating,
      comment: i.comment,
      anonymous: toBool(i.anonymous)
    })),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

/**
 * Saves `userId`'s feedback on a meeting, replacing what they gave before (one row per person,
 * also under simultaneous saves: the unique (event, user) index and an upsert). Items must be
 * talks or topics of the meeting's agenda, each at most once (`items.N.agendaItemId`). Access
 * (attended, window open) is checked by the caller.
 */
export async function saveFeedback(
  db: Db,
  eventId: string,
  userId: string,
  input: FeedbackInput,
  now = new Date()
): Promise<Feedback> {
  const ratable = new Set((await ratableItems(db, eventId)).map((i) => i.agendaItemId));
  const seen = new Set<string>();
  input.items.forEach((item, index) => {
    if (!ratable.has(item.agendaItemId)) {
      throw new FeedbackError('feedbackAgendaItemUnknown', `items.${index}.agendaItemId`);
    }
    if (seen.has(item.agendaItemId)) {
      throw new FeedbackError('feedbackAgendaItemTwice', `items.${index}.agendaItemId`);
    }
    seen.add(item.agendaItemId);
  });
  const at = now.toISOString();
  await writeTransaction(db, async (trx) => {
    await trx
      .insertInto('feedback')
      .values({
        id: randomUUID(),
        event_id: eventId,
        user_id: userId,
        rating: input.rating,
        comment: input.comment,
        next_time: input.nextTime,
        created_at: at,
        updated_at: at
      })
      .onConflict((oc) =>
        oc.columns(['event_id', 'user_id']).doUpdateSet({
          rating: input.rating,
          comment: input.comment,
          next_time: input.nextTime,
          updated_at: at
        })
      )
      .execute();
    const { id } = await trx
      .selectFrom('feedback')
      .select('id')
      .where('event_id', '=', eventId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    await trx.deleteFrom('feedback_items').where('feedback_id', '=', id).execute();
    if (input.items.length > 0) {
      await trx
        .insertInto('feedback_items')
        .values(
          input.items.map((item) => ({
            feedback_id: id,
            agenda_item_id: item.agendaItemId,
            rating: item.rating,
            comment: item.comment,
            anonymous: dbBool(db, item.anonymous)
          }))
        )
        .execute();
    }
  });
  const saved = await findFeedback(db, eventId, userId);
  if (!saved) throw new Error('feedback vanished after saving');
  return saved;
}
