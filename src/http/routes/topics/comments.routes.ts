import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../../db/database.ts';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import { renderMarkdown } from '../../../domain/markdown.ts';
import type { Group } from '../../../services/group.service.ts';
import {
  addComment,
  deleteComment,
  getComment,
  listComments,
  type TopicComment
} from '../../../services/topic-comment.service.ts';
import { getTopic, type Topic, TopicError } from '../../../services/topic.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import {
  commentBody,
  commentListQuery,
  commentListSchema,
  commentParams,
  commentSchema,
  encodeTopicCursor,
  topicParams
} from './topics.schema.ts';

/**
 * Loads a topic of the group named in the URL for someone who may read the group: a group they
 * may not read and a topic of another group are both a 404.
 */
export async function requireTopic(
  db: Db,
  request: FastifyRequest,
  slug: string,
  id: string
): Promise<{ group: Group; viewer: Viewer; topic: Topic }> {
  const { group, viewer } = await requireGroupAccess(db, request, slug, 'group.read');
  const topic = await getTopic(db, group.id, id, viewer.userId);
  if (!topic) throw new Problem('not-found');
  return { group, viewer, topic };
}

/** A refused action on a topic one may read: 403, or 401 when nobody is logged in. */
export function refuse(viewer: Viewer): never {
  throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
}

/** Maps a refused topic change onto its problem response. */
export function topicProblem(error: unknown): never {
  if (error instanceof TopicError) {
    switch (error.problem) {
      case 'notFound':
        throw new Problem('not-found');
      case 'mergeIntoSelf':
      case 'mergeTargetUnknown':
      case 'mergeTargetNotOpen':
        throw fieldProblem('into', error.problem);
      case 'topicNotOpen':
      case 'topicNotScheduled':
      case 'topicNotCommentable':
        throw new Problem('conflict', { detail: error.problem });
    }
  }
  throw error;
}

function commentJson(comment: TopicComment, viewer: Viewer, group: Group) {
  const { topicId: _topicId, ...rest } = comment;
  const own = viewer.userId !== null && comment.author?.id === viewer.userId;
  return jsonDates({
    ...rest,
    bodyHtml: renderMarkdown(comment.body),
    canDelete: own || can(viewer, group, 'topic.manage')
  });
}

/**
 * Comments on a group's topics: readable with the topic, written by active members
 * (`topic.comment`) while the topic is not archived or withdrawn, deleted by their author or an
 * organizer (`topic.manage`).
 */
export const topicCommentRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['topics'];

  app.get(
    '/groups/:slug/topics/:id/comments',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A topic’s comments',
        description: 'Oldest first; readable by everyone who may read the group (404 to others).',
        params: topicParams,
        querystring: commentListQuery,
        response: { 200: commentListSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const { slug, id } = request.params;
      const { group, viewer, topic } = await requireTopic(db, request, slug, id);
      const page = await listComments(db, topic.id, request.query);
      return {
        items: page.items.map((c) => commentJson(c, viewer, group)),
        nextCursor: page.next ? encodeTopicCursor(page.next) : null
      };
    }
  );

  app.post(
    '/groups/:slug/topics/:id/comments',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Comment on a topic (members)',
        description: 'Not on archived or withdrawn topics (409).',
        params: topicParams,
        body: commentBody,
        response: { 201: commentSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { slug, id } = request.params;
      const { group, viewer, topic } = await requireTopic(db, request, slug, id);
      if (!can(viewer, group, 'topic.comment')) refuse(viewer);
      try {
        const comment = await addComment(
          db,
          group.id,
          topic.id,
          callerOf(request).userId,
          request.body.body
        );
        return await reply.code(201).send(commentJson(comment, viewer, group));
      } catch (error) {
        topicProblem(error);
      }
    }
  );

  app.delete(
    '/groups/:slug/topics/:id/comments/:commentId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Delete a comment (its author or organizers)',
        params: commentParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { slug, id, commentId } = request.params;
      const { group, viewer, topic } = await requireTopic(db, request, slug, id);
      const comment = await getComment(db, topic.id, commentId);
      if (!comment) throw new Problem('not-found');
      if (!commentJson(comment, viewer, group).canDelete) refuse(viewer);
      try {
        if (!(await deleteComment(db, group.id, topic.id, comment.id))) {
          throw new Problem('not-found');
        }
      } catch (error) {
        topicProblem(error);
      }
      return reply.code(204).send(null);
    }
  );
};
