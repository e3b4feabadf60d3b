import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { roomHubsFor } from '../../../services/room/room-hub.ts';
import type { AppContext } from '../../context.ts';
import { eventStreams } from '../../event-stream.ts';
import { fieldProblem, problemResponses } from '../../problem.ts';
import { requireRoom } from './room-access.ts';
import { roomDocument } from './room-document.ts';
import { roomParams, roomViewSchema, streamQuery } from './room.schema.ts';

/** A client that lets this much of its stream pile up unread is dropped (it reconnects and replays). */
const MAX_BACKLOG_BYTES = 1_000_000;

/** Parses a Last-Event-ID (header or query): a whole number, or nothing. */
function lastEventIdOf(
  header: string | string[] | undefined,
  query: number | undefined
): number | null {
  if (query !== undefined) return query;
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === '') return null;
  if (!/^\d{1,15}$/.test(raw.trim())) throw fieldProblem('Last-Event-ID', 'lastEventId');
  return Number(raw.trim());
}

/**
 * A meeting's live room as one document, and as a stream of Server-Sent Events. Both are readable
 * by everyone who may read the meeting; what they show depends on the caller (hidden questions and
 * every raised hand only to hosts, an anonymous question's author only to the author).
 */
export const roomStreamRoutes: FastifyPluginAsyncZod<AppContext> = async (
  app,
  { db, realtime }
) => {
  const tags = ['room'];
  const hubs = roomHubsFor(db, realtime, (error) => {
    app.log.warn({ err: error }, 'room fan-out failed');
  });

  const streams = eventStreams(app);

  app.get(
    '/events/:id/room',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The live room of a meeting: questions, hands, polls, kudos',
        params: roomParams,
        response: { 200: roomViewSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { meeting, access } = await requireRoom(db, request, request.params.id, 'read');
      return roomDocument(db, hubs, meeting, access);
    }
  );

  app.get(
    '/events/:id/room/stream',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The live room as Server-Sent Events',
        description: [
          'text/event-stream. Every event has an `id` (the room event sequence number).',
          'Without `Last-Event-ID` (header, or the `lastEventId` query parameter) the stream starts',
          'with one `snapshot` event (the Room document without `state`, `viewer` and `my`). With it,',
          'the stream first replays every event after that id the caller may see, each exactly once,',
          'then continues live. Events: `question`, `question-removed` (hidden by a host), `hand`,',
          '`poll`, `kudos`, `room` (opened or closed by a host). A comment line every 25 s keeps',
          'the connection open.'
        ].join(' '),
        params: roomParams,
        querystring: streamQuery,
        response: { ...problemResponses(400, 404) }
      }
    },
    async (request, reply) => {
      const { meeting, access } = await requireRoom(db, request, request.params.id, 'read');
      const lastEventId = lastEventIdOf(
        request.headers['last-event-id'],
        request.query.lastEventId
      );
      const stream = streams.open(request, reply, 2000);
      const { res } = stream;
      try {
        const detach = await hubs.attach(
          meeting.id,
          {
            viewer: access.roomViewer,
            write: (chunk) => {
              if (stream.ended()) return false;
              res.write(chunk);
              if (res.writableLength > MAX_BACKLOG_BYTES) {
                setImmediate(() => {
                  stream.end();
                });
                return false;
              }
              return true;
            }
          },
          lastEventId
        );
        // Ended while attaching: `onEnd` lets go of the hub at once.
        stream.onEnd(detach);
      } catch (error) {
        request.log.warn({ err: error, eventId: meeting.id }, 'could not start a room stream');
        stream.end();
      }
    }
  );
};
