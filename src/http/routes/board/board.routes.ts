import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** The group board: posts, comments, reactions (helper B). */
export const boardRoutes: FastifyPluginAsyncZod<AppContext> = async () => {};
