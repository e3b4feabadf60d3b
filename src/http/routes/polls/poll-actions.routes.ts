import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pollVoters } from '../../../services/poll/poll.service.ts';
import { castBallot } from '../../../services/poll/poll-ballot.service.ts';
import { pollCsv } from '../../../services/poll/poll-csv.ts';
import { closePoll, openPoll } from '../../../services/poll/poll-write.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { problemResponses } from '../../problem.ts';
import { pollJson, pollProblem, requirePollAccess } from './poll-access.ts';
import { ballotBody, pollParams, pollSchema } from './polls.schema.ts';

/**
 * What happens to a poll after it is made: launching and closing it (`poll.manage`), answering it
 * (group polls: active members; meeting polls: those who take part in the meeting's room), and
 * its results as CSV (`poll.manage`).
 */
export const pollActionRoutes: FastifyPluginAsyncZod<AppContext> = async (
  app,
  { db, realtime }
) => {
  const tags = ['polls'];

  app.post(
    '/polls/:id/open',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Launch a draft poll (hosts and up)',
        description:
          '409 pollNotDraft unless a draft; pollClosesAtPast when its closing time has passed.',
        params: pollParams,
        response: { 200: pollSchema, ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requirePollAccess(db, request, request.params.id, 'manage');
      const poll = await openPoll(db, realtime, access.poll.id).catch(pollProblem);
      return pollJson(db, poll, access.pollViewer);
    }
  );

  app.post(
    '/polls/:id/close',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Close a poll now (hosts and up)',
        description: 'Closing a closed poll changes nothing; a draft is 409 pollNotOpen.',
        params: pollParams,
        response: { 200: pollSchema, ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requirePollAccess(db, request, request.params.id, 'manage');
      const { poll } = await closePoll(db, realtime, access.poll.id).catch(pollProblem);
      return pollJson(db, poll, access.pollViewer);
    }
  );

  app.post(
    '/polls/:id/ballots',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Answer a poll (members; meeting polls: those taking part in the room)',
        description:
          'One ballot per member, final once cast: 409 alreadyAnswered the second time, 409 pollNotOpen unless open. 400 on optionIds: pollNoChoice, pollOneChoiceOnly, pollUnknownOption.',
        params: pollParams,
        body: ballotBody,
        response: { 200: pollSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requirePollAccess(db, request, request.params.id, 'answer');
      const poll = await castBallot(db, realtime, {
        pollId: access.poll.id,
        userId: callerOf(request).userId,
        optionIds: request.body.optionIds
      }).catch(pollProblem);
      return pollJson(db, poll, access.pollViewer);
    }
  );

  app.get(
    '/polls/:id/results.csv',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'A poll’s results as CSV (hosts and up)',
        description:
          'text/csv: option,votes,percent — plus voters (display names joined by "; ") for named polls; never for anonymous ones.',
        params: pollParams,
        response: {
          200: z.string().meta({ description: 'text/csv' }),
          ...problemResponses(401, 403, 404)
        }
      }
    },
    async (request, reply) => {
      const { poll } = await requirePollAccess(db, request, request.params.id, 'manage');
      const voters = poll.anonymous ? null : await pollVoters(db, poll);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="poll-${poll.id}.csv"`)
        .send(pollCsv(poll, voters));
    }
  );
};
