import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import { renderMarkdown } from '../../../domain/markdown.ts';
import {
  createGroup,
  type Group,
  SlugTakenError,
  updateGroup
} from '../../../services/group.service.ts';
import {
  joinGroup,
  leaveGroup,
  listMembers,
  notifyJoinRequest,
  MEETING_MAIL_CHOICES,
  memberSettings,
  updateMemberSettings
} from '../../../services/membership.service.ts';
import { findNetworkById } from '../../../services/network.service.ts';
import { withdrawFromGroup } from '../../../services/rsvp.service.ts';
import { getSettings } from '../../../services/settings.service.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, fieldProblem, problemResponses } from '../../problem.ts';
import { membershipProblem, requireGroupAccess } from './group-access.ts';
import { createGroupBody, groupSchema, slugParams, updateGroupBody } from './groups.schema.ts';
import type { AppContext as Ctx } from '../../context.ts';

/** The wire shape of a group for one viewer: private groups show only their name to outsiders. */
export async function presentGroupFor(ctx: Ctx, group: Group, viewer: Viewer) {
  const full = can(viewer, group, 'group.read');
  const organizers = full
    ? await listMembers(ctx.db, group.id, {
        status: 'active',
        roles: ['owner', 'organizer'],
        includeHidden: true
      })
    : [];
  const network = group.networkId ? await findNetworkById(ctx.db, group.networkId) : undefined;
  const settings = viewer.userId ? await memberSettings(ctx.db, group.id, viewer.userId) : null;
  return jsonDates({
    id: group.id,
    slug: group.slug,
    name: group.name,
    kind: group.kind,
    description: group.description,
    descriptionHtml: renderMarkdown(group.description), // only the group page needs the HTML
    excerpt: group.excerpt,
    visibility: group.visibility,
    joinPolicy: group.joinPolicy,
    joinQuestions: group.joinQuestions,
    network: network ? { slug: network.slug, name: network.name } : null,
    hiddenByAdmin: group.hiddenByAdmin,
    chat: can(viewer, group, 'group.update')
      ? { webhook: group.chat.webhookUrl !== null, commands: group.chat.signingSecret !== null }
      : null,
    viewer: {
      role: viewer.membership?.status === 'active' ? viewer.membership.role : null,
      status: viewer.membership?.status ?? null,
      canJoin: can(viewer, group, 'group.join'),
      canManage: can(viewer, group, 'group.update'),
      canCreateEvents: can(viewer, group, 'event.create'),
      canManageVenues: can(viewer, group, 'venue.manage'),
      canProposeTopics: can(viewer, group, 'topic.propose'),
      canManageTopics: can(viewer, group, 'topic.manage'),
      settings
    },
    details: full
      ? {
          tags: group.tags,
          city: group.city,
          country: group.country,
          latitude: group.latitude,
          longitude: group.longitude,
          onlineOnly: group.onlineOnly,
          timeZone: group.timeZone,
          websiteUrl: group.websiteUrl,
          chatUrl: group.chatUrl,
          codeOfConductUrl: group.codeOfConductUrl,
          memberCount: group.memberCount,
          practice: group.practice,
          organizers: organizers.map((o) => ({
            userId: o.userId,
            displayName: o.displayName,
            handle: o.handle,
            role: o.role
          })),
          createdAt: group.createdAt
        }
      : null
  });
}

