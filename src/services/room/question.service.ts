// The live Q&A of a meeting's room: members ask (optionally anonymously) and upvote, hosts mark
// questions answered, hide or reopen them, authors withdraw their own. Every change locks the
// question it decides on, appends the whole question to the room's log and announces it.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { dbBool, toBool, toDate } from '../../db/values.ts';
import { ROOM_LIMITS, type QuestionStatus } from '../../domain/room.ts';
import type { Meeting } from '../event.service.ts';
import type { RoomQuestion } from './room-event-types.ts';
import { appendRoomEvent } from './room-log.service.ts';
import {
  assertRoomOpen,
  lockRoom,
  roomWrite,
  type RoomWriteContext,
  RoomWriteError
} from './room-write.ts';

type RoomMeeting = Pick<Meeting, 'id' | 'startsAt' | 'endsAt' | 'status'>;

/** What a host does to a question. */
export type QuestionModeration = 'answered' | 'hide' | 'reopen';

function questionQuery(kysely: Kysely<Database>) {
  return kysely
    .selectFrom('questions as q')
    .leftJoin('users as u', 'u.id', 'q.author_id')
    .selectAll('q')
    .select('u.name as author_name');
}

type QuestionRow = Awaited<ReturnType<ReturnType<typeof questionQuery>['executeTakeFirstOrThrow']>>;

/** A stored question as the room keeps it. */
export function roomQuestionOf(row: QuestionRow): RoomQuestion {
  const answeredAt = toDate(row.answered_at);
  return {
    id: row.id,
    body: row.body,
    authorId: row.author_id,
    authorName: row.author_id === null ? null : (row.author_name ?? ''),
    anonymous: toBool(row.anonymous),
    status: row.status as QuestionStatus,
    upvotes: row.upvotes,
    topicId: row.topic_id,
    postId: row.post_id,
    createdAt: toDate(row.created_at).toISOString(),
    answeredAt: answeredAt ? answeredAt.toISOString() : null
  };
}

/** The meeting a question was asked in, or null for an unknown question. */
export async function questionEventId(
  ctx: Pick<RoomWriteContext, 'db'>,
  questionId: string
): Promise<string | null> {
  const row = await ctx.db.kysely
    .selectFrom('questions')
    .select('event_id')
    .where('id', '=', questionId)
    .executeTakeFirst();
  return row?.event_id ?? null;
}

/**
 * Reads a question of `eventId` inside a write transaction, locked until the commit on
 * PostgreSQL (SQLite's BEGIN IMMEDIATE holds the whole database already).
 */
export async function lockQuestion(
  trx: Kysely<Database>,
  ctx: Pick<RoomWriteContext, 'db'>,
  eventId: string,
  questionId: string
): Promise<RoomQuestion> {
  if (ctx.db.dialect === 'postgres') {
    await trx
      .selectFrom('questions')
      .select('id')
      .where('id', '=', questionId)
      .forUpdate()
      .execute();
  }
  const row = await questionQuery(trx)
    .where('q.id', '=', questionId)
    .where('q.event_id', '=', eventId)
    .executeTakeFirst();
  if (!row) throw new RoomWriteError('notFound');
  return roomQuestionOf(row);
}

/** Reads a question back after a change and appends it to the room's log. */
export async function appendQuestion(
  trx: Kysely<Database>,
  eventId: string,
  questionId: string,
  now: Date
): Promise<{ result: RoomQuestion; seq: number }> {
  const row = await questionQuery(trx).where('q.id', '=', questionId).executeTakeFirstOrThrow();
  const question = roomQuestionOf(row);
  const seq = await appendRoomEvent(trx, eventId, { kind: 'question', question }, now);
  return { result: question, seq };
}

/**
 * Asks a question in an open room. A member asks at most `ROOM_LIMITS.questionsPerMember`
 * questions per meeting (withdrawn and hidden ones count): `tooManyQuestions`.
 */
