import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** A member's notifications and their preferences (helper C). */
export const notificationRoutes: FastifyPluginAsyncZod<AppContext> = async () => {};
