import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** Reports and the moderation queues (helper D). */
export const reportRoutes: FastifyPluginAsyncZod<AppContext> = async () => {};
