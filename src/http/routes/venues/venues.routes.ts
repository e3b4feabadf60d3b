import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../domain/group-policy.ts';
import {
  archiveVenue,
  createVenue,
  getVenue,
  listVenues,
  updateVenue,
  type Venue
} from '../../../services/venue.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import {
  createVenueBody,
  updateVenueBody,
  venueListQuery,
  venueListSchema,
  venueParams,
  venueSchema
} from './venues.schema.ts';

/** The wire shape of a venue (its group is in the URL). */
function venueJson({ groupId: _groupId, ...venue }: Venue) {
  return jsonDates(venue);
}

/**
 * A group's venues: everyone who may read the group sees them (meeting pages show them);
 * organizers add, change and archive them. Another group's venue is a 404 here.
 */
export const venueRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['venues'];

  app.get(
    '/groups/:slug/venues',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s venues',
        description:
          'Readable by everyone who may read the group (404 to others); archived venues only with includeArchived, for organizers.',
        params: slugParams,
        querystring: venueListQuery,
        response: { 200: venueListSchema, ...problemResponses(400, 401, 403, 404) }
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
      if (includeArchived && !can(viewer, group, 'venue.manage')) {
        throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
      }
      const items = await listVenues(db, group.id, { includeArchived });
      return { items: items.map(venueJson) };
    }
  );

  app.get(
    '/groups/:slug/venues/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One venue of a group',
        description: 'Archived venues too: meetings that used them keep showing them.',
        params: venueParams,
        response: { 200: venueSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'group.read');
      const venue = await getVenue(db, group.id, request.params.id);
      if (!venue) throw new Problem('not-found');
      return venueJson(venue);
    }
  );

  app.post(
    '/groups/:slug/venues',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Add a venue (organizers)',
        params: slugParams,
        body: createVenueBody,
        response: { 201: venueSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'venue.manage');
      const venue = await createVenue(db, group.id, callerOf(request).userId, request.body);
      return reply.code(201).send(venueJson(venue));
    }
  );

  app.patch(
    '/groups/:slug/venues/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a venue (organizers)',
        description: 'Archived venues can still be corrected.',
        params: venueParams,
        body: updateVenueBody,
        response: { 200: venueSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'venue.manage');
      const venue = await updateVenue(
        db,
        group.id,
        request.params.id,
        callerOf(request).userId,
        request.body
      );
      if (!venue) throw new Problem('not-found');
      return venueJson(venue);
    }
  );

  app.delete(
    '/groups/:slug/venues/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Archive a venue (organizers)',
        description:
          'A soft delete: the venue leaves the lists; meetings that used it keep showing it. Archiving again is harmless.',
        params: venueParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'venue.manage');
      const found = await archiveVenue(db, group.id, request.params.id, callerOf(request).userId);
      if (!found) throw new Problem('not-found');
      return reply.code(204).send(null);
    }
  );
};
