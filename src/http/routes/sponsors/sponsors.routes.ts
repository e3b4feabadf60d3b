import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../domain/group-policy.ts';
import {
  archiveSponsor,
  createSponsor,
  getSponsor,
  listSponsors,
  updateSponsor,
  type Sponsor
} from '../../../services/sponsor.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import {
  createSponsorBody,
  updateSponsorBody,
  sponsorListQuery,
  sponsorListSchema,
  sponsorParams,
  sponsorSchema
} from './sponsors.schema.ts';

/** The wire shape of a sponsor (its group is in the URL). */
function sponsorJson({ groupId: _groupId, ...sponsor }: Sponsor) {
  return jsonDates(sponsor);
}

/**
 * A group's sponsors: public credit, so everyone who may read the group sees them; organizers
 * add, change and archive them. Another group's sponsor is a 404 here.
 */
export const sponsorRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['sponsors'];

  app.get(
    '/groups/:slug/sponsors',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s sponsors',
        description:
          'Readable by everyone who may read the group (404 to others); archived sponsors only with includeArchived, for organizers.',
        params: slugParams,
        querystring: sponsorListQuery,
        response: { 200: sponsorListSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const includeArchived = request.query.includeArchived ?? false;
      if (includeArchived && !can(viewer, group, 'sponsor.manage')) {
        throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
      }
      const items = await listSponsors(db, group.id, { includeArchived });
      return { items: items.map(sponsorJson) };
    }
  );

  app.get(
    '/groups/:slug/sponsors/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One sponsor of a group',
        description: 'Archived sponsors too: meetings they supported keep crediting them.',
        params: sponsorParams,
        response: { 200: sponsorSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'group.read');
      const sponsor = await getSponsor(db, group.id, request.params.id);
      if (!sponsor) throw new Problem('not-found');
      return sponsorJson(sponsor);
    }
  );

  app.post(
    '/groups/:slug/sponsors',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Add a sponsor (organizers)',
        params: slugParams,
        body: createSponsorBody,
        response: { 201: sponsorSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'sponsor.manage'
      );
      const sponsor = await createSponsor(db, group.id, callerOf(request).userId, request.body);
      return reply.code(201).send(sponsorJson(sponsor));
    }
  );

  app.patch(
    '/groups/:slug/sponsors/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a sponsor (organizers)',
        description: 'Archived sponsors can still be corrected.',
        params: sponsorParams,
        body: updateSponsorBody,
        response: { 200: sponsorSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { group } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'sponsor.manage'
      );
      const sponsor = await updateSponsor(
        db,
        group.id,
        request.params.id,
        callerOf(request).userId,
        request.body
      );
      if (!sponsor) throw new Problem('not-found');
      return sponsorJson(sponsor);
    }
  );

  app.delete(
    '/groups/:slug/sponsors/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Archive a sponsor (organizers)',
        description:
          'A soft delete: the sponsor leaves the lists; meetings it supported keep crediting it. Archiving again is harmless.',
        params: sponsorParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'sponsor.manage'
      );
      const found = await archiveSponsor(db, group.id, request.params.id, callerOf(request).userId);
      if (!found) throw new Problem('not-found');
      return reply.code(204).send(null);
    }
  );
};
