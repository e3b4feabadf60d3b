import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { zonedInstant } from '../../../domain/zoned-time.ts';
import { findMeeting } from '../../../services/event.service.ts';
import { currentRound, listRounds, openRound } from '../../../services/voting/round.service.ts';
import {
  closeVotingRound,
  overrideRound,
  type RoundDeps
} from '../../../services/voting/round-close.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import {
  openRoundBody,
  overrideBody,
  roundListQuery,
  roundListSchema,
  roundParams,
  roundSchema
} from './rounds.schema.ts';
import { voteRoutes } from './votes.routes.ts';
import { requireRoundAccess, roundJson, voteProblem } from './round-access.ts';
import { decodeCreatedCursor, encodeCreatedCursor } from '../../../services/created-cursor.ts';

const PAGE_SIZE = 20;

/**
 * Voting rounds: a group's rounds and the open one, dot votes (set, add one, take one back), a
 * live tally as Server-Sent Events, closing now and overriding a pick. Reading follows
 * `group.read`; voting needs `topic.vote` (active members); the rest `round.manage`.
 */
export const roundRoutes: FastifyPluginAsyncZod<AppContext> = async (
  app,
  { db, queue, realtime, ...rest }
) => {
  const tags = ['voting'];
  const deps: RoundDeps = { queue, realtime };

  await app.register(voteRoutes, { db, queue, realtime, ...rest });

  app.get(
    '/groups/:slug/rounds',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s voting rounds, newest first',
        params: slugParams,
        querystring: roundListQuery,
        response: { 200: roundListSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const access = await requireGroupAccess(db, request, request.params.slug, 'group.read');
      const { cursor: given, limit } = request.query;
      const cursor = given === undefined ? undefined : decodeCreatedCursor(given);
      if (cursor === null) throw fieldProblem('cursor', 'invalid');
      const page = await listRounds(db, access.group.id, { cursor, limit: limit ?? PAGE_SIZE });
      const items = [];
      for (const round of page.items) items.push(await roundJson(db, { ...access, round }));
      return { items, nextCursor: page.next ? encodeCreatedCursor(page.next) : null };
    }
  );

  app.get(
    '/groups/:slug/rounds/current',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The group’s open voting round',
        description: '404 when no round is open.',
        params: slugParams,
        response: { 200: roundSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const access = await requireGroupAccess(db, request, request.params.slug, 'group.read');
      const round = await currentRound(db, access.group.id);
      if (!round) throw new Problem('not-found');
      return roundJson(db, { ...access, round });
    }
  );

  app.post(
    '/groups/:slug/rounds',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Open a voting round for a meeting (organizers)',
        description:
          'The rules are the group’s voting settings now; they never change under a running round. 409 roundExists when the meeting has a round, roundOpen while another round of the group is open.',
        params: slugParams,
        body: openRoundBody,
        response: { 201: roundSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const access = await requireGroupAccess(db, request, request.params.slug, 'round.manage');
      const { eventId, closesAt } = request.body;
      let closes: Date | undefined;
      if (closesAt !== undefined) {
        const zone = (await findMeeting(db, eventId))?.timeZone ?? access.group.timeZone;
        try {
          closes = /(?:Z|[+-]\d{2}:\d{2})$/.test(closesAt)
            ? new Date(closesAt)
            : zonedInstant(closesAt, zone);
        } catch {
          throw fieldProblem('closesAt', 'invalidFormat');
        }
        if (Number.isNaN(closes.getTime())) throw fieldProblem('closesAt', 'invalidFormat');
      }
      const round = await openRound(db, {
        groupId: access.group.id,
        eventId,
        closesAt: closes,
        openedBy: callerOf(request).userId
      }).catch(voteProblem);
      return reply.code(201).send(await roundJson(db, { ...access, round }));
    }
  );

  app.get(
    '/rounds/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One voting round',
        params: roundParams,
        response: { 200: roundSchema, ...problemResponses(404) }
      }
    },
    async (request) =>
      roundJson(db, await requireRoundAccess(db, request, request.params.id, 'group.read'))
  );

  app.post(
    '/rounds/:id/close',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Close a round now (organizers)',
        description:
          'Picks the top topics onto the meeting’s agenda, exactly as when the round closes on time. Closing a closed round changes nothing.',
        params: roundParams,
        response: { 200: roundSchema, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const access = await requireRoundAccess(db, request, request.params.id, 'round.manage');
      const { round } = await closeVotingRound(db, deps, access.round.id, {
        actorId: callerOf(request).userId
      }).catch(voteProblem);
      return roundJson(db, { ...access, round });
    }
  );

  app.post(
    '/rounds/:id/override',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Override the pick of a closed round (organizers)',
        description:
          'Replaces the round’s topics on the agenda; topics no longer picked go back to the backlog. The reason, who and when are shown on the round and kept in the audit log.',
        params: roundParams,
        body: overrideBody,
        response: { 200: roundSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requireRoundAccess(db, request, request.params.id, 'round.manage');
      const round = await overrideRound(db, deps, {
        roundId: access.round.id,
        topicIds: request.body.topicIds,
        reason: request.body.reason,
        actorId: callerOf(request).userId
      }).catch(voteProblem);
      return roundJson(db, { ...access, round });
    }
  );
};
