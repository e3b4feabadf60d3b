// Changing posts: create (with its post.created activity in the same transaction), edit, remove,
// mark solved, pin. A post with a link gets `link_status = 'pending'`; its preview is fetched by
// a job enqueued after the commit.
import { randomUUID } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, PostsTable } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { nudgeActivities, recordActivity } from '../activity/activity.service.ts';
import { enqueueLinkPreview } from '../net/link-preview.ts';
import { postRefOf, refsOf, resolveMentions } from './board-activity.ts';
import { BoardError, lockPost, type Post, type PostKind } from './post.service.ts';

const DAY_MS = 24 * 3600_000;

/** What an author writes. */
export interface PostInput {
  kind: PostKind;
  title: string;
  body: string;
  linkUrl: string | null;
}

/** Asks for a link preview after the commit; a failure leaves the link shown bare. */
function previewLater(queue: JobQueue, postId: string): void {
  void enqueueLinkPreview(queue, postId).catch(() => undefined);
}

/**
 * Creates a post in `groupId` by `authorId`. A job lead expires after the group's
 * `job_lead_days`. Records `post.created` with the active members the title or body mentions.
 *
 * @example
 * const post = await createPost(db, queue, { groupId, authorId, input: { kind: 'help', title, body, linkUrl: null } });
 */
export async function createPost(
  db: Db,
  queue: JobQueue,
  args: { groupId: string; authorId: string; input: PostInput },
  now = new Date()
): Promise<Post> {
  const post = await writeTransaction(db, (trx) => insertPost(trx, db, args, now));
  nudgeActivities(queue);
  if (post.linkUrl !== null) previewLater(queue, post.id);
  return post;
}

/**
 * Writes a new post and its `post.created` activity inside the caller's write transaction (a
 * question from a meeting becomes a post this way, with its own change). The caller nudges the
 * activities after the commit, and asks for a link preview when the post has a link.
 */
export async function insertPost(
  trx: Kysely<Database>,
  db: Db,
  args: { groupId: string; authorId: string; input: PostInput },
  now: Date
): Promise<Post> {
  const { input } = args;
  const id = randomUUID();
  const at = now.toISOString();
  const group = await trx
    .selectFrom('groups')
    .select(['job_lead_days'])
    .where('id', '=', args.groupId)
    .executeTakeFirstOrThrow();
  const expiresAt =
    input.kind === 'job' ? new Date(now.getTime() + group.job_lead_days * DAY_MS) : null;
  await trx
    .insertInto('posts')
    .values({
      id,
      group_id: args.groupId,
      author_id: args.authorId,
      kind: input.kind,
      title: input.title,
      body: input.body,
      link_url: input.linkUrl,
      link_title: null,
      link_description: null,
      link_status: input.linkUrl === null ? null : 'pending',
      status: 'visible',
      solved_at: null,
      pinned_at: null,
      expires_at: expiresAt?.toISOString() ?? null,
      created_at: at,
      updated_at: at,
      edited_at: null
    })
    .execute();
  const created = await lockPost(trx, db, id);
  if (!created) throw new BoardError('postNotFound');
  const refs = await refsOf(trx, args.groupId, args.authorId);
  const mentions = await resolveMentions(
    trx,
    args.groupId,
    `${input.title}\n\n${input.body}`,
    args.authorId
  );
  await recordActivity(
    trx,
    {
      kind: 'post.created',
      groupId: args.groupId,
      actorId: args.authorId,
      subjectType: 'post',
      subjectId: id,
      payload: { ...refs, post: postRefOf(created, refs.group.slug), mentions }
    },
    now
  );
  return created;
}

/** Changes the fields given of a post that was not removed; marks it edited. */
export async function updatePost(
  db: Db,
  queue: JobQueue,
  postId: string,
  patch: Partial<Omit<PostInput, 'kind'>>,
  now = new Date()
): Promise<Post> {
  const at = now.toISOString();
  const { post, linkChanged } = await writeTransaction(db, async (trx) => {
    const current = await lockPost(trx, db, postId);
    if (!current) throw new BoardError('postNotFound');
    if (current.status === 'removed') throw new BoardError('postNotVisible');
    const set: Updateable<PostsTable> = { updated_at: at, edited_at: at };
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.body !== undefined) set.body = patch.body;
    const linkChanged = patch.linkUrl !== undefined && patch.linkUrl !== current.linkUrl;
    if (linkChanged) {
      set.link_url = patch.linkUrl ?? null;
      set.link_title = null;
      set.link_description = null;
      set.link_status = patch.linkUrl ? 'pending' : null;
    }
    await trx.updateTable('posts').set(set).where('id', '=', postId).execute();
    const post = await lockPost(trx, db, postId);
    if (!post) throw new BoardError('postNotFound');
    return { post, linkChanged };
  });
  if (linkChanged && post.linkUrl !== null) previewLater(queue, post.id);
  return post;
}

/** Removes a post: its content is no longer shown, its comments stay. Idempotent. */
export async function removePost(db: Db, postId: string, now = new Date()): Promise<void> {
  await db.kysely
    .updateTable('posts')
    .set({ status: 'removed', pinned_at: null, updated_at: now.toISOString() })
    .where('id', '=', postId)
    .execute();
}

/** Marks a help post solved (or not); other kinds are refused with `solvedHelpOnly`. */
export async function setSolved(
  db: Db,
  postId: string,
  solved: boolean,
  now = new Date()
): Promise<Post> {
  return writeTransaction(db, async (trx) => {
    const current = await lockPost(trx, db, postId);
    if (!current) throw new BoardError('postNotFound');
    if (current.kind !== 'help') throw new BoardError('solvedHelpOnly');
    if (current.status === 'removed') throw new BoardError('postNotVisible');
    if (solved === (current.solvedAt !== null)) return current;
    await trx
      .updateTable('posts')
      .set({ solved_at: solved ? now.toISOString() : null, updated_at: now.toISOString() })
      .where('id', '=', postId)
      .execute();
    const post = await lockPost(trx, db, postId);
    if (!post) throw new BoardError('postNotFound');
    return post;
  });
}

/** Pins a post to the top of its board (or unpins it). Removed posts cannot be pinned. */
export async function setPinned(
  db: Db,
  postId: string,
  pinned: boolean,
  now = new Date()
): Promise<Post> {
  return writeTransaction(db, async (trx) => {
    const current = await lockPost(trx, db, postId);
    if (!current) throw new BoardError('postNotFound');
    if (current.status === 'removed') throw new BoardError('postNotVisible');
    if (pinned === (current.pinnedAt !== null)) return current;
    await trx
      .updateTable('posts')
      .set({ pinned_at: pinned ? now.toISOString() : null, updated_at: now.toISOString() })
      .where('id', '=', postId)
      .execute();
    const post = await lockPost(trx, db, postId);
    if (!post) throw new BoardError('postNotFound');
    return post;
  });
}
