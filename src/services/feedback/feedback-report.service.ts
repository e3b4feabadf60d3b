// What organizers and speakers read of a meeting's feedback, and turning a "next time" wish into
// a backlog topic.
import type { Db } from '../../db/database.ts';
import { toBool } from '../../db/values.ts';
import { type RatingSummary, summarizeRatings } from '../../domain/feedback.ts';
import type { Meeting } from '../event.service.ts';
import type { Person } from '../person.service.ts';
import { proposeTopic } from '../topic.service.ts';
import { FeedbackError, meetingAttendees, ratableItems } from './feedback.service.ts';

/** A comment with its author (null when the account is gone, or hidden from a speaker). */
export interface AuthoredComment {
  text: string;
  author: Person | null;
}

/** A meeting's feedback summed up for organizers: every author is shown. */
export interface FeedbackReport {
  /** How many gave feedback. */
  responses: number;
  /** How many attended (see `attendees` in domain/feedback.ts). */
  attendees: number;
  rating: RatingSummary;
  comments: AuthoredComment[];
  nextTime: { feedbackId: string; text: string; author: Person | null; topicId: string | null }[];
  items: {
    agendaItemId: string;
    kind: 'talk' | 'topic';
    title: string;
    rating: RatingSummary;
    comments: (AuthoredComment & { anonymous: boolean })[];
  }[];
}

async function people(db: Db, ids: readonly string[]): Promise<Map<string, Person>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.kysely
    .selectFrom('users')
    .select(['id', 'name', 'handle'])
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, displayName: r.name, handle: r.handle }]));
}