/** Creating, reading and changing groups; joining and leaving them. */
export const groupRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db } = ctx;
  const tags = ['groups'];

  app.post(
    '/groups',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Create a group',
        description:
          'Any verified user, unless the instance restricts group creation to admins. You become its owner.',
        body: createGroupBody,
        response: { 201: groupSchema, ...problemResponses(400, 401, 403) }
      }
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const me = await getProfile(db, caller.userId);
      if (!me?.emailVerified) throw new Problem('forbidden');
      if ((await getSettings(db)).groupCreation === 'admins' && !me.isAdmin)
        throw new Problem('forbidden');
      try {
        const group = await createGroup(db, caller.userId, request.body);
        const viewer: Viewer = {
          userId: caller.userId,
          isAdmin: me.isAdmin,
          membership: { role: 'owner', status: 'active' }
        };
        return await reply.code(201).send(await presentGroupFor(ctx, group, viewer));
      } catch (error) {
        if (error instanceof SlugTakenError) throw fieldProblem('slug', 'slugTaken');
        throw error;
      }
    }
  );

  app.get(
    '/groups/:slug',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group',
        description:
          'Hidden groups, and groups an admin hid from the instance (`hiddenByAdmin`), are 404 to non-members; private groups show only name and description to them.',
        params: slugParams,
        response: { 200: groupSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.see'
      );
      return presentGroupFor(ctx, group, viewer);
    }
  );

  app.patch(
    '/groups/:slug',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a group (organizers)',
        params: slugParams,
        body: updateGroupBody,
        response: { 200: groupSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.update'
      );
      const perMember = request.body.votesPerMember ?? group.practice.votesPerMember;
      if ((request.body.votesPerTopic ?? group.practice.votesPerTopic) > perMember) {
        throw fieldProblem(
          request.body.votesPerTopic === undefined ? 'votesPerMember' : 'votesPerTopic',
          'votesPerTopicOverBudget'
        );
      }
      try {
        const updated = await updateGroup(db, group, callerOf(request).userId, request.body);
        return await presentGroupFor(ctx, updated, viewer);
      } catch (error) {
        if (error instanceof SlugTakenError) throw fieldProblem('slug', 'slugTaken');
        throw error;
      }
    }
  );

  app.post(
    '/groups/:slug/join',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Join a group, or ask to join',
        description:
          'Open groups: you are a member at once. Approval groups: your request (with answers to the group’s questions) waits for an organizer.',
        params: slugParams,
        body: z.strictObject({ answers: z.array(z.string().trim().max(1000)).max(5).optional() }),
        response: {
          200: z.object({ status: z.enum(['active', 'pending']) }),
          ...problemResponses(400, 401, 403, 404, 409)
        }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.see'
      );
      if (viewer.membership?.status === 'banned')
        throw new Problem('forbidden', { detail: undefined });
      if (viewer.membership) throw new Problem('conflict', { detail: 'alreadyMember' });
      if (!can(viewer, group, 'group.join')) throw new Problem('forbidden');
      const answers = request.body.answers ?? [];
      if (group.joinPolicy === 'approval') {
        const missing = group.joinQuestions.findIndex((_, i) => !answers[i]);
        if (missing >= 0) throw fieldProblem(`answers.${missing}`, 'required');
      }
      let status: 'active' | 'pending';
      try {
        status = (await joinGroup(db, group, callerOf(request).userId, answers)) as
          'active' | 'pending';
      } catch (error) {
        return membershipProblem(error);
      }
      if (status === 'pending') {
        await notifyJoinRequest(db, ctx.queue, ctx.config.baseUrl, group, callerOf(request).userId);
      }
      return { status };
    }
  );

  app.post(
    '/groups/:slug/leave',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Leave a group, or withdraw your request',
        params: slugParams,
        response: { 204: z.null(), ...problemResponses(401, 404, 409) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'group.see');
      try {
        await leaveGroup(db, group, callerOf(request).userId);
      } catch (error) {
        membershipProblem(error);
      }
      await withdrawFromGroup(db, ctx.queue, group.id, callerOf(request).userId);
      return reply.code(204).send(null);
    }
  );

  app.patch(
    '/groups/:slug/membership',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Your settings in a group',
        description:
          'hiddenInDirectory: leave yourself out of the member directory. meetingMail: a mail for every new meeting (all), only mails about meetings you answered (going), or none.',
        params: slugParams,
        body: z.strictObject({
          hiddenInDirectory: z.boolean().optional(),
          meetingMail: z.enum(MEETING_MAIL_CHOICES).optional()
        }),
        response: { 204: z.null(), ...problemResponses(400, 401, 404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'group.see');
      try {
        await updateMemberSettings(db, group.id, callerOf(request).userId, request.body);
      } catch (error) {
        membershipProblem(error);
      }
      return reply.code(204).send(null);
    }
  );
};
