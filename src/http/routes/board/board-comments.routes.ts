import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { presentComment, presentComments } from '../../../services/board/board-present.ts';
import {
  createComment,
  listComments,
  removeComment,
  updateComment
} from '../../../services/board/comment.service.ts';
import { decodeCreatedCursor, encodeCreatedCursor } from '../../../services/created-cursor.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, problemResponses } from '../../problem.ts';
import { boardProblem, requireCommentAccess, requirePostAccess } from './board-access.ts';
import {
  commentListSchema,
  commentSchema,
  createCommentBody,
  idParams,
  pageOnlyQuery,
  updateCommentBody
} from './board.schema.ts';

const PAGE_SIZE = 100;

/**
 * Comments on posts with one level of replies: reading follows the post; commenting needs active
 * membership; editing is the author's; removing the author's or moderators'.
 */
export const boardCommentRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db, queue }) => {
  const tags = ['board'];

  app.get(
    '/posts/:id/comments',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A post’s comments, oldest first',
        description: 'Replies carry `parentId`. Removed comments keep their place without words.',
        params: idParams,
        querystring: pageOnlyQuery,
        response: { 200: commentListSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const { post, boardViewer } = await requirePostAccess(db, request, request.params.id, 'read');
      const given = request.query.cursor;
      const cursor = given === undefined ? undefined : decodeCreatedCursor(given);
      if (cursor === null) throw fieldProblem('cursor', 'invalid');
      const page = await listComments(db, post.id, {
        cursor,
        limit: request.query.limit ?? PAGE_SIZE
      });
      return {
        items: await presentComments(db, page.items, boardViewer, post.status === 'visible'),
        nextCursor: page.next ? encodeCreatedCursor(page.next) : null
      };
    }
  );

  app.post(
    '/posts/:id/comments',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Comment on a post, or reply to a comment (active members)',
        description:
          'One level of replies: `parentId` names a top-level comment of the same post (400 otherwise). 409 on a hidden or removed post.',
        params: idParams,
        body: createCommentBody,
        response: { 201: commentSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const access = await requirePostAccess(db, request, request.params.id, 'comment');
      const comment = await createComment(db, queue, {
        postId: access.post.id,
        authorId: callerOf(request).userId,
        body: request.body.body,
        parentId: request.body.parentId ?? null
      }).catch(boardProblem);
      return reply.code(201).send(await presentComment(db, comment, access.boardViewer, true));
    }
  );

  app.patch(
    '/comments/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Edit your comment',
        params: idParams,
        body: updateCommentBody,
        response: { 200: commentSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requireCommentAccess(db, request, request.params.id, 'author');
      const comment = await updateComment(db, access.comment.id, request.body.body).catch(
        boardProblem
      );
      return presentComment(db, comment, access.boardViewer, access.post.status === 'visible');
    }
  );

  app.delete(
    '/comments/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Remove a comment (its author, or moderators)',
        description: 'Its words are no longer shown; its replies stay.',
        params: idParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const access = await requireCommentAccess(db, request, request.params.id, 'authorOrModerate');
      await removeComment(db, access.comment.id).catch(boardProblem);
      return reply.code(204).send(null);
    }
  );
};
