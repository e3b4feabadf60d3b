import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADMIN_HIDE_REASON_MAX } from '../../../domain/group-policy.ts';
import {
  GroupAdminError,
  hideGroup,
  listGroups,
  unhideGroup
} from '../../../services/admin/group-admin.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { adminHideSchema, slugParams } from '../groups/groups.schema.ts';
import { adminOnly, adminPage } from './admin-access.ts';

const adminGroupSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    kind: z.enum(['meetup', 'practice']),
    visibility: z.enum(['public', 'private', 'hidden']),
    memberCount: z.number().int(),
    createdAt: z.iso.datetime(),
    owner: z
      .object({ id: z.string(), displayName: z.string(), handle: z.string() })
      .nullable()
      .meta({ description: 'Hand the group over with POST /groups/{slug}/transfer' }),
    hiddenByAdmin: adminHideSchema.nullable()
  })
  .meta({ id: 'AdminGroup' });

/** Maps a refused admin action on a group to its problem. */
function groupProblem(error: unknown): never {
  if (error instanceof GroupAdminError) throw new Problem('not-found');
  throw error;
}

/**
 * Groups in the admin area: find them (whatever their visibility), hide one from the instance and
 * show it again. Admins only, like every admin route: 401 without a caller, 404 to everyone else.
 */
export const adminGroupRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['admin'];
  app.addHook('preHandler', adminOnly(db));

  app.get(
    '/admin/groups',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Groups, by name',
        description:
          'Every group, whatever its visibility. `q` matches name or address; `hidden=true` lists only the groups hidden from this instance.',
        querystring: z.strictObject({
          q: z.string().max(200).optional(),
          hidden: z.enum(['true', 'false']).optional(),
          ...adminPage
        }),
        response: {
          200: z.object({ items: z.array(adminGroupSchema), nextOffset: z.number().nullable() }),
          ...problemResponses(400, 401, 404)
        }
      }
    },
    async (request) => {
      const { q, hidden, offset, limit } = request.query;
      const result = await listGroups(db, {
        ...(q === undefined ? {} : { q }),
        hidden: hidden === 'true',
        offset,
        limit
      });
      return { items: jsonDates(result.items), nextOffset: result.nextOffset };
    }
  );

  app.post(
    '/admin/groups/:slug/hide',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Hide a group from this instance',
        description:
          'A takedown its organizers cannot undo (apart from the visibility they choose): the group leaves every search and list, and is a 404 to everyone but its active members and admins. Members keep it and see the reason; nobody can join, be approved or accept an invitation while it is hidden. Hiding a hidden group changes nothing (its reason stays).',
        params: slugParams,
        body: z.strictObject({
          reason: z
            .string()
            .trim()
            .min(1)
            .max(ADMIN_HIDE_REASON_MAX)
            .meta({ description: 'Why, for the audit log and the group’s members' })
        }),
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { slug } = request.params;
      await hideGroup(db, callerOf(request).userId, slug, request.body.reason).catch(groupProblem);
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/admin/groups/:slug/unhide',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Show a hidden group again',
        description:
          'Everything is as before: members, meetings, requests and unexpired invitations were kept. Showing a group that is not hidden changes nothing.',
        params: slugParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      await unhideGroup(db, callerOf(request).userId, request.params.slug).catch(groupProblem);
      return reply.code(204).send(null);
    }
  );
};
