// Comments on posts, with one level of replies. A post's `comment_count` counts its comments that
// were not removed; it changes in the same transaction as the comment, by an increment the
// database applies, so concurrent comments never lose a count.
import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { PostCommentsTable } from '../../db/schema.ts';
import { toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { markdownExcerpt } from '../../domain/markdown.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { nudgeActivities, recordActivity } from '../activity/activity.service.ts';
import type { CreatedCursor } from '../created-cursor.ts';
import { postRefOf, refsOf, resolveMentions } from './board-activity.ts';
import { BoardError, kyselyOf, lockPost, type PostStatus, type Reader } from './post.service.ts';

/** A comment as the services keep it. */
export interface Comment {
  id: string;
  postId: string;
  parentId: string | null;
  authorId: string | null;
  body: string;
  status: PostStatus;
  createdAt: Date;
  editedAt: Date | null;
}

function presentCommentRow(row: Selectable<PostCommentsTable>): Comment {
  return {
    id: row.id,
    postId: row.post_id,
    parentId: row.parent_id,
    authorId: row.author_id,
    body: row.body,
    status: row.status as PostStatus,
    createdAt: toDate(row.created_at),
    editedAt: toDate(row.edited_at)
  };
}

/** The comment `id`, or null. */
export async function findComment(db: Reader, id: string): Promise<Comment | null> {
  const row = await kyselyOf(db)
    .selectFrom('post_comments')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? presentCommentRow(row) : null;
}

/** A post's comments, oldest first, `limit` per page. */
export async function listComments(
  db: Db,
  postId: string,
  options: { cursor?: CreatedCursor | undefined; limit: number }
): Promise<{ items: Comment[]; next: CreatedCursor | null }> {
  let query = db.kysely.selectFrom('post_comments').selectAll().where('post_id', '=', postId);
  const after = options.cursor;
  if (after) {
    const c = after.createdAt.toISOString();
    query = query.where((eb) =>
      eb.or([eb('created_at', '>', c), eb.and([eb('created_at', '=', c), eb('id', '>', after.id)])])
    );
  }
  const rows = await query
    .orderBy('created_at')
    .orderBy('id')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map(presentCommentRow);
  const last = items.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/**
 * Comments on a visible post (a reply with `parentId`: a top-level comment of the same post;
 * `parentInvalid` otherwise, `replyToReply` for a reply's reply). Records `comment.created` with
 * the active members it mentions.
 */
export async function createComment(
  db: Db,
  queue: JobQueue,
  args: { postId: string; authorId: string; body: string; parentId: string | null },
  now = new Date()
): Promise<Comment> {
  const id = randomUUID();
  const at = now.toISOString();
  const comment = await writeTransaction(db, async (trx) => {
    const post = await lockPost(trx, db, args.postId);
    if (!post) throw new BoardError('postNotFound');
    if (post.status !== 'visible') throw new BoardError('postNotVisible');
    if (args.parentId !== null) {
      const parent = await trx
        .selectFrom('post_comments')
        .select(['post_id', 'parent_id'])
        .where('id', '=', args.parentId)
        .executeTakeFirst();
      if (parent?.post_id !== post.id) throw new BoardError('parentInvalid', 'parentId');
      if (parent.parent_id !== null) throw new BoardError('replyToReply', 'parentId');
    }
    await trx
      .insertInto('post_comments')
      .values({
        id,
        post_id: post.id,
        parent_id: args.parentId,
        author_id: args.authorId,
        body: args.body,
        status: 'visible',
        created_at: at,
        updated_at: at,
        edited_at: null
      })
      .execute();
    await trx
      .updateTable('posts')
      .set({ comment_count: sql<number>`comment_count + 1` })
      .where('id', '=', post.id)
      .execute();
    const refs = await refsOf(trx, post.groupId, args.authorId);
    await recordActivity(
      trx,
      {
        kind: 'comment.created',
        groupId: post.groupId,
        actorId: args.authorId,
        subjectType: 'comment',
        subjectId: id,
        payload: {
          ...refs,
          post: postRefOf(post, refs.group.slug),
          comment: { id, parentId: args.parentId, excerpt: markdownExcerpt(args.body, 300) },
          mentions: await resolveMentions(trx, post.groupId, args.body, args.authorId)
        }
      },
      now
    );
    const row = await trx
      .selectFrom('post_comments')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return presentCommentRow(row);
  });
  nudgeActivities(queue);
  return comment;
}

/** Changes a comment's body (not a removed one); marks it edited. */
export async function updateComment(
  db: Db,
  commentId: string,
  body: string,
  now = new Date()
): Promise<Comment> {
  const at = now.toISOString();
  return writeTransaction(db, async (trx) => {
    const current = await findComment(trx, commentId);
    if (!current) throw new BoardError('commentNotFound');
    if (current.status === 'removed') throw new BoardError('postNotVisible');
    await trx
      .updateTable('post_comments')
      .set({ body, updated_at: at, edited_at: at })
      .where('id', '=', commentId)
      .execute();
    const updated = await findComment(trx, commentId);
    if (!updated) throw new BoardError('commentNotFound');
    return updated;
  });
}

/**
 * Removes a comment: its body is no longer shown, its replies stay. The post's count goes down
 * once, in the same transaction (a second removal changes nothing).
 */
export async function removeComment(db: Db, commentId: string, now = new Date()): Promise<void> {
  await writeTransaction(db, async (trx) => {
    const current = await findComment(trx, commentId);
    if (!current) throw new BoardError('commentNotFound');
    await lockPost(trx, db, current.postId);
    const changed = await trx
      .updateTable('post_comments')
      .set({ status: 'removed', updated_at: now.toISOString() })
      .where('id', '=', commentId)
      .where('status', '!=', 'removed')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) > 0) {
      await trx
        .updateTable('posts')
        .set({ comment_count: sql<number>`comment_count - 1` })
        .where('id', '=', current.postId)
        .execute();
    }
  });
}
