import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../../db/database.ts';
import { can, type GroupAction, type Viewer } from '../../../domain/group-policy.ts';
import { zonedInstant } from '../../../domain/zoned-time.ts';
import { findMeeting } from '../../../services/event.service.ts';
import { findGroupById, type Group, viewerOf } from '../../../services/group.service.ts';
import {
  acceptsVotes,
  currentRound,
  decodeRoundCursor,
  encodeRoundCursor,
  findRound,
  listRounds,
  openRound,
  roundChannel,
  VoteError,
  type VotingRound
} from '../../../services/voting/round.service.ts';
import {
  closeVotingRound,
  overrideRound,
  type RoundDeps
} from '../../../services/voting/round-close.service.ts';
import {
  myVotes,
  roundTally,
  setVote,
  stepVote,
  tallyOf
} from '../../../services/voting/vote.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import {
  openRoundBody,
  overrideBody,
  roundListQuery,
  roundListSchema,
  roundParams,
  roundSchema,
  roundTallySchema,
  voteBody,
  voteParams
} from './rounds.schema.ts';

/** How often an idle event stream sends a comment, so proxies keep it open. */
export const STREAM_HEARTBEAT_MS = 25_000;
const PAGE_SIZE = 20;

/** Field messages (`validation.*`) of the refusals that are about an input field. */
const FIELD_MESSAGE: Partial<Record<VoteError['problem'], string>> = {
  overBudget: 'overBudget',
  overTopicCap: 'overTopicCap',
  negative: 'voteNegative',
  eventInvalid: 'roundEventInvalid',
  closesAtPast: 'roundClosesAtPast',
  closesAtAfterStart: 'roundClosesAtAfterStart',
  topicsInvalid: 'roundTopicsInvalid'
};

/** Maps a refused voting action onto its problem response. */
function voteProblem(error: unknown): never {
  if (error instanceof VoteError) {
    const message = FIELD_MESSAGE[error.problem];
    if (error.field && message) throw fieldProblem(error.field, message);
    if (error.problem === 'roundNotFound' || error.problem === 'topicNotFound') {
      throw new Problem('not-found');
    }
    if (error.problem === 'notMember') throw new Problem('forbidden');
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}

interface RoundAccess {
  round: VotingRound;
  group: Group;
  viewer: Viewer;
}

/**
 * Loads the round named in the URL, its group and the caller's standing, and checks `action`.
 * A round of a group the caller may not read is a 404 like one that does not exist; an action
 * they may not take is a 403 (401 when nobody is logged in).
 */
async function requireRoundAccess(
  db: Db,
  request: FastifyRequest,
  id: string,
  action: GroupAction
): Promise<RoundAccess> {
  const round = await findRound(db, id);
  if (!round) throw new Problem('not-found');
  const group = await findGroupById(db, round.groupId);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, request.caller?.userId ?? null);
  if (!can(viewer, group, 'group.read')) throw new Problem('not-found');
  if (!can(viewer, group, action)) throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
  return { round, group, viewer };
}

