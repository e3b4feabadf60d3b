import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { presentPost } from '../../../services/board/board-present.ts';
import { setPinned, setSolved } from '../../../services/board/post-write.service.ts';
import {
  addReaction,
  reactionCounts,
  type ReactionSubject,
  removeReaction
} from '../../../services/board/reaction.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { boardProblem, requireCommentAccess, requirePostAccess } from './board-access.ts';
import { idParams, postSchema, reactionParams, reactionSummarySchema } from './board.schema.ts';

/**
 * Marking help posts solved (their author or moderators), pinning (moderators), and reactions to
 * posts and comments (active members; adding or taking back twice changes nothing).
 */
export const boardActionRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['board'];

  for (const method of ['POST', 'DELETE'] as const) {
    const on = method === 'POST';
    app.route({
      method,
      url: '/posts/:id/solved',
      config: { access: 'user' },
      schema: {
        tags,
        summary: on ? 'Mark a help post solved' : 'Mark a help post not solved',
        description: 'The post’s author or moderators. 409 for posts that are not help requests.',
        params: idParams,
        response: { 200: postSchema, ...problemResponses(401, 403, 404, 409) }
      },
      handler: async (request) => {
        const access = await requirePostAccess(db, request, request.params.id, 'solve');
        const post = await setSolved(db, access.post.id, on).catch(boardProblem);
        return presentPost(db, post, access.boardViewer);
      }
    });

    app.route({
      method,
      url: '/posts/:id/pin',
      config: { access: 'user' },
      schema: {
        tags,
        summary: on ? 'Pin a post to the top of the board' : 'Unpin a post',
        description: 'Organizers and up, admins.',
        params: idParams,
        response: { 200: postSchema, ...problemResponses(401, 403, 404, 409) }
      },
      handler: async (request) => {
        const access = await requirePostAccess(db, request, request.params.id, 'moderate');
        const post = await setPinned(db, access.post.id, on).catch(boardProblem);
        return presentPost(db, post, access.boardViewer);
      }
    });
  }

  for (const type of ['post', 'comment'] as const satisfies readonly ReactionSubject[]) {
    for (const method of ['PUT', 'DELETE'] as const) {
      app.route({
        method,
        url: `/${type}s/:id/reactions/:reaction`,
        config: { access: 'user' },
        schema: {
          tags,
          summary: `${method === 'PUT' ? 'React to' : 'Take back a reaction to'} a ${type}`,
          description: 'Active members. Idempotent; answers with the counts.',
          params: reactionParams,
          response: { 200: reactionSummarySchema, ...problemResponses(400, 401, 403, 404, 409) }
        },
        handler: async (request) => {
          const { id, reaction } = request.params;
          const status =
            type === 'post'
              ? (await requirePostAccess(db, request, id, 'react')).post.status
              : (await requireCommentAccess(db, request, id, 'react')).comment.status;
          if (method === 'PUT' && status === 'removed') {
            throw new Problem('conflict', { detail: 'board.postNotVisible' });
          }
          const userId = callerOf(request).userId;
          const subject = { type, id };
          if (method === 'PUT') await addReaction(db, subject, userId, reaction);
          else await removeReaction(db, subject, userId, reaction);
          const counts = await reactionCounts(db, type, [id], userId);
          return { reactions: counts.get(id) ?? [] };
        }
      });
    }
  }
};
