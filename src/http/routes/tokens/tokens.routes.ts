import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createToken, listTokens, revokeToken } from '../../../services/token.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(['read', 'write']),
    prefix: z
      .string()
      .meta({ description: 'The first characters of the secret, to tell tokens apart' }),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable()
  })
  .meta({ id: 'ApiToken' });

const createTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  scope: z.enum(['read', 'write']),
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional()
});

/** Personal API tokens. Listing works with any credential; creating and revoking need a session. */
export const tokenRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['tokens'];

  app.get(
    '/me/tokens',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Your API tokens',
        response: { 200: z.object({ items: z.array(tokenSchema) }), ...problemResponses(401) }
      }
    },
    async (request) => ({ items: jsonDates(await listTokens(db, callerOf(request).userId)) })
  );

  app.post(
    '/me/tokens',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Create an API token',
        description:
          'The secret is in this response only; it is stored as a hash. Send it as `Authorization: Bearer <secret>`. `read` tokens may only use GET.',
        body: createTokenBody,
        response: {
          201: z.object({ token: tokenSchema, secret: z.string() }),
          ...problemResponses(400, 401, 403)
        }
      }
    },
    async (request, reply) => {
      const created = await createToken(db, callerOf(request).userId, request.body);
      return reply.code(201).send(jsonDates(created));
    }
  );

  app.delete(
    '/me/tokens/:id',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Revoke an API token',
        description: 'The token stops working at once.',
        params: z.object({ id: z.string().max(200) }),
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      if (!(await revokeToken(db, callerOf(request).userId, request.params.id))) {
        throw new Problem('not-found');
      }
      return reply.code(204).send(null);
    }
  );
};