/** A meeting's feedback for those who hold `feedback.read`; oldest answers first. */
export async function feedbackReport(
  db: Db,
  meeting: Pick<Meeting, 'id'>
): Promise<FeedbackReport> {
  const rows = await db.kysely
    .selectFrom('feedback')
    .select(['id', 'user_id', 'rating', 'comment', 'next_time', 'next_time_topic_id'])
    .where('event_id', '=', meeting.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const itemRows = await db.kysely
    .selectFrom('feedback_items as fi')
    .innerJoin('feedback as f', 'f.id', 'fi.feedback_id')
    .select(['fi.agenda_item_id', 'fi.rating', 'fi.comment', 'fi.anonymous', 'f.user_id'])
    .where('f.event_id', '=', meeting.id)
    .orderBy('f.created_at')
    .orderBy('f.id')
    .execute();
  const persons = await people(
    db,
    rows.map((r) => r.user_id)
  );
  const author = (id: string) => persons.get(id) ?? null;
  const ratable = await ratableItems(db, meeting.id);
  return {
    responses: rows.length,
    attendees: (await meetingAttendees(db, meeting.id)).length,
    rating: summarizeRatings(rows.map((r) => r.rating)),
    comments: rows
      .filter((r) => r.comment.trim() !== '')
      .map((r) => ({ text: r.comment, author: author(r.user_id) })),
    nextTime: rows
      .filter((r) => r.next_time.trim() !== '')
      .map((r) => ({
        feedbackId: r.id,
        text: r.next_time,
        author: author(r.user_id),
        topicId: r.next_time_topic_id
      })),
    items: ratable.map((item) => {
      const mine = itemRows.filter((r) => r.agenda_item_id === item.agendaItemId);
      return {
        agendaItemId: item.agendaItemId,
        kind: item.kind,
        title: item.title,
        rating: summarizeRatings(mine.map((r) => r.rating)),
        comments: mine
          .filter((r) => r.comment.trim() !== '')
          .map((r) => ({
            text: r.comment,
            author: author(r.user_id),
            anonymous: toBool(r.anonymous)
          }))
      };
    })
  };
}

/**
 * The feedback on a talk, over every agenda item that carried it. `asSpeaker`: the caller is the
 * speaker, who does not learn who wrote an anonymous comment (organizers do).
 */
export async function talkFeedback(
  db: Db,
  talkId: string,
  asSpeaker: boolean
): Promise<{ rating: RatingSummary; comments: AuthoredComment[] }> {
  const rows = await db.kysely
    .selectFrom('feedback_items as fi')
    .innerJoin('agenda_items as ai', 'ai.id', 'fi.agenda_item_id')
    .innerJoin('feedback as f', 'f.id', 'fi.feedback_id')
    .select(['fi.rating', 'fi.comment', 'fi.anonymous', 'f.user_id'])
    .where('ai.talk_id', '=', talkId)
    .orderBy('f.created_at')
    .orderBy('f.id')
    .execute();
  const persons = await people(
    db,
    rows.map((r) => r.user_id)
  );
  return {
    rating: summarizeRatings(rows.map((r) => r.rating)),
    comments: rows
      .filter((r) => r.comment.trim() !== '')
      .map((r) => ({
        text: r.comment,
        author: asSpeaker && toBool(r.anonymous) ? null : (persons.get(r.user_id) ?? null)
      }))
  };
}

/** One CSV field: quoted when needed; text a spreadsheet would run as a formula is defused. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The report's aggregates as CSV (RFC 4180, CRLF): a row for the meeting, then one per talk or
 * topic — `kind,title,responses,average,rated1,rated2,rated3,rated4,rated5`. The meeting row
 * counts responses (its `kind` is `meeting`); item rows count ratings.
 */
export function feedbackCsv(report: FeedbackReport, meetingTitle: string): string {
  const header = [
    'kind',
    'title',
    'count',
    'average',
    'rated1',
    'rated2',
    'rated3',
    'rated4',
    'rated5'
  ];
  const row = (kind: string, title: string, count: number, rating: RatingSummary) =>
    [kind, title, count, rating.average, ...rating.distribution].map(csvField).join(',');
  const lines = [
    header.join(','),
    row('meeting', meetingTitle, report.responses, report.rating),
    ...report.items.map((i) => row(i.kind, i.title, i.rating.count, i.rating))
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Topic titles are at most this long; longer wishes are cut (the whole text is the description). */
const TITLE_MAX = 140;

/**
 * Makes a backlog topic (status open, proposed by the feedback's author) of a "next time" answer
 * of a meeting of `groupId`, once: `feedbackConverted` the second time, `feedbackNoNextTime` for
 * an empty answer, `notFound` for feedback of another meeting. The description quotes the whole
 * wish and links the meeting.
 */
export async function topicFromNextTime(
  db: Db,
  meeting: Pick<Meeting, 'id' | 'title'>,
  group: { id: string; slug: string },
  feedbackId: string,
  now = new Date()
): Promise<string> {
  const row = await db.kysely
    .selectFrom('feedback')
    .select(['user_id', 'next_time', 'next_time_topic_id'])
    .where('id', '=', feedbackId)
    .where('event_id', '=', meeting.id)
    .executeTakeFirst();
  if (!row) throw new FeedbackError('notFound');
  if (row.next_time_topic_id !== null) throw new FeedbackError('feedbackConverted');
  const text = row.next_time.trim();
  if (text === '') throw new FeedbackError('feedbackNoNextTime');
  const firstLine = (text.split(/\r?\n/)[0] ?? text).trim();
  const title =
    firstLine.length > TITLE_MAX ? `${firstLine.slice(0, TITLE_MAX - 1).trimEnd()}…` : firstLine;
  const link = `/groups/${encodeURIComponent(group.slug)}/events/${encodeURIComponent(meeting.id)}`;
  const quoted = text
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
  const topic = await proposeTopic(
    db,
    group.id,
    row.user_id,
    {
      title,
      description: `${quoted}\n\n[${meeting.title.replace(/[[\]\\]/g, '\\$&')}](${link})`,
      wants: 'explain'
    },
    now
  );
  const claimed = await db.kysely
    .updateTable('feedback')
    .set({ next_time_topic_id: topic.id })
    .where('id', '=', feedbackId)
    .where('next_time_topic_id', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) {
    // Someone converted it a moment ago: keep theirs.
    await db.kysely.deleteFrom('topics').where('id', '=', topic.id).execute();
    throw new FeedbackError('feedbackConverted');
  }
  return topic.id;
}
