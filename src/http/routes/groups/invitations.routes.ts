import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptInvitation,
  findInvitation,
  InvitationError,
  inviteToGroup
} from '../../../services/invitation.service.ts';
import { findGroupById } from '../../../services/group.service.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { emailSchema } from '../auth/auth.schema.ts';
import { membershipProblem, requireGroupAccess } from './group-access.ts';
import { slugParams } from './groups.schema.ts';

const tokenParams = z.object({ token: z.string().min(10).max(200) });

/** Inviting people by email link, and accepting an invitation. */
export const invitationRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db } = ctx;
  const tags = ['members'];

  app.post(
    '/groups/:slug/invitations',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Invite someone by email (organizers)',
        description:
          'Mails a single-use link, valid for 14 days. Works for every join policy, including hidden groups.',
        params: slugParams,
        body: z.strictObject({ email: emailSchema }),
        response: { 202: z.object({ status: z.string() }), ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'member.invite');
      const me = await getProfile(db, callerOf(request).userId);
      if (!me) throw new Problem('unauthorized');
      await inviteToGroup(
        db,
        ctx.queue,
        ctx.config.baseUrl,
        group,
        { id: me.id, name: me.displayName },
        request.body.email
      );
      return reply.code(202).send({ status: 'invitation-sent' });
    }
  );

  app.get(
    '/invitations/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What an invitation link leads to',
        params: tokenParams,
        response: {
          200: z.object({
            group: z.object({ slug: z.string(), name: z.string(), description: z.string() })
          }),
          ...problemResponses(404)
        }
      }
    },
    async (request) => {
      try {
        const invitation = await findInvitation(db, request.params.token);
        const group = await findGroupById(db, invitation.groupId);
        if (!group) throw new Problem('not-found');
        return { group: { slug: group.slug, name: group.name, description: group.description } };
      } catch (error) {
        if (error instanceof InvitationError) throw new Problem('not-found');
        throw error;
      }
    }
  );

  app.post(
    '/invitations/accept',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Accept an invitation',
        body: z.strictObject({ token: z.string().trim().min(1).max(200) }),
        response: { 200: z.object({ slug: z.string() }), ...problemResponses(400, 401, 403) }
      }
    },
    async (request) => {
      try {
        return { slug: await acceptInvitation(db, request.body.token, callerOf(request).userId) };
      } catch (error) {
        if (error instanceof InvitationError) throw fieldProblem('token', 'tokenInvalid');
        return membershipProblem(error);
      }
    }
  );
};
