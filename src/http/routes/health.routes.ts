import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { Problem, problemResponses } from '../problem.ts';

/** Liveness and readiness for load balancers and orchestrators. */
export const healthRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const status = z.object({ status: z.string() });
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'The process is alive', response: { 200: status } } },
    () => ({ status: 'ok' })
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The process can serve requests (database reachable)',
        response: { 200: status, ...problemResponses(503) }
      }
    },
    async () => {
      try {
        await sql`select 1`.execute(db.kysely);
      } catch {
        throw new Problem('unavailable');
      }
      return { status: 'ready' };
    }
  );
};
