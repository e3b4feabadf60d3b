import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Meeting, nextMeetings } from '../../../services/event.service.ts';
import { findGroupBySlug } from '../../../services/group.service.ts';
import {
  createNetwork,
  findNetwork,
  listNetworks,
  networkChapters,
  NetworkSlugTakenError,
  setChapter
} from '../../../services/network.service.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { SLUG_PATTERN } from '../groups/groups.schema.ts';

const networkSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    createdAt: z.iso.datetime()
  })
  .meta({ id: 'Network' });

const chapterSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    visibility: z.enum(['public', 'private', 'hidden']),
    memberCount: z.number().int().nullable(),
    nextMeeting: z
      .object({
        id: z.string(),
        title: z.string(),
        startsAt: z.iso.datetime(),
        timeZone: z.string()
      })
      .nullable()
      .meta({ description: "The chapter's next published meeting (public chapters)" })
  })
  .meta({ id: 'Chapter' });

function nextOf(meeting: Meeting | undefined) {
  return meeting
    ? {
        id: meeting.id,
        title: meeting.title,
        startsAt: meeting.startsAt.toISOString(),
        timeZone: meeting.timeZone
      }
    : null;
}

/** Networks of chapters: admins create them and attach groups; anyone sees a network page. */
export const networkRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['networks'];
  const viewerOf = async (request: Parameters<typeof callerOf>[0]) => {
    const me = request.caller ? await getProfile(db, callerOf(request).userId) : undefined;
    return { userId: me?.id ?? null, isAdmin: me?.isAdmin ?? false };
  };
  const requireAdmin = async (request: Parameters<typeof callerOf>[0]) => {
    const viewer = await viewerOf(request);
    if (!viewer.isAdmin) throw new Problem('forbidden');
    return viewer;
  };

  app.get(
    '/networks',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'All networks',
        response: { 200: z.object({ items: z.array(networkSchema) }) }
      }
    },
    async () => ({ items: jsonDates(await listNetworks(db)) })
  );

  app.post(
    '/networks',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Create a network (instance admins)',
        body: z.strictObject({
          slug: z.string().trim().toLowerCase().regex(SLUG_PATTERN, { message: 'slugInvalid' }),
          name: z.string().trim().min(2).max(100),
          description: z.string().max(5000).optional()
        }),
        response: { 201: networkSchema, ...problemResponses(400, 401, 403) }
      }
    },
    async (request, reply) => {
      const admin = await requireAdmin(request);
      try {
        return await reply
          .code(201)
          .send(jsonDates(await createNetwork(db, admin.userId ?? '', request.body)));
      } catch (error) {
        if (error instanceof NetworkSlugTakenError) throw fieldProblem('slug', 'slugTaken');
        throw error;
      }
    }
  );

  app.get(
    '/networks/:slug',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A network and its chapters',
        params: z.object({ slug: z.string().max(100) }),
        response: {
          200: z.object({ network: networkSchema, chapters: z.array(chapterSchema) }),
          ...problemResponses(404)
        }
      }
    },
    async (request) => {
      const network = await findNetwork(db, request.params.slug);
      if (!network) throw new Problem('not-found');
      const viewer = await viewerOf(request);
      const chapters = await networkChapters(db, network.id, viewer);
      const next = await nextMeetings(
        db,
        chapters.filter((g) => g.visibility === 'public').map((g) => g.id)
      );
      return {
        network: jsonDates(network),
        chapters: chapters.map((g) => {
          const open = g.visibility === 'public' || viewer.isAdmin || g.visibility === 'hidden';
          return {
            slug: g.slug,
            name: g.name,
            city: open ? g.city : null,
            country: open ? g.country : null,
            visibility: g.visibility,
            memberCount: open ? g.memberCount : null,
            nextMeeting: nextOf(next.get(g.id))
          };
        })
      };
    }
  );

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: '/networks/:slug/chapters/:groupSlug',
      config: { access: 'user' },
      schema: {
        tags,
        summary:
          method === 'PUT'
            ? 'Attach a group as a chapter (instance admins)'
            : 'Detach a chapter (instance admins)',
        params: z.object({ slug: z.string().max(100), groupSlug: z.string().max(100) }),
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      },
      handler: async (request, reply) => {
        const admin = await requireAdmin(request);
        const network = await findNetwork(db, request.params.slug);
        const group = await findGroupBySlug(db, request.params.groupSlug);
        if (!network || !group) throw new Problem('not-found');
        if (method === 'DELETE' && group.networkId !== network.id) throw new Problem('not-found');
        await setChapter(db, admin.userId ?? '', group.id, method === 'PUT' ? network.id : null);
        return reply.code(204).send(null);
      }
    });
  }
};
