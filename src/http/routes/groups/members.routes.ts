import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, ROLES } from '../../../domain/group-policy.ts';
import { listAudit } from '../../../services/audit.service.ts';
import {
  decideRequest,
  listMembers,
  membershipOf,
  removeMember,
  setRole,
  transferOwnership
} from '../../../services/membership.service.ts';
import { withdrawFromGroup } from '../../../services/rsvp.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { membershipProblem, requireGroupAccess, requireManage } from './group-access.ts';
import { auditSchema, memberParams, memberSchema, slugParams } from './groups.schema.ts';

/** The member directory, join requests, roles, removal, bans, ownership and the audit log. */
export const memberRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db, queue }) => {
  const tags = ['members'];

  app.get(
    '/groups/:slug/members',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The member directory',
        description:
          'Search by name (q) or interest tag ("who here knows Terraform?"). Members only in private groups; people who hid themselves are listed to organizers only.',
        params: slugParams,
        querystring: z.strictObject({
          q: z.string().trim().max(100).optional(),
          tag: z.string().trim().max(40).optional()
        }),
        response: { 200: z.object({ items: z.array(memberSchema) }), ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'member.list'
      );
      const items = await listMembers(db, group.id, {
        status: 'active',
        q: request.query.q,
        tag: request.query.tag,
        includeHidden: can(viewer, group, 'member.review')
      });
      const organizer = can(viewer, group, 'member.review');
      return { items: jsonDates(items.map((m) => (organizer ? m : { ...m, answers: [] }))) };
    }
  );

  app.get(
    '/groups/:slug/requests',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Pending join requests with their answers (organizers)',
        params: slugParams,
        response: {
          200: z.object({ items: z.array(memberSchema) }),
          ...problemResponses(401, 403, 404)
        }
      }
    },
    async (request) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'member.review');
      return {
        items: jsonDates(
          await listMembers(db, group.id, { status: 'pending', includeHidden: true })
        )
      };
    }
  );

  for (const decision of ['approve', 'decline'] as const) {
    app.post(
      `/groups/:slug/requests/:userId/${decision}`,
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: decision === 'approve' ? 'Approve a join request' : 'Decline a join request',
          ...(decision === 'approve'
            ? {
                description: 'Refused (409) while an admin has hidden the group from the instance.'
              }
            : {}),
          params: memberParams,
          response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) }
        }
      },
      async (request, reply) => {
        const { group } = await requireGroupAccess(
          db,
          request,
          request.params.slug,
          'member.review'
        );
        try {
          await decideRequest(
            db,
            group,
            callerOf(request).userId,
            request.params.userId,
            decision === 'approve'
          );
        } catch (error) {
          membershipProblem(error);
        }
        return reply.code(204).send(null);
      }
    );
  }

  app.patch(
    '/groups/:slug/members/:userId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a member’s role',
        description:
          'Organizers set host or member; the owner also names organizers. Ownership moves only by transfer.',
        params: memberParams,
        body: z.strictObject({
          role: z.enum(ROLES.filter((r) => r !== 'owner') as ['organizer', 'host', 'member'])
        }),
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'member.setRole'
      );
      const target = await membershipOf(db, group.id, request.params.userId);
      if (target?.status !== 'active') throw new Problem('not-found');
      requireManage(viewer, target, request.body.role);
      await setRole(db, group, callerOf(request).userId, request.params.userId, request.body.role);
      return reply.code(204).send(null);
    }
  );

  app.delete(
    '/groups/:slug/members/:userId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Remove a member (they may join again)',
        params: memberParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'member.remove'
      );
      const target = await membershipOf(db, group.id, request.params.userId);
      if (!target || target.status === 'banned') throw new Problem('not-found');
      requireManage(viewer, target);
      try {
        await removeMember(db, group, callerOf(request).userId, request.params.userId, false);
      } catch (error) {
        membershipProblem(error);
      }
      await withdrawFromGroup(db, queue, group.id, request.params.userId);
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/groups/:slug/members/:userId/ban',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Ban someone from the group',
        description: 'A banned person cannot rejoin and no longer sees private content.',
        params: memberParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'member.ban'
      );
      const target = (await membershipOf(db, group.id, request.params.userId)) ?? {
        role: 'member' as const,
        status: 'active' as const
      };
      requireManage(viewer, target);
      try {
        await removeMember(db, group, callerOf(request).userId, request.params.userId, true);
      } catch (error) {
        membershipProblem(error);
      }
      await withdrawFromGroup(db, queue, group.id, request.params.userId);
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/groups/:slug/transfer',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Transfer ownership to another active member (owner)',
        description: 'The previous owner stays on as an organizer.',
        params: slugParams,
        body: z.strictObject({ userId: z.string().min(1).max(100) }),
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.transfer'
      );
      try {
        await transferOwnership(db, group, callerOf(request).userId, request.body.userId);
      } catch (error) {
        membershipProblem(error);
      }
      return reply.code(204).send(null);
    }
  );

  app.get(
    '/groups/:slug/audit',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The group’s audit log (organizers)',
        params: slugParams,
        response: {
          200: z.object({ items: z.array(auditSchema) }),
          ...problemResponses(401, 403, 404)
        }
      }
    },
    async (request) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'audit.read');
      return { items: jsonDates(await listAudit(db, group.id)) };
    }
  );
};
