import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../domain/group-policy.ts';
import { listPolls } from '../../../services/poll/poll.service.ts';
import { createPoll, deletePoll, updatePoll } from '../../../services/poll/poll-write.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import { pollActionRoutes } from './poll-actions.routes.ts';
import { pollJson, pollProblem, pollViewerOf, requirePollAccess } from './poll-access.ts';
import {
  createPollBody,
  pollListQuery,
  pollListSchema,
  pollParams,
  pollSchema,
  updatePollBody
} from './polls.schema.ts';
import { decodeCreatedCursor, encodeCreatedCursor } from '../../../services/created-cursor.ts';

const PAGE_SIZE = 20;

/** A closing time from the wire: undefined (not given), null (none) or the instant. */
const closesAtOf = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

/**
 * Polls in a group or a meeting: list, create (a draft or launched at once), read, edit and
 * delete drafts; opening, closing, ballots and the CSV are in `pollActionRoutes`. Reading follows
 * `group.read` (drafts only for managers); the rest `poll.manage` (hosts and up, admins).
 */
export const pollRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { db, realtime } = context;
  const tags = ['polls'];

  await app.register(pollActionRoutes, context);

  app.get(
    '/groups/:slug/polls',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s polls, newest first',
        description:
          'Drafts only for those who manage polls. `status=closed` includes open polls past their closing time.',
        params: slugParams,
        querystring: pollListQuery,
        response: { 200: pollListSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const { cursor: given, limit, status, eventId } = request.query;
      const cursor = given === undefined ? undefined : decodeCreatedCursor(given);
      if (cursor === null) throw fieldProblem('cursor', 'invalid');
      const page = await listPolls(db, group.id, {
        status,
        eventId,
        drafts: can(viewer, group, 'poll.manage'),
        cursor,
        limit: limit ?? PAGE_SIZE
      });
      const items = [];
      for (const poll of page.items) {
        items.push(await pollJson(db, poll, await pollViewerOf(db, poll, group, viewer)));
      }
      return { items, nextCursor: page.next ? encodeCreatedCursor(page.next) : null };
    }
  );

  app.post(
    '/groups/:slug/polls',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Create a poll (hosts and up)',
        description:
          'A draft, or open at once with `open: true`. With `eventId` a meeting poll: its changes reach the meeting’s live room. 400 on options.N: pollOptionsDuplicate; eventId: pollEventInvalid; closesAt: pollClosesAtPast.',
        params: slugParams,
        body: createPollBody,
        response: { 201: pollSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'poll.manage'
      );
      const body = request.body;
      const poll = await createPoll(db, realtime, {
        groupId: group.id,
        createdBy: callerOf(request).userId,
        open: body.open ?? false,
        input: {
          question: body.question,
          options: body.options,
          choice: body.choice,
          anonymous: body.anonymous,
          results: body.results,
          eventId: body.eventId ?? null,
          closesAt: closesAtOf(body.closesAt) ?? null
        }
      }).catch(pollProblem);
      return reply
        .code(201)
        .send(await pollJson(db, poll, await pollViewerOf(db, poll, group, viewer)));
    }
  );

  app.get(
    '/polls/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One poll',
        params: pollParams,
        response: { 200: pollSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { poll, pollViewer } = await requirePollAccess(db, request, request.params.id, 'read');
      return pollJson(db, poll, pollViewer);
    }
  );

  app.patch(
    '/polls/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Edit a draft poll (hosts and up)',
        description:
          'Only the fields given; `options` replaces all options. 409 pollNotDraft once opened.',
        params: pollParams,
        body: updatePollBody,
        response: { 200: pollSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requirePollAccess(db, request, request.params.id, 'manage');
      const { closesAt, ...rest } = request.body;
      const poll = await updatePoll(db, realtime, access.poll.id, {
        ...rest,
        ...(closesAt !== undefined ? { closesAt: closesAtOf(closesAt) ?? null } : {})
      }).catch(pollProblem);
      return pollJson(db, poll, access.pollViewer);
    }
  );

  app.delete(
    '/polls/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Delete a draft poll (hosts and up)',
        description: '409 pollNotDraft for a poll that was opened: its answers stay.',
        params: pollParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const access = await requirePollAccess(db, request, request.params.id, 'manage');
      await deletePoll(db, realtime, access.poll.id).catch(pollProblem);
      return reply.code(204).send(null);
    }
  );
};