async function personOf(db: Db, userId: string | null) {
  if (!userId) return null;
  const row = await db.kysely
    .selectFrom('users')
    .select(['id', 'name', 'handle'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row ? { id: row.id, displayName: row.name, handle: row.handle } : null;
}

/** A round as the viewer sees it: the tally unless hidden while open, their own dots. */
async function roundJson(db: Db, { round, group, viewer }: RoundAccess, now = new Date()) {
  const meeting = await findMeeting(db, round.eventId);
  if (!meeting) throw new Problem('not-found');
  const { voters, tally } = await tallyOf(db, round);
  const votes = can(viewer, group, 'topic.vote') && viewer.userId !== null;
  return jsonDates({
    id: round.id,
    event: {
      id: meeting.id,
      title: meeting.title,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      timeZone: meeting.timeZone
    },
    status: round.status,
    opensAt: round.opensAt,
    closesAt: round.closesAt,
    rules: { ...round.rules, tally: round.tallyVisibility },
    tieRule: 'votesThenEarlierProposal' as const,
    tally,
    picked: round.picked,
    override: round.override
      ? {
          reason: round.override.reason,
          by: await personOf(db, round.override.byId),
          at: round.override.at
        }
      : null,
    voters,
    closedAt: round.closedAt,
    my: votes && viewer.userId ? await myVotes(db, round, viewer.userId) : null,
    viewer: {
      canVote: votes && acceptsVotes(round, now),
      canManage: can(viewer, group, 'round.manage')
    }
  });
}

/**
 * Voting rounds: a group's rounds and the open one, dot votes (set, add one, take one back), a
 * live tally as Server-Sent Events, closing now and overriding a pick. Reading follows
 * `group.read`; voting needs `topic.vote` (active members); the rest `round.manage`.
 */
export const roundRoutes: FastifyPluginAsyncZod<AppContext> = async (
  app,
  { db, queue, realtime }
) => {
  const tags = ['voting'];
  const deps: RoundDeps = { queue, realtime };

  /** Open event streams, ended when the server shuts down (else closing would wait on them). */
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

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
      const cursor = given === undefined ? undefined : decodeRoundCursor(given);
      if (cursor === null) throw fieldProblem('cursor', 'invalid');
      const page = await listRounds(db, access.group.id, { cursor, limit: limit ?? PAGE_SIZE });
      const items = [];
      for (const round of page.items) items.push(await roundJson(db, { ...access, round }));
      return { items, nextCursor: page.next ? encodeRoundCursor(page.next) : null };
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

  app.get(
    '/rounds/:id/stream',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The live tally of a round (Server-Sent Events)',
        description:
          'text/event-stream: an event `tally` with RoundTally JSON (without `my`) at once and after every change; for a hidden tally while open only the totals (`tally: null`). A comment line every 25 s keeps the connection open.',
        params: roundParams,
        response: { ...problemResponses(404) }
      }
    },
    async (request, reply) => {
      const { round } = await requireRoundAccess(db, request, request.params.id, 'group.read');
      reply.hijack();
      const res = reply.raw;
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) res.setHeader(name, value);
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        connection: 'keep-alive'
      });
      res.write('retry: 3000\n\n');
      let ended = false;
      const gone = () => ended || res.writableEnded;
      // Messages that arrive while a tally is being read are folded into one more read.
      let changes = 0;
      let sending = false;
      const send = async (): Promise<void> => {
        changes += 1;
        if (sending) return;
        sending = true;
        try {
          let sent = -1;
          while (sent !== changes && !gone()) {
            sent = changes;
            const tally = await roundTally(db, round.id);
            if (gone()) break;
            if (!tally) {
              end();
              break;
            }
            res.write(`event: tally\ndata: ${JSON.stringify(tally)}\n\n`);
          }
        } catch (error) {
          request.log.warn({ err: error, roundId: round.id }, 'could not send a round tally');
        } finally {
          sending = false;
        }
      };
      const unsubscribe = realtime.subscribe(roundChannel(round.id), () => {
        void send();
      });
      const heartbeat = setInterval(() => {
        res.write(': keep-alive\n\n');
      }, STREAM_HEARTBEAT_MS);
      heartbeat.unref();
      function end(): void {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(end);
        if (!res.writableEnded) res.end();
      }
      streams.add(end);
      res.on('close', end);
      request.raw.on('close', end);
      await send();
    }
  );

  const voteAnswer = async (result: Awaited<ReturnType<typeof setVote>>) => {
    const round = (await findRound(db, result.round.id)) ?? result.round;
    return { ...(await tallyOf(db, round)), my: result.my };
  };

  app.put(
    '/rounds/:id/votes/:topicId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Set your dots on a topic (members)',
        description:
          '400 on count: overTopicCap (more than the round allows on one topic) or overBudget (more than your votes left; take some back first). 409 roundClosed after the round closed. 404 when the topic is not open in this group.',
        params: voteParams,
        body: voteBody,
        response: { 200: roundTallySchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const { round } = await requireRoundAccess(db, request, request.params.id, 'topic.vote');
      const result = await setVote(db, realtime, {
        roundId: round.id,
        topicId: request.params.topicId,
        userId: callerOf(request).userId,
        count: request.body.count
      }).catch(voteProblem);
      return voteAnswer(result);
    }
  );

  for (const [step, delta] of [
    ['add', 1],
    ['remove', -1]
  ] as const) {
    app.post(
      `/rounds/:id/votes/:topicId/${step}`,
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: delta === 1 ? 'Add one dot to a topic (members)' : 'Take one dot back (members)',
          description:
            delta === 1
              ? 'Like PUT with your count + 1; for plain forms.'
              : 'Like PUT with your count − 1; without a dot on the topic nothing changes.',
          params: voteParams,
          response: { 200: roundTallySchema, ...problemResponses(400, 401, 403, 404, 409) }
        }
      },
      async (request) => {
        const { round } = await requireRoundAccess(db, request, request.params.id, 'topic.vote');
        const result = await stepVote(db, realtime, {
          roundId: round.id,
          topicId: request.params.topicId,
          userId: callerOf(request).userId,
          delta
        }).catch(voteProblem);
        return voteAnswer(result);
      }
    );
  }

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
