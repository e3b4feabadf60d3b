import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findRound, roundChannel } from '../../../services/voting/round.service.ts';
import { roundTally, setVote, stepVote, tallyOf } from '../../../services/voting/vote.service.ts';
import { callerOf } from '../../caller.ts';
import { eventStreams } from '../../event-stream.ts';
import type { AppContext } from '../../context.ts';
import { problemResponses } from '../../problem.ts';
import { roundParams, roundTallySchema, voteBody, voteParams } from './rounds.schema.ts';
import { requireRoundAccess, voteProblem } from './round-access.ts';

/**
 * Dot votes and the live tally: set your dots on a topic, add one or take one back (for plain
 * forms), and follow a round as Server-Sent Events. Voting needs `topic.vote` (active members);
 * the stream is readable like the round.
 */
export const voteRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db, realtime }) => {
  const tags = ['voting'];

  const streams = eventStreams(app);

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
      const stream = streams.open(request, reply, 3000);
      const { res } = stream;
      // Messages that arrive while a tally is being read are folded into one more read.
      let changes = 0;
      let sending = false;
      const send = async (): Promise<void> => {
        changes += 1;
        if (sending) return;
        sending = true;
        try {
          let sent = -1;
          while (sent !== changes && !stream.ended()) {
            sent = changes;
            const tally = await roundTally(db, round.id);
            if (stream.ended()) break;
            if (!tally) {
              stream.end();
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
      stream.onEnd(
        realtime.subscribe(roundChannel(round.id), () => {
          void send();
        })
      );
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
};
