import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../../db/database.ts';
import { ROOM_LIMITS } from '../../../domain/room.ts';
import { presentQuestion } from '../../../services/room/room-event-types.ts';
import { roomHubsFor } from '../../../services/room/room-hub.ts';
import {
  askQuestion,
  moderateQuestion,
  type QuestionModeration,
  questionEventId,
  setUpvote,
  withdrawQuestion
} from '../../../services/room/question.service.ts';
import {
  makeQuestionPost,
  makeQuestionTopic
} from '../../../services/room/question-topic.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { type RoomNeed, type RoomRequest, requireRoom } from './room-access.ts';
import { roomWriteProblem } from './room-problem.ts';
import { roomParams, questionViewSchema } from './room.schema.ts';
import {
  askQuestionBody,
  questionListSchema,
  questionParams,
  questionPostSchema,
  questionTopicSchema
} from './room-write.schema.ts';

/** Loads the room of the meeting a question was asked in, and checks `need` (404: no question). */
async function requireQuestionRoom(
  db: Db,
  request: FastifyRequest,
  questionId: string,
  need: RoomNeed
): Promise<RoomRequest> {
  const eventId = await questionEventId({ db }, questionId);
  if (eventId === null) throw new Problem('not-found');
  return requireRoom(db, request, eventId, need);
}

/**
 * The live Q&A of a meeting's room. Reading is for everyone who may read the meeting; asking and
 * upvoting for those who take part while the room is open; answered / hide / reopen and making a
 * backlog topic for hosts; withdrawing for the question's author.
 */
export const questionRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db, realtime } = ctx;
  const tags = ['room'];
  const hubs = roomHubsFor(db, realtime, (error) => {
    app.log.warn({ err: error }, 'room fan-out failed');
  });

  app.get(
    '/events/:id/questions',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The questions of a meeting’s live Q&A',
        description:
          'In display order: open before answered, then by upvotes, then the earlier question. Hidden ones only for hosts; an anonymous question names its author only to the author.',
        params: roomParams,
        response: { 200: questionListSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { meeting, access } = await requireRoom(db, request, request.params.id, 'read');
      const view = await hubs.view(meeting.id, access.roomViewer);
      return { items: view.questions };
    }
  );

  app.post(
    '/events/:id/questions',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Ask a question (members who take part, while the room is open)',
        description: `At most ${ROOM_LIMITS.questionsPerMember} questions per member and meeting, withdrawn and hidden ones included (409 tooManyQuestions); 409 roomNotOpen outside the room’s time.`,
        params: roomParams,
        body: askQuestionBody,
        response: { 201: questionViewSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { meeting, access } = await requireRoom(db, request, request.params.id, 'join');
      try {
        const question = await askQuestion(ctx, meeting, callerOf(request).userId, request.body);
        return await reply.code(201).send(presentQuestion(question, access.roomViewer));
      } catch (error) {
        roomWriteProblem(error);
      }
    }
  );

  for (const [method, on] of [
    ['POST', true],
    ['DELETE', false]
  ] as const) {
    app.route({
      method,
      url: '/questions/:id/upvote',
      config: { access: 'user' },
      schema: {
        tags,
        summary: on ? 'Upvote a question' : 'Take an upvote back',
        description:
          'Idempotent. Not one’s own question (409 ownQuestion); only open questions (409 questionNotOpen); the room must be open.',
        params: questionParams,
        response: { 200: questionViewSchema, ...problemResponses(401, 403, 404, 409) }
      },
      handler: async (request) => {
        const { meeting, access } = await requireQuestionRoom(
          db,
          request,
          request.params.id,
          'join'
        );
        try {
          const question = await setUpvote(
            ctx,
            meeting,
            request.params.id,
            callerOf(request).userId,
            on
          );
          return presentQuestion(question, access.roomViewer);
        } catch (error) {
          roomWriteProblem(error);
        }
      }
    });
  }

  const moderations: [QuestionModeration, string][] = [
    ['answered', 'Mark a question answered (hosts)'],
    ['hide', 'Hide a question (hosts): it leaves the room for everyone but hosts'],
    ['reopen', 'Reopen an answered or hidden question (hosts)']
  ];
  for (const [action, summary] of moderations) {
    app.post(
      `/questions/:id/${action}`,
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary,
          params: questionParams,
          response: { 200: questionViewSchema, ...problemResponses(401, 403, 404) }
        }
      },
      async (request) => {
        const { meeting, access } = await requireQuestionRoom(
          db,
          request,
          request.params.id,
          'host'
        );
        try {
          const question = await moderateQuestion(ctx, meeting.id, request.params.id, action);
          return presentQuestion(question, access.roomViewer);
        } catch (error) {
          roomWriteProblem(error);
        }
      }
    );
  }

  app.delete(
    '/questions/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Withdraw one’s own open question (its author, while the room is open)',
        description: 'It leaves the room like a hidden question (hosts still see it, hidden).',
        params: questionParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { meeting } = await requireQuestionRoom(db, request, request.params.id, 'join');
      try {
        await withdrawQuestion(ctx, meeting.id, request.params.id, callerOf(request).userId);
      } catch (error) {
        roomWriteProblem(error);
      }
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/questions/:id/topic',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Make a backlog topic of a question (hosts)',
        description:
          'Of an open or answered question, once (409 questionConverted); the proposer is the author of a named question, else the host.',
        params: questionParams,
        response: { 201: questionTopicSchema, ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { meeting, group } = await requireQuestionRoom(db, request, request.params.id, 'host');
      try {
        const { topicId } = await makeQuestionTopic(
          ctx,
          meeting,
          group,
          request.params.id,
          callerOf(request).userId
        );
        return await reply.code(201).send({ topicId });
      } catch (error) {
        roomWriteProblem(error);
      }
    }
  );

  app.post(
    '/questions/:id/post',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Make a board post of a question (hosts)',
        description:
          'A discussion on the group’s board quoting an open or answered question and linking the meeting, once (409 questionConverted); the author is the author of a named question, else the host.',
        params: questionParams,
        response: { 201: questionPostSchema, ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { meeting, group } = await requireQuestionRoom(db, request, request.params.id, 'host');
      try {
        const { postId } = await makeQuestionPost(
          ctx,
          ctx.queue,
          meeting,
          group,
          request.params.id,
          callerOf(request).userId
        );
        return await reply.code(201).send({ postId });
      } catch (error) {
        roomWriteProblem(error);
      }
    }
  );
};
