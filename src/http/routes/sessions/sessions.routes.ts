import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { endOtherSessions, endSession, listSessions } from '../../../services/session.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';

const sessionSchema = z
  .object({
    id: z.string(),
    current: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable()
  })
  .meta({ id: 'Session' });

/** Your sessions: where you are logged in, and ending them. Browser sessions only. */
export const sessionRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['sessions'];
  const config = { access: 'session' as const };
  const sessionId = (request: Parameters<typeof callerOf>[0]) => {
    const caller = callerOf(request);
    return { userId: caller.userId, current: caller.kind === 'session' ? caller.sessionId : '' };
  };

  app.get(
    '/me/sessions',
    {
      config,
      schema: {
        tags,
        summary: 'Your active sessions',
        response: {
          200: z.object({ items: z.array(sessionSchema) }),
          ...problemResponses(401, 403)
        }
      }
    },
    async (request) => {
      const { userId, current } = sessionId(request);
      return { items: jsonDates(await listSessions(db, userId, current)) };
    }
  );

  app.delete(
    '/me/sessions/:id',
    {
      config,
      schema: {
        tags,
        summary: 'End one of your sessions',
        params: z.object({ id: z.string().max(200) }),
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { userId } = sessionId(request);
      if (!(await endSession(db, userId, request.params.id))) throw new Problem('not-found');
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/me/sessions/revoke-others',
    {
      config,
      schema: {
        tags,
        summary: 'Log out everywhere else',
        description: 'Ends every session of yours except the one making this request.',
        response: { 204: z.null(), ...problemResponses(401, 403) }
      }
    },
    async (request, reply) => {
      const { userId, current } = sessionId(request);
      await endOtherSessions(db, userId, current);
      return reply.code(204).send(null);
    }
  );
};
