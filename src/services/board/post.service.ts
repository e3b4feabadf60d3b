// Reading the board: a post by id, a group's board (pinned first, then newest), the combined
// board of one member's groups. Hidden posts reach only moderators and their author; removed ones
// never list (a removed post's page shows a placeholder with its comments).
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, PostsTable } from '../../db/schema.ts';
import { toDate } from '../../db/values.ts';
import type { CreatedCursor } from '../created-cursor.ts';

export const POST_KINDS = ['help', 'job', 'announcement', 'discussion', 'kudos'] as const;
export type PostKind = (typeof POST_KINDS)[number];
export const POST_STATUSES = ['visible', 'hidden', 'removed'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/** A post as the services keep it. */
export interface Post {
  id: string;
  groupId: string;
  authorId: string | null;
  kind: PostKind;
  title: string;
  body: string;
  linkUrl: string | null;
  linkTitle: string | null;
  linkDescription: string | null;
  linkStatus: 'pending' | 'ok' | 'failed' | null;
  status: PostStatus;
  solvedAt: Date | null;
  pinnedAt: Date | null;
  expiresAt: Date | null;
  commentCount: number;
  createdAt: Date;
  updatedAt: Date;
  editedAt: Date | null;
}

/** Why a board action was refused; `field` for refusals about an input field. */
export type BoardProblem =
  | 'postNotFound'
  | 'commentNotFound'
  | 'announcementStaff'
  | 'solvedHelpOnly'
  | 'postNotVisible'
  | 'parentInvalid'
  | 'replyToReply';

export class BoardError extends Error {
  readonly problem: BoardProblem;
  readonly field: string | undefined;
  constructor(problem: BoardProblem, field?: string) {
    super(problem);
    this.name = 'BoardError';
    this.problem = problem;
    this.field = field;
  }
}

export type Reader = Db | Kysely<Database>;
export const kyselyOf = (db: Reader): Kysely<Database> => ('kysely' in db ? db.kysely : db);

/** A stored post row as a `Post`. */
export function presentPostRow(row: Selectable<PostsTable>): Post {
  return {
    id: row.id,
    groupId: row.group_id,
    authorId: row.author_id,
    kind: row.kind as PostKind,
    title: row.title,
    body: row.body,
    linkUrl: row.link_url,
    linkTitle: row.link_title,
    linkDescription: row.link_description,
    linkStatus: row.link_status as Post['linkStatus'],
    status: row.status as PostStatus,
    solvedAt: toDate(row.solved_at),
    pinnedAt: toDate(row.pinned_at),
    expiresAt: toDate(row.expires_at),
    commentCount: row.comment_count,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    editedAt: toDate(row.edited_at)
  };
}

/** The post `id`, or null. */
export async function findPost(db: Reader, id: string): Promise<Post | null> {
  const row = await kyselyOf(db)
    .selectFrom('posts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? presentPostRow(row) : null;
}

/** Loads a post inside a write transaction with its row locked until the commit. */
export async function lockPost(trx: Kysely<Database>, db: Db, id: string): Promise<Post | null> {
  let query = trx.selectFrom('posts').selectAll().where('id', '=', id);
  if (db.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? presentPostRow(row) : null;
}

/** Whether a job lead has passed its expiry at `now`. */
export function isExpired(post: Pick<Post, 'expiresAt'>, now = new Date()): boolean {
  return post.expiresAt !== null && post.expiresAt.getTime() <= now.getTime();
}

/** Whether someone sees the post at all: hidden ones only moderators and their author. */
export function maySeePost(
  post: Pick<Post, 'status' | 'authorId'>,
  viewer: { userId: string | null; canModerate: boolean }
): boolean {
  if (post.status !== 'hidden') return true;
  return viewer.canModerate || (viewer.userId !== null && viewer.userId === post.authorId);
}

export interface PostListOptions {
  kind?: PostKind | undefined;
  includeExpired: boolean;
  /** The viewer: hidden posts of theirs are listed. */
  userId: string | null;
  /** Holds `post.moderate`: hidden posts are listed. */
  canModerate: boolean;
  cursor?: CreatedCursor | undefined;
  limit: number;
}

/**
 * A group's board: the first page starts with the pinned posts (newest pin first), then come
 * the others, newest first, `limit` per page (the cursor pages through the unpinned ones).
 */
export async function listPosts(
  db: Db,
  groupIds: readonly string[],
  options: PostListOptions & { pinnedFirst: boolean },
  now = new Date()
): Promise<{ items: Post[]; next: CreatedCursor | null }> {
  if (groupIds.length === 0) return { items: [], next: null };
  const at = now.toISOString();
  let base = db.kysely
    .selectFrom('posts')
    .selectAll()
    .where('group_id', 'in', groupIds)
    .where('status', '!=', 'removed');
  if (!options.canModerate) {
    const userId = options.userId;
    base = base.where((eb) =>
      userId === null
        ? eb('status', '=', 'visible')
        : eb.or([eb('status', '=', 'visible'), eb('author_id', '=', userId)])
    );
  }
  if (options.kind !== undefined) base = base.where('kind', '=', options.kind);
  if (!options.includeExpired) {
    base = base.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]));
  }
  const pinned =
    options.pinnedFirst && options.cursor === undefined
      ? await base
          .where('pinned_at', 'is not', null)
          .orderBy('pinned_at', 'desc')
          .orderBy('id', 'desc')
          .execute()
      : [];
  let rest = options.pinnedFirst ? base.where('pinned_at', 'is', null) : base;
  const after = options.cursor;
  if (after) {
    const c = after.createdAt.toISOString();
    rest = rest.where((eb) =>
      eb.or([eb('created_at', '<', c), eb.and([eb('created_at', '=', c), eb('id', '<', after.id)])])
    );
  }
  const rows = await rest
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit).map(presentPostRow);
  const last = page.at(-1);
  return {
    items: [...pinned.map(presentPostRow), ...page],
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/** The groups `userId` is an active member of. */
export async function activeGroupIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('memberships')
    .select('group_id')
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => r.group_id);
}
