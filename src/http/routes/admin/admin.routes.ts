import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getProfile } from '../../../services/profile.service.ts';
import { getSettings, updateSettings } from '../../../services/settings.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { Problem, problemResponses } from '../../problem.ts';

const settingsSchema = z
  .object({ groupCreation: z.enum(['anyone', 'admins']) })
  .meta({ id: 'InstanceSettings' });

/** Instance administration (admins only; others get 404). */
export const adminRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['admin'];
  app.addHook('preHandler', async (request) => {
    const me = request.caller ? await getProfile(db, callerOf(request).userId) : undefined;
    if (!me?.isAdmin) throw new Problem(request.caller ? 'not-found' : 'unauthorized');
  });

  app.get(
    '/admin/settings',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Instance settings',
        response: { 200: settingsSchema, ...problemResponses(401, 404) }
      }
    },
    async () => getSettings(db)
  );

  app.patch(
    '/admin/settings',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change instance settings',
        body: settingsSchema.partial().strict(),
        response: { 200: settingsSchema, ...problemResponses(400, 401, 404) }
      }
    },
    async (request) => updateSettings(db, request.body)
  );
};
