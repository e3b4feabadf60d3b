import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { setRoomOpen } from '../../../services/room/room-control.service.ts';
import { roomHubsFor } from '../../../services/room/room-hub.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { problemResponses } from '../../problem.ts';
import { handRoutes } from './hands.routes.ts';
import { kudosRoutes } from './kudos.routes.ts';
import { questionRoutes } from './questions.routes.ts';
import { requireRoom } from './room-access.ts';
import { roomDocument } from './room-document.ts';
import { roomWriteProblem } from './room-problem.ts';
import { roomParams, roomViewSchema } from './room.schema.ts';

/**
 * The live room's writes: hosts open it early and close it; questions, hands and kudos live in
 * their own plugins. Every change appends its room event in the same transaction and announces
 * it after the commit, so streams (`GET /events/:id/room/stream`) see it.
 */
export const roomRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db, realtime } = ctx;
  const tags = ['room'];
  const hubs = roomHubsFor(db, realtime, (error) => {
    app.log.warn({ err: error }, 'room fan-out failed');
  });

  for (const [action, open] of [
    ['open', true],
    ['close', false]
  ] as const) {
    app.post(
      `/events/:id/room/${action}`,
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: open
            ? 'Open the room (hosts): early, or again after closing it'
            : 'Close the room (hosts) before the meeting’s end',
          description:
            'Answers the Room document as the host sees it. A room already open (or not open) is left as it is; only a published meeting has a room (409 roomNotPublished).',
          params: roomParams,
          response: { 200: roomViewSchema, ...problemResponses(401, 403, 404, 409) }
        }
      },
      async (request) => {
        const { meeting, access } = await requireRoom(db, request, request.params.id, 'host');
        try {
          await setRoomOpen(ctx, meeting, callerOf(request).userId, open);
        } catch (error) {
          roomWriteProblem(error);
        }
        return roomDocument(db, hubs, meeting, access);
      }
    );
  }

  await app.register(questionRoutes, ctx);
  await app.register(handRoutes, ctx);
  await app.register(kudosRoutes, ctx);
};
