import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** A group's outgoing webhooks and their delivery log (helper A). */
export const webhookRoutes: FastifyPluginAsyncZod<AppContext> = async () => {};
