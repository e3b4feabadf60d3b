// What every board route shares: loading a post (or a comment) with the caller's standing in its
// group, checking what the caller may do, and mapping refusals onto problem responses.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import type { BoardViewer } from '../../../services/board/board-present.ts';
import { type Comment, findComment } from '../../../services/board/comment.service.ts';
import {
  BoardError,
  findPost,
  maySeePost,
  type Post
} from '../../../services/board/post.service.ts';
import { findGroupById, type Group, viewerOf } from '../../../services/group.service.ts';
import { fieldProblem, Problem } from '../../problem.ts';

/** Maps a refused board action onto its problem response. */
export function boardProblem(error: unknown): never {
  if (error instanceof BoardError) {
    if (error.problem === 'postNotFound' || error.problem === 'commentNotFound') {
      throw new Problem('not-found');
    }
    if (error.field) throw fieldProblem(error.field, `board.${error.problem}`);
    throw new Problem('conflict', { detail: `board.${error.problem}` });
  }
  throw error;
}

/** The caller's standing in `group` as the board presenter needs it. */
export function boardViewerOf(group: Group, viewer: Viewer): BoardViewer {
  return {
    userId: viewer.userId,
    isMember: can(viewer, group, 'post.create'),
    canModerate: can(viewer, group, 'post.moderate'),
    canReport: can(viewer, group, 'report.create')
  };
}

/**
 * What a post route needs: `read` it; `author` (the author, still an active member); `authorOrModerate`
 * (the author, or `post.moderate`); `solve` (the active-member author, or `post.moderate`);
 * `moderate`; `comment`; `react`.
 */
export type PostNeed =
  'read' | 'author' | 'authorOrModerate' | 'solve' | 'moderate' | 'comment' | 'react';

export interface PostAccess {
  post: Post;
  group: Group;
  viewer: Viewer;
  boardViewer: BoardViewer;
}

function allowed(need: PostNeed, bv: BoardViewer, isAuthor: boolean): boolean {
  switch (need) {
    case 'read':
      return true;
    case 'author':
      return isAuthor && bv.isMember;
    case 'authorOrModerate':
      return isAuthor || bv.canModerate;
    case 'solve':
      return (isAuthor && bv.isMember) || bv.canModerate;
    case 'moderate':
      return bv.canModerate;
    case 'comment':
    case 'react':
      return bv.isMember;
  }
}

/**
 * Loads the post named in the URL, its group and the caller's standing, and checks `need`. A post
 * in a group the caller may not read is a 404, and so is a hidden post to all but moderators and
 * its author; an action they may not take is a 403 (401 for nobody).
 */
export async function requirePostAccess(
  db: Db,
  request: FastifyRequest,
  id: string,
  need: PostNeed
): Promise<PostAccess> {
  const post = await findPost(db, id);
  if (!post) throw new Problem('not-found');
  const group = await findGroupById(db, post.groupId);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, request.caller?.userId ?? null);
  if (!can(viewer, group, 'group.read')) throw new Problem('not-found');
  const boardViewer = boardViewerOf(group, viewer);
  if (!maySeePost(post, boardViewer)) throw new Problem('not-found');
  const isAuthor = viewer.userId !== null && viewer.userId === post.authorId;
  if (!allowed(need, boardViewer, isAuthor)) {
    throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
  }
  return { post, group, viewer, boardViewer };
}

/** Loads the comment named in the URL with its post's access (see `requirePostAccess`). */
export async function requireCommentAccess(
  db: Db,
  request: FastifyRequest,
  id: string,
  need: 'read' | 'author' | 'authorOrModerate' | 'react'
): Promise<PostAccess & { comment: Comment }> {
  const comment = await findComment(db, id);
  if (!comment) throw new Problem('not-found');
  const access = await requirePostAccess(db, request, comment.postId, 'read');
  const bv = access.boardViewer;
  const isAuthor = bv.userId !== null && bv.userId === comment.authorId;
  if (comment.status === 'hidden' && !isAuthor && !bv.canModerate) throw new Problem('not-found');
  if (!allowed(need, bv, isAuthor)) throw new Problem(bv.userId ? 'forbidden' : 'unauthorized');
  return { ...access, comment };
}
