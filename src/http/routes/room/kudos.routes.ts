import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { giveKudos, type KudosRecipient } from '../../../services/room/kudos.service.ts';
import { roomHubsFor } from '../../../services/room/room-hub.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, problemResponses } from '../../problem.ts';
import { requireRoom } from './room-access.ts';
import { roomWriteProblem } from './room-problem.ts';
import { kudosViewSchema, roomParams } from './room.schema.ts';
import { kudosBody, kudosListSchema } from './room-write.schema.ts';

/**
 * Kudos in a meeting's room: readable by everyone who may read the meeting, given by those who
 * take part while the room is open, to a member or a speaker of the group.
 */
export const kudosRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db, realtime } = ctx;
  const tags = ['room'];
  const hubs = roomHubsFor(db, realtime, (error) => {
    app.log.warn({ err: error }, 'room fan-out failed');
  });

  app.get(
    '/events/:id/kudos',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The kudos given in a meeting’s room, newest first',
        params: roomParams,
        response: { 200: kudosListSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { meeting, access } = await requireRoom(db, request, request.params.id, 'read');
      return { items: (await hubs.view(meeting.id, access.roomViewer)).kudos };
    }
  );

  app.post(
    '/events/:id/kudos',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Give kudos (members who take part, while the room is open)',
        description:
          'To exactly one of an active member of the group (toUserId) and a speaker of the group (toSpeakerId); not to oneself.',
        params: roomParams,
        body: kudosBody,
        response: { 201: kudosViewSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { meeting } = await requireRoom(db, request, request.params.id, 'join');
      const { toUserId, toSpeakerId, message } = request.body;
      let to: KudosRecipient;
      if (toUserId !== undefined && toSpeakerId === undefined) to = { toUserId };
      else if (toSpeakerId !== undefined && toUserId === undefined) to = { toSpeakerId };
      else
        throw fieldProblem(
          toUserId === undefined ? 'toUserId' : 'toSpeakerId',
          'kudosOneRecipient'
        );
      try {
        const kudos = await giveKudos(ctx, meeting, callerOf(request).userId, to, message);
        return await reply.code(201).send(kudos);
      } catch (error) {
        roomWriteProblem(error);
      }
    }
  );
};
