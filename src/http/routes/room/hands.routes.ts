import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RoomHand, RoomViewer } from '../../../services/room/room-event-types.ts';
import {
  handEventId,
  lowerHand,
  lowerOwnHand,
  raiseHand
} from '../../../services/room/hand.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { requireRoom } from './room-access.ts';
import { roomWriteProblem } from './room-problem.ts';
import { handViewSchema, roomParams } from './room.schema.ts';
import { handParams } from './room-write.schema.ts';

function handView(hand: RoomHand, viewer: RoomViewer) {
  return { ...hand, mine: viewer.userId !== null && hand.userId === viewer.userId };
}

/**
 * Raised hands: those who take part raise theirs while the room is open and lower it any time;
 * hosts lower anyone's. Only hosts see the whole queue (in the room document and stream).
 */
export const handRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db } = ctx;
  const tags = ['room'];

  app.post(
    '/events/:id/hands',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Raise one’s hand (members who take part, while the room is open)',
        description: '201 with the new hand; 200 with the same hand when it is up already.',
        params: roomParams,
        response: {
          200: handViewSchema,
          201: handViewSchema,
          ...problemResponses(401, 403, 404, 409)
        }
      }
    },
    async (request, reply) => {
      const { meeting, access } = await requireRoom(db, request, request.params.id, 'join');
      try {
        const { hand, created } = await raiseHand(ctx, meeting, callerOf(request).userId);
        return await reply.code(created ? 201 : 200).send(handView(hand, access.roomViewer));
      } catch (error) {
        roomWriteProblem(error);
      }
    }
  );

  app.delete(
    '/events/:id/hands/mine',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Lower one’s own hand (also after the room closed)',
        description: 'Idempotent: 204 whether or not the hand was up.',
        params: roomParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { meeting, access } = await requireRoom(db, request, request.params.id, 'read');
      if (!access.canJoin) throw new Problem('forbidden');
      await lowerOwnHand(ctx, meeting.id, callerOf(request).userId);
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/hands/:id/lower',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Lower someone’s hand (hosts)',
        params: handParams,
        response: { 200: handViewSchema, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const eventId = await handEventId(ctx, request.params.id);
      if (eventId === null) throw new Problem('not-found');
      const { access } = await requireRoom(db, request, eventId, 'host');
      try {
        const hand = await lowerHand(ctx, eventId, request.params.id, callerOf(request).userId);
        return handView(hand, access.roomViewer);
      } catch (error) {
        roomWriteProblem(error);
      }
    }
  );
};