export async function askQuestion(
  ctx: RoomWriteContext,
  meeting: RoomMeeting,
  authorId: string,
  input: { body: string; anonymous: boolean },
  now = new Date()
): Promise<RoomQuestion> {
  return roomWrite(ctx, meeting.id, async (trx) => {
    await lockRoom(trx, ctx.db, meeting.id);
    await assertRoomOpen(trx, meeting, now);
    const { n } = await trx
      .selectFrom('questions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('event_id', '=', meeting.id)
      .where('author_id', '=', authorId)
      .executeTakeFirstOrThrow();
    if (Number(n) >= ROOM_LIMITS.questionsPerMember) {
      throw new RoomWriteError('tooManyQuestions');
    }
    const id = randomUUID();
    const at = now.toISOString();
    await trx
      .insertInto('questions')
      .values({
        id,
        event_id: meeting.id,
        author_id: authorId,
        anonymous: dbBool(ctx.db, input.anonymous),
        body: input.body,
        status: 'open',
        upvotes: 0,
        created_at: at,
        updated_at: at
      })
      .execute();
    return appendQuestion(trx, meeting.id, id, now);
  });
}

/**
 * Upvotes a question (`on`) or takes the upvote back; asking for what already holds changes
 * nothing and appends nothing. Not one's own question (`ownQuestion`), only open ones
 * (`questionNotOpen`). The count is recounted from the votes under the question's lock, so it
 * stays exact when members upvote at the same moment.
 */
export async function setUpvote(
  ctx: RoomWriteContext,
  meeting: RoomMeeting,
  questionId: string,
  userId: string,
  on: boolean,
  now = new Date()
): Promise<RoomQuestion> {
  return roomWrite(ctx, meeting.id, async (trx) => {
    const question = await lockQuestion(trx, ctx, meeting.id, questionId);
    if (question.authorId === userId) throw new RoomWriteError('ownQuestion');
    if (question.status !== 'open') throw new RoomWriteError('questionNotOpen');
    await lockRoom(trx, ctx.db, meeting.id);
    await assertRoomOpen(trx, meeting, now);
    const existing = await trx
      .selectFrom('question_votes')
      .select('user_id')
      .where('question_id', '=', questionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if ((existing !== undefined) === on) return { result: question, seq: null };
    if (on) {
      await trx
        .insertInto('question_votes')
        .values({ question_id: questionId, user_id: userId, created_at: now.toISOString() })
        .execute();
    } else {
      await trx
        .deleteFrom('question_votes')
        .where('question_id', '=', questionId)
        .where('user_id', '=', userId)
        .execute();
    }
    await trx
      .updateTable('questions')
      .set((eb) => ({
        upvotes: eb
          .selectFrom('question_votes')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('question_id', '=', questionId),
        updated_at: now.toISOString()
      }))
      .where('id', '=', questionId)
      .execute();
    return appendQuestion(trx, meeting.id, questionId, now);
  });
}

const MODERATED: Record<QuestionModeration, QuestionStatus> = {
  answered: 'answered',
  hide: 'hidden',
  reopen: 'open'
};

/**
 * A host marks a question answered, hides it or reopens it (a question already in that state is
 * returned unchanged). Reopening clears the answer time.
 */
export async function moderateQuestion(
  ctx: RoomWriteContext,
  eventId: string,
  questionId: string,
  action: QuestionModeration,
  now = new Date()
): Promise<RoomQuestion> {
  return roomWrite(ctx, eventId, async (trx) => {
    const question = await lockQuestion(trx, ctx, eventId, questionId);
    const status = MODERATED[action];
    if (question.status === status) return { result: question, seq: null };
    const at = now.toISOString();
    await trx
      .updateTable('questions')
      .set({
        status,
        updated_at: at,
        ...(status === 'answered' ? { answered_at: at } : {}),
        ...(status === 'open' ? { answered_at: null } : {})
      })
      .where('id', '=', questionId)
      .execute();
    return appendQuestion(trx, eventId, questionId, now);
  });
}

/**
 * Its author takes an open question back: it is hidden like one a host hid (others see it go;
 * hosts keep it, hidden). Someone else's question: `forbidden`; not open: `questionNotOpen`.
 */
export async function withdrawQuestion(
  ctx: RoomWriteContext,
  eventId: string,
  questionId: string,
  userId: string,
  now = new Date()
): Promise<void> {
  await roomWrite(ctx, eventId, async (trx) => {
    const question = await lockQuestion(trx, ctx, eventId, questionId);
    if (question.authorId !== userId) throw new RoomWriteError('forbidden');
    if (question.status !== 'open') throw new RoomWriteError('questionNotOpen');
    await trx
      .updateTable('questions')
      .set({ status: 'hidden', updated_at: now.toISOString() })
      .where('id', '=', questionId)
      .execute();
    const { seq } = await appendQuestion(trx, eventId, questionId, now);
    return { result: undefined, seq };
  });
}
