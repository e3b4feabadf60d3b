import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import {
  COMMENTABLE_STATUSES,
  type TopicCursor,
  TopicError,
  type TopicStatus
} from './topic.service.ts';
import type { Person } from './person.service.ts';

/** A member's comment on a topic (markdown). */
export interface TopicComment {
  id: string;
  topicId: string;
  body: string;
  /** null when the account is gone. */
  author: Person | null;
  createdAt: Date;
}

function baseQuery(k: Kysely<Database>) {
  return k
    .selectFrom('topic_comments as c')
    .leftJoin('users as u', 'u.id', 'c.author_id')
    .select(['c.id', 'c.topic_id', 'c.author_id', 'c.body', 'c.created_at'])
    .select(['u.name as author_name', 'u.handle as author_handle']);
}
type CommentRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function present(row: CommentRow): TopicComment {
  return {
    id: row.id,
    topicId: row.topic_id,
    body: row.body,
    author:
      row.author_id && row.author_name !== null && row.author_handle !== null
        ? { id: row.author_id, displayName: row.author_name, handle: row.author_handle }
        : null,
    createdAt: toDate(row.created_at)
  };
}

/** A page of a topic's comments, oldest first (a conversation reads top down). */
export async function listComments(
  db: Db,
  topicId: string,
  options: { limit: number; cursor?: TopicCursor | undefined }
): Promise<{ items: TopicComment[]; next: TopicCursor | null }> {
  let query = baseQuery(db.kysely).where('c.topic_id', '=', topicId);
  if (options.cursor) {
    const at = options.cursor.createdAt.toISOString();
    const id = options.cursor.id;
    query = query.where(
      sql<boolean>`(c.created_at > ${at} or (c.created_at = ${at} and c.id > ${id}))`
    );
  }
  const rows = await query
    .orderBy('c.created_at', 'asc')
    .orderBy('c.id', 'asc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map(present);
  const last = items.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/** One comment of a topic; another topic's comment is `undefined`. */
export async function getComment(
  db: Db,
  topicId: string,
  id: string
): Promise<TopicComment | undefined> {
  const row = await baseQuery(db.kysely)
    .where('c.id', '=', id)
    .where('c.topic_id', '=', topicId)
    .executeTakeFirst();
  return row ? present(row) : undefined;
}

/** Locks the topic row (PostgreSQL) so a merge cannot move comments under us; its status. */
async function lockTopic(
  trx: Kysely<Database>,
  db: Db,
  groupId: string,
  topicId: string
): Promise<TopicStatus> {
  let query = trx
    .selectFrom('topics')
    .select('status')
    .where('id', '=', topicId)
    .where('group_id', '=', groupId);
  if (db.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new TopicError('notFound');
  return row.status as TopicStatus;
}

/**
 * Adds a comment to a topic of the group that still takes comments (open, scheduled or
 * discussed); the topic's comment count rises in the same transaction.
 */
export async function addComment(
  db: Db,
  groupId: string,
  topicId: string,
  authorId: string,
  body: string,
  now = new Date()
): Promise<TopicComment> {
  const id = randomUUID();
  const at = now.toISOString();
  await writeTransaction(db, async (trx) => {
    const status = await lockTopic(trx, db, groupId, topicId);
    if (!COMMENTABLE_STATUSES.includes(status)) throw new TopicError('topicNotCommentable');
    await trx
      .insertInto('topic_comments')
      .values({ id, topic_id: topicId, author_id: authorId, body, created_at: at, updated_at: at })
      .execute();
    await trx
      .updateTable('topics')
      .set((eb) => ({ comment_count: eb('comment_count', '+', 1) }))
      .where('id', '=', topicId)
      .execute();
  });
  // By id alone: a merge may have moved it to another topic since.
  const row = await baseQuery(db.kysely).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw new Error('comment vanished after creation');
  return present(row);
}

/**
 * Deletes a comment of a topic (the route checked who may); the topic's comment count drops in
 * the same transaction. Returns false when the topic has no such comment.
 */
export async function deleteComment(
  db: Db,
  groupId: string,
  topicId: string,
  id: string
): Promise<boolean> {
  return writeTransaction(db, async (trx) => {
    await lockTopic(trx, db, groupId, topicId);
    const result = await trx
      .deleteFrom('topic_comments')
      .where('id', '=', id)
      .where('topic_id', '=', topicId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) return false;
    await trx
      .updateTable('topics')
      .set((eb) => ({ comment_count: eb('comment_count', '-', 1) }))
      .where('id', '=', topicId)
      .execute();
    return true;
  });
}
