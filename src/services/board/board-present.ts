// The board as one viewer sees it: rendered markdown, link previews, reaction counts with the
// viewer's own, what the viewer may do, and "open to work" beside an author only for fellow
// active members of the post's group. Removed posts and comments keep their place, not their words.
import type { Db } from '../../db/database.ts';
import { toBool } from '../../db/values.ts';
import { renderMarkdown } from '../../domain/markdown.ts';
import type { Comment } from './comment.service.ts';
import { isExpired, type Post } from './post.service.ts';
import { type ReactionCount, reactionCounts } from './reaction.service.ts';

/** The viewer's standing in one group, as the board needs it. */
export interface BoardViewer {
  userId: string | null;
  /** An active member (`post.create`, `post.comment`, `post.react`). */
  isMember: boolean;
  /** Holds `post.moderate`. */
  canModerate: boolean;
  /** Holds `report.create`. */
  canReport: boolean;
}

/** An author on the board; `openToWork` only for fellow active members. */
export interface BoardAuthor {
  id: string;
  displayName: string;
  handle: string;
  openToWork?: boolean;
}

interface AuthorRow {
  id: string;
  name: string;
  handle: string;
  open_to_work: boolean | number;
}

async function authorsOf(db: Db, ids: readonly (string | null)[]): Promise<Map<string, AuthorRow>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.kysely
    .selectFrom('users')
    .select(['id', 'name', 'handle', 'open_to_work'])
    .where('id', 'in', wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

function authorJson(row: AuthorRow | undefined, viewer: BoardViewer): BoardAuthor | null {
  if (!row) return null;
  return {
    id: row.id,
    displayName: row.name,
    handle: row.handle,
    ...(viewer.isMember ? { openToWork: toBool(row.open_to_work) } : {})
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Posts as their viewers see them; `viewerOf` gives the viewer's standing per group. */
export async function presentPosts(
  db: Db,
  posts: readonly Post[],
  viewerOf: (groupId: string) => BoardViewer,
  now = new Date()
) {
  const groupIds = [...new Set(posts.map((p) => p.groupId))];
  const groups =
    groupIds.length === 0
      ? []
      : await db.kysely
          .selectFrom('groups')
          .select(['id', 'slug', 'name', 'code_of_conduct_url'])
          .where('id', 'in', groupIds)
          .execute();
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const authors = await authorsOf(
    db,
    posts.map((p) => p.authorId)
  );
  const userId = posts.length > 0 ? viewerOf(posts[0]?.groupId ?? '').userId : null;
  const reactions = await reactionCounts(
    db,
    'post',
    posts.map((p) => p.id),
    userId
  );
  return posts.map((post) => {
    const viewer = viewerOf(post.groupId);
    const group = groupById.get(post.groupId);
    const removed = post.status === 'removed';
    const isAuthor = viewer.userId !== null && viewer.userId === post.authorId;
    const open = !removed;
    return {
      id: post.id,
      groupId: post.groupId,
      group: { slug: group?.slug ?? '', name: group?.name ?? '' },
      kind: post.kind,
      title: removed ? '' : post.title,
      body: removed ? '' : post.body,
      bodyHtml: removed ? '' : renderMarkdown(post.body),
      link:
        removed || post.linkUrl === null
          ? null
          : {
              url: post.linkUrl,
              status: post.linkStatus ?? 'pending',
              title: post.linkStatus === 'ok' ? post.linkTitle : null,
              description: post.linkStatus === 'ok' ? post.linkDescription : null
            },
      status: post.status,
      solvedAt: iso(post.solvedAt),
      pinnedAt: iso(post.pinnedAt),
      expiresAt: iso(post.expiresAt),
      expired: isExpired(post, now),
      commentCount: post.commentCount,
      createdAt: post.createdAt.toISOString(),
      editedAt: iso(post.editedAt),
      author: removed ? null : authorJson(authors.get(post.authorId ?? ''), viewer),
      reactions: reactions.get(post.id) ?? [],
      viewer: {
        isAuthor,
        canEdit: open && isAuthor && viewer.isMember,
        canDelete: open && (isAuthor || viewer.canModerate),
        canSolve:
          open && post.kind === 'help' && ((isAuthor && viewer.isMember) || viewer.canModerate),
        canPin: open && viewer.canModerate,
        canComment: post.status === 'visible' && viewer.isMember,
        canReact: open && viewer.isMember,
        canReport: open && !isAuthor && viewer.canReport
      }
    };
  });
}

/** The wire shape of a post. */
export type PostJson = Awaited<ReturnType<typeof presentPosts>>[number];

/**
 * Comments as `viewer` sees them: a hidden comment's words only to moderators and its author,
 * a removed one's to nobody (both keep their place, so replies stay in their thread).
 */
export async function presentComments(
  db: Db,
  comments: readonly Comment[],
  viewer: BoardViewer,
  postOpen: boolean
) {
  const authors = await authorsOf(
    db,
    comments.map((c) => c.authorId)
  );
  const reactions = await reactionCounts(
    db,
    'comment',
    comments.map((c) => c.id),
    viewer.userId
  );
  return comments.map((comment) => {
    const isAuthor = viewer.userId !== null && viewer.userId === comment.authorId;
    const shown =
      comment.status === 'visible' ||
      (comment.status === 'hidden' && (viewer.canModerate || isAuthor));
    const open = comment.status !== 'removed';
    return {
      id: comment.id,
      postId: comment.postId,
      parentId: comment.parentId,
      status: comment.status,
      body: shown ? comment.body : '',
      bodyHtml: shown ? renderMarkdown(comment.body) : '',
      author: shown ? authorJson(authors.get(comment.authorId ?? ''), viewer) : null,
      createdAt: comment.createdAt.toISOString(),
      editedAt: iso(comment.editedAt),
      reactions: shown ? (reactions.get(comment.id) ?? []) : ([] as ReactionCount[]),
      viewer: {
        isAuthor,
        canEdit: open && isAuthor && viewer.isMember,
        canDelete: open && (isAuthor || viewer.canModerate),
        canReply:
          postOpen && comment.parentId === null && comment.status === 'visible' && viewer.isMember,
        canReact: shown && open && viewer.isMember,
        canReport: shown && open && !isAuthor && viewer.canReport
      }
    };
  });
}

/** The wire shape of a comment. */
export type CommentJson = Awaited<ReturnType<typeof presentComments>>[number];

/** One post as `viewer` sees it. */
export async function presentPost(db: Db, post: Post, viewer: BoardViewer): Promise<PostJson> {
  const [json] = await presentPosts(db, [post], () => viewer);
  if (!json) throw new Error('post not presented');
  return json;
}

/** One comment as `viewer` sees it. */
export async function presentComment(
  db: Db,
  comment: Comment,
  viewer: BoardViewer,
  postOpen: boolean
): Promise<CommentJson> {
  const [json] = await presentComments(db, [comment], viewer, postOpen);
  if (!json) throw new Error('comment not presented');
  return json;
}
