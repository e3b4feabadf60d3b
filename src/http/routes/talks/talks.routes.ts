import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** Placeholder until its helper fills it in. */
// eslint-disable-next-line @typescript-eslint/require-await
export const talkRoutes: FastifyPluginAsyncZod<AppContext> = async () => {};
