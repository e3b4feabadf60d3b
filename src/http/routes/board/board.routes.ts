import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../domain/group-policy.ts';
import {
  type BoardViewer,
  presentPost,
  presentPosts
} from '../../../services/board/board-present.ts';
import { activeGroupIds, listPosts, type Post } from '../../../services/board/post.service.ts';
import { createPost, removePost, updatePost } from '../../../services/board/post-write.service.ts';
import { decodeCreatedCursor, encodeCreatedCursor } from '../../../services/created-cursor.ts';
import { findGroupById, viewerOf } from '../../../services/group.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import { boardActionRoutes } from './board-actions.routes.ts';
import { boardCommentRoutes } from './board-comments.routes.ts';
import { boardProblem, boardViewerOf, requirePostAccess } from './board-access.ts';
import {
  createPostBody,
  idParams,
  pageOnlyQuery,
  postListQuery,
  postListSchema,
  postSchema,
  updatePostBody
} from './board.schema.ts';

const PAGE_SIZE = 20;

function cursorOf(given: string | undefined) {
  if (given === undefined) return undefined;
  const cursor = decodeCreatedCursor(given);
  if (cursor === null) throw fieldProblem('cursor', 'invalid');
  return cursor;
}

/**
 * The group board: posts (help requests, job leads, announcements, discussions, kudos) with
 * comments and reactions. Reading follows `group.read` (hidden posts only for moderators and their
 * author); posting, commenting and reacting need active membership; announcements, pins and
 * removing others' words `post.moderate`. `/me/board` combines the boards of the caller's groups.
 */
export const boardRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { db, queue } = context;
  const tags = ['board'];

  await app.register(boardActionRoutes, context);
  await app.register(boardCommentRoutes, context);

  app.get(
    '/groups/:slug/posts',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s board: pinned posts first, then newest',
        description:
          'Pinned posts come on the first page only. Job leads past their expiry are left out unless `includeExpired=true`; removed posts are never listed.',
        params: slugParams,
        querystring: postListQuery,
        response: { 200: postListSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const { kind, includeExpired, limit } = request.query;
      const bv = boardViewerOf(group, viewer);
      const page = await listPosts(db, [group.id], {
        kind,
        includeExpired: includeExpired === 'true',
        userId: viewer.userId,
        canModerate: bv.canModerate,
        cursor: cursorOf(request.query.cursor),
        limit: limit ?? PAGE_SIZE,
        pinnedFirst: true
      });
      return {
        items: await presentPosts(db, page.items, () => bv),
        nextCursor: page.next ? encodeCreatedCursor(page.next) : null
      };
    }
  );

  app.post(
    '/groups/:slug/posts',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Post on a group’s board (active members)',
        description:
          'Announcements only for organizers and up (403 otherwise). A job lead expires after the group’s job-lead days. A link’s preview is fetched after posting.',
        params: slugParams,
        body: createPostBody,
        response: { 201: postSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'post.create'
      );
      const body = request.body;
      if (body.kind === 'announcement' && !can(viewer, group, 'post.moderate')) {
        throw new Problem('forbidden', { detail: 'board.announcementStaff' });
      }
      const post = await createPost(db, queue, {
        groupId: group.id,
        authorId: callerOf(request).userId,
        input: {
          kind: body.kind,
          title: body.title,
          body: body.body,
          linkUrl: body.linkUrl ?? null
        }
      }).catch(boardProblem);
      const bv = boardViewerOf(group, viewer);
      const json = await presentPost(db, post, bv);
      return reply.code(201).send(json);
    }
  );

  app.get(
    '/posts/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One post',
        description: 'A removed post answers with empty words; its comments stay.',
        params: idParams,
        response: { 200: postSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { post, boardViewer } = await requirePostAccess(db, request, request.params.id, 'read');
      const json = await presentPost(db, post, boardViewer);
      return json;
    }
  );

  app.patch(
    '/posts/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Edit your post',
        description: 'Only the fields given; the post shows as edited. 409 once removed.',
        params: idParams,
        body: updatePostBody,
        response: { 200: postSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requirePostAccess(db, request, request.params.id, 'author');
      const post = await updatePost(db, queue, access.post.id, request.body).catch(boardProblem);
      const json = await presentPost(db, post, access.boardViewer);
      return json;
    }
  );

  app.delete(
    '/posts/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Remove a post (its author, or moderators)',
        description: 'Its words are no longer shown; its comments stay.',
        params: idParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const access = await requirePostAccess(db, request, request.params.id, 'authorOrModerate');
      await removePost(db, access.post.id);
      return reply.code(204).send(null);
    }
  );

  app.get(
    '/me/board',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The boards of all your groups, newest first',
        description: 'Posts of the groups you are an active member of; expired job leads left out.',
        querystring: pageOnlyQuery,
        response: { 200: postListSchema, ...problemResponses(400, 401) }
      }
    },
    async (request) => {
      const userId = callerOf(request).userId;
      const groupIds = await activeGroupIds(db, userId);
      const page = await listPosts(db, groupIds, {
        includeExpired: false,
        userId,
        canModerate: false,
        cursor: cursorOf(request.query.cursor),
        limit: request.query.limit ?? PAGE_SIZE,
        pinnedFirst: false
      });
      const viewers = new Map<string, BoardViewer>();
      for (const groupId of new Set(page.items.map((p: Post) => p.groupId))) {
        const group = await findGroupById(db, groupId);
        if (group) viewers.set(groupId, boardViewerOf(group, await viewerOf(db, groupId, userId)));
      }
      const none: BoardViewer = { userId, isMember: false, canModerate: false, canReport: false };
      return {
        items: await presentPosts(db, page.items, (id) => viewers.get(id) ?? none),
        nextCursor: page.next ? encodeCreatedCursor(page.next) : null
      };
    }
  );
};
