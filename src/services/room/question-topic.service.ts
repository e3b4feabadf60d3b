// A question from a meeting's Q&A that deserves more time becomes a topic in the group's backlog,
// or a discussion on the group's board.
import type { JobQueue } from '../../jobs/job-queue.ts';
import { nudgeActivities } from '../activity/activity.service.ts';
import { insertPost } from '../board/post-write.service.ts';
import type { Meeting } from '../event.service.ts';
import type { Group } from '../group.service.ts';
import { proposeTopic } from '../topic.service.ts';
import { appendQuestion, lockQuestion } from './question.service.ts';
import { roomWrite, type RoomWriteContext, RoomWriteError } from './room-write.ts';
import type { RoomQuestion } from './room-event-types.ts';

/** The longest topic title (as the topic API allows). */
const TITLE_MAX = 140;

/** A topic title from a question: its first line, shortened to fit. */
export function topicTitleOf(body: string): string {
  const line = body.trim().split('\n')[0]?.trim() ?? '';
  return line.length <= TITLE_MAX ? line : `${line.slice(0, TITLE_MAX - 1).trimEnd()}…`;
}

/**
 * The description of a topic made of a question: the question quoted, and the meeting it was
 * asked in (a link), so the backlog remembers where it came from.
 */
export function topicDescriptionOf(
  question: Pick<RoomQuestion, 'body'>,
  meeting: Pick<Meeting, 'id' | 'title' | 'startsAt'>,
  group: Pick<Group, 'slug'>
): string {
  const quoted = question.body
    .trim()
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const day = meeting.startsAt.toISOString().slice(0, 10);
  return `${quoted}\n\n— [${meeting.title}](/groups/${group.slug}/events/${meeting.id}), ${day}`;
}

/**
 * A host makes an open or answered question a backlog topic (status open) of the meeting's group.
 * The proposer is the author of a named question, else the host. Once per question: a second
 * time is `questionConverted`; a hidden question is `questionNotOpen`. Returns the topic's id.
 */
export async function makeQuestionTopic(
  ctx: RoomWriteContext,
  meeting: Pick<Meeting, 'id' | 'title' | 'startsAt'>,
  group: Pick<Group, 'id' | 'slug'>,
  questionId: string,
  hostId: string,
  now = new Date()
): Promise<{ topicId: string; question: RoomQuestion }> {
  return roomWrite(ctx, meeting.id, async (trx) => {
    const question = await lockQuestion(trx, ctx, meeting.id, questionId);
    if (question.topicId !== null) throw new RoomWriteError('questionConverted');
    if (question.status === 'hidden') throw new RoomWriteError('questionNotOpen');
    const proposer = !question.anonymous && question.authorId ? question.authorId : hostId;
    // proposeTopic writes through the transaction: the topic and the link commit together.
    const topic = await proposeTopic(
      { ...ctx.db, kysely: trx },
      group.id,
      proposer,
      {
        title: topicTitleOf(question.body),
        description: topicDescriptionOf(question, meeting, group),
        wants: 'explain'
      },
      now
    );
    await trx
      .updateTable('questions')
      .set({ topic_id: topic.id, updated_at: now.toISOString() })
      .where('id', '=', questionId)
      .execute();
    const { result: updated, seq } = await appendQuestion(trx, meeting.id, questionId, now);
    return { result: { topicId: topic.id, question: updated }, seq };
  });
}

/**
 * A host makes an open or answered question a discussion post on the group's board, quoting the
 * question and linking the meeting. The author is the author of a named question, else the host.
 * Once per question (`questionConverted`); a hidden question is `questionNotOpen`. Returns the
 * post's id.
 */
export async function makeQuestionPost(
  ctx: RoomWriteContext,
  queue: JobQueue,
  meeting: Pick<Meeting, 'id' | 'title' | 'startsAt'>,
  group: Pick<Group, 'id' | 'slug'>,
  questionId: string,
  hostId: string,
  now = new Date()
): Promise<{ postId: string; question: RoomQuestion }> {
  const made = await roomWrite(ctx, meeting.id, async (trx) => {
    const question = await lockQuestion(trx, ctx, meeting.id, questionId);
    if (question.postId !== null) throw new RoomWriteError('questionConverted');
    if (question.status === 'hidden') throw new RoomWriteError('questionNotOpen');
    const author = !question.anonymous && question.authorId ? question.authorId : hostId;
    const post = await insertPost(
      trx,
      ctx.db,
      {
        groupId: group.id,
        authorId: author,
        input: {
          kind: 'discussion',
          title: topicTitleOf(question.body),
          body: topicDescriptionOf(question, meeting, group),
          linkUrl: null
        }
      },
      now
    );
    await trx
      .updateTable('questions')
      .set({ post_id: post.id, updated_at: now.toISOString() })
      .where('id', '=', questionId)
      .execute();
    const { result: updated, seq } = await appendQuestion(trx, meeting.id, questionId, now);
    return { result: { postId: post.id, question: updated }, seq };
  });
  nudgeActivities(queue);
  return made;
}
