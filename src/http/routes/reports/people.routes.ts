import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { publicProfile } from '../../../services/people.service.ts';
import type { AppContext } from '../../context.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { handleParams, publicProfileSchema } from './reports.schema.ts';

/** Public profiles: what anyone may know about a person. */
export const peopleRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  app.get(
    '/people/:handle',
    {
      config: { access: 'public' },
      schema: {
        tags: ['people'],
        summary: 'A person’s public profile',
        description:
          'Name, handle, bio, city, tags and the public groups they are an active member of. `openToWork` only for people who share an active group with them. 404 for unknown handles.',
        params: handleParams,
        response: { 200: publicProfileSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const viewerId = request.caller?.userId ?? null;
      const person = await publicProfile(db, request.params.handle, viewerId);
      if (!person) throw new Problem('not-found');
      const { openToWork, ...rest } = person;
      const isSelf = viewerId === person.id;
      return {
        ...rest,
        ...(openToWork === undefined ? {} : { openToWork }),
        viewer: { canReport: viewerId !== null && !isSelf, isSelf }
      };
    }
  );
};
