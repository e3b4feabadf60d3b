import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InvalidCursorError, searchGroups } from '../../../services/group-search.service.ts';
import type { Group } from '../../../services/group.service.ts';
import { myGroups } from '../../../services/group.service.ts';
import { resolvePlace } from '../../../services/place.service.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, problemResponses } from '../../problem.ts';
import { countryQuery } from '../places/places.schema.ts';
import { adminHideSchema } from './groups.schema.ts';

/** A group in a list. Private groups show outsiders only what identifies them. */
export const groupSummarySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    kind: z.enum(['meetup', 'practice']),
    description: z.string(),
    excerpt: z.string().meta({
      description: 'Plain text from the description, at most 200 characters, cut at a word with …'
    }),
    visibility: z.enum(['public', 'private', 'hidden']),
    joinPolicy: z.enum(['open', 'approval', 'invitation']),
    tags: z.array(z.string()),
    city: z.string().nullable(),
    country: z.string().nullable(),
    onlineOnly: z.boolean(),
    memberCount: z.number().int().nullable(),
    distanceKm: z.number().nullable(),
    hiddenByAdmin: adminHideSchema
      .nullable()
      .meta({ description: 'Only admins find such a group; its members see it in their groups' })
  })
  .meta({ id: 'GroupSummary' });

function summary(group: Group, distanceKm: number | null, insider: boolean) {
  const open = group.visibility === 'public' || insider;
  return {
    id: group.id,
    slug: group.slug,
    name: group.name,
    kind: group.kind,
    description: group.description,
    excerpt: group.excerpt,
    visibility: group.visibility,
    joinPolicy: group.joinPolicy,
    tags: open ? group.tags : [],
    city: open ? group.city : null,
    country: open ? group.country : null,
    onlineOnly: group.onlineOnly,
    memberCount: open ? group.memberCount : null,
    distanceKm: open && distanceKm !== null ? Math.round(distanceKm * 10) / 10 : null,
    hiddenByAdmin: group.hiddenByAdmin && jsonDates(group.hiddenByAdmin)
  };
}

/** The place a search by city went by, so a page can say "near Munich, DE". */
const searchPlaceSchema = z
  .object({
    name: z.string(),
    country: z.string().meta({ description: 'ISO 3166-1 alpha-2' }),
    latitude: z.number(),
    longitude: z.number()
  })
  .meta({ id: 'SearchPlace' });

const searchQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  tags: z
    .string()
    .max(500)
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    )
    .optional()
    .meta({ description: 'Comma-separated; every tag must match', example: 'azure,devops' }),
  kind: z.enum(['meetup', 'practice']).optional(),
  online: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
  city: z
    .string()
    .trim()
    .min(2)
    .max(100)
    .optional()
    .meta({ description: 'Search around this place instead of lat/lng', example: 'München' }),
  country: countryQuery.meta({ description: 'The country of city (ISO 3166-1 alpha-2)' }),
  radiusKm: z.coerce.number().min(1).max(20_000).default(50),
  sort: z.enum(['relevance', 'distance', 'members', 'name']).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20)
});

/** Finding groups, and the caller's own groups. */
export const groupSearchRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  app.get(
    '/groups',
    {
      config: { access: 'public' },
      schema: {
        tags: ['groups'],
        summary: 'Find groups',
        description:
          'Full-text search (q) over name, description and tags; filters for tags, kind, online-only and a radius in km (default 50) around lat/lng or around a city (optionally in country), found as GET /places would find it (the most populous place of that name); `place` says which place that was. Sort by relevance (default with q), distance (default with lat/lng or city), members (default) or name. Cursor pagination: pass nextCursor back as cursor.',
        querystring: searchQuery,
        response: {
          200: z.object({
            items: z.array(groupSummarySchema),
            nextCursor: z.string().nullable(),
            place: searchPlaceSchema
              .nullable()
              .meta({ description: 'The place city was taken to mean; null without city' })
          }),
          ...problemResponses(400)
        }
      }
    },
    async (request) => {
      const q = request.query;
      if ((q.lat === undefined) !== (q.lng === undefined))
        throw fieldProblem(q.lat === undefined ? 'lat' : 'lng', 'coordinatesPair');
      if (q.city !== undefined && q.lat !== undefined)
        throw fieldProblem('city', 'cityOrCoordinates');
      if (q.country !== undefined && q.city === undefined) throw fieldProblem('city', 'required');
      const place = q.city === undefined ? null : await resolvePlace(q.city, q.country);
      if (q.city !== undefined && !place)
        throw fieldProblem('city', 'placeUnknown', { name: q.city });
      const me = request.caller ? await getProfile(db, callerOf(request).userId) : undefined;
      const near = place
        ? { lat: place.latitude, lng: place.longitude, radiusKm: q.radiusKm }
        : q.lat !== undefined && q.lng !== undefined
          ? { lat: q.lat, lng: q.lng, radiusKm: q.radiusKm }
          : undefined;
      const sort = q.sort ?? (q.q ? 'relevance' : near ? 'distance' : 'members');
      try {
        const result = await searchGroups(
          db,
          { userId: me?.id ?? null, isAdmin: me?.isAdmin ?? false },
          {
            text: q.q,
            tags: q.tags,
            kind: q.kind,
            online: q.online,
            near,
            sort,
            cursor: q.cursor,
            limit: q.limit
          }
        );
        return {
          items: result.items.map((hit) =>
            summary(
              hit.group,
              hit.distanceKm,
              me?.isAdmin === true || hit.group.visibility === 'hidden'
            )
          ),
          nextCursor: result.nextCursor,
          place: place && {
            name: place.name,
            country: place.country,
            latitude: place.latitude,
            longitude: place.longitude
          }
        };
      } catch (error) {
        if (error instanceof InvalidCursorError) throw fieldProblem('cursor', 'invalid');
        throw error;
      }
    }
  );

  app.get(
    '/me/groups',
    {
      config: { access: 'user' },
      schema: {
        tags: ['groups'],
        summary: 'Your groups, and the ones you asked to join',
        response: {
          200: z.object({
            items: z.array(
              groupSummarySchema.extend({
                role: z.enum(['owner', 'organizer', 'host', 'member']),
                status: z.enum(['active', 'pending'])
              })
            )
          }),
          ...problemResponses(401)
        }
      }
    },
    async (request) => {
      const items = await myGroups(db, callerOf(request).userId);
      return {
        items: items.map(({ group, role, status }) => ({
          ...summary(group, null, status === 'active'),
          role,
          status
        }))
      };
    }
  );
};
