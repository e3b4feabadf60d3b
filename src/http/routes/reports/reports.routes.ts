import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { nudgeActivities } from '../../../services/activity/activity.service.ts';
import { decodeCreatedCursor, encodeCreatedCursor } from '../../../services/created-cursor.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { listReports } from '../../../services/moderation/report-queue.service.ts';
import { createReport } from '../../../services/moderation/report.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import { peopleRoutes } from './people.routes.ts';
import { moderationProblem, queuedReportJson } from './report-access.ts';
import { reportActionRoutes } from './report-actions.routes.ts';
import {
  adminReportListQuery,
  createReportBody,
  reportListQuery,
  reportListSchema,
  reportSchema
} from './reports.schema.ts';

const PAGE_SIZE = 20;

/**
 * Reports of posts, comments and profiles, and the moderation queues: a group's (organizers and
 * up, admins: `report.review`) and the admins' (profile reports; with `scope=all` every group's).
 * Decisions are in `reportActionRoutes`; public profiles (`GET /people/:handle`) in `peopleRoutes`.
 */
export const reportRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { db, queue } = context;
  const tags = ['moderation'];

  await app.register(reportActionRoutes, context);
  await app.register(peopleRoutes, context);

  app.post(
    '/reports',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Report a post, a comment or a profile',
        description:
          'Posts and comments go to their group’s organizers (those who can see them and take part in the group may report), profiles to the instance admins. 400 on details: reportDetailsRequired (reason other); subjectId: reportOwnSubject. 404 for what the caller cannot see; 409 reportAlreadyOpen for a second open report on the same subject.',
        body: createReportBody,
        response: { 201: reportSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { subjectType, subjectId, reason } = request.body;
      const details = request.body.details ?? '';
      if (reason === 'other' && details === '') {
        throw fieldProblem('details', 'reportDetailsRequired');
      }
      const report = await createReport(db, {
        reporterId: callerOf(request).userId,
        subjectType,
        subjectId,
        reason,
        details
      }).catch(moderationProblem);
      nudgeActivities(queue);
      return reply.code(201).send(
        jsonDates({
          id: report.id,
          groupId: report.groupId,
          subjectType: report.subjectType,
          subjectId: report.subjectId,
          reason: report.reason,
          details: report.details,
          status: report.status,
          createdAt: report.createdAt
        })
      );
    }
  );

  app.get(
    '/groups/:slug/reports',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'A group’s moderation queue (organizers and up)',
        description:
          'Newest first; `status=closed` lists resolved and dismissed reports. Each report shows its subject as it is now.',
        params: slugParams,
        querystring: reportListQuery,
        response: { 200: reportListSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'report.review'
      );
      const { cursor: given, limit, status } = request.query;
      const cursor = given === undefined ? undefined : decodeCreatedCursor(given);
      if (cursor === null) throw fieldProblem('cursor', 'invalid');
      const page = await listReports(db, {
        scope: { groupId: group.id },
        status: status ?? 'open',
        cursor,
        limit: limit ?? PAGE_SIZE
      });
      const items = [];
      for (const item of page.items) items.push(await queuedReportJson(db, item, viewer));
      return { items, nextCursor: page.next ? encodeCreatedCursor(page.next) : null };
    }
  );

  app.get(
    '/admin/reports',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The admins’ moderation queue (instance admins)',
        description:
          'Profile reports, newest first; `scope=all` adds every group’s reports. 404 for everyone but admins.',
        querystring: adminReportListQuery,
        response: { 200: reportListSchema, ...problemResponses(400, 401, 404) }
      }
    },
    async (request) => {
      const me = await getProfile(db, callerOf(request).userId);
      if (!me?.isAdmin) throw new Problem('not-found');
      const { cursor: given, limit, status, scope } = request.query;
      const cursor = given === undefined ? undefined : decodeCreatedCursor(given);
      if (cursor === null) throw fieldProblem('cursor', 'invalid');
      const page = await listReports(db, {
        scope: scope ?? 'profiles',
        status: status ?? 'open',
        cursor,
        limit: limit ?? PAGE_SIZE
      });
      const admin = { userId: me.id, isAdmin: true, membership: null };
      const items = [];
      for (const item of page.items) items.push(await queuedReportJson(db, item, admin));
      return { items, nextCursor: page.next ? encodeCreatedCursor(page.next) : null };
    }
  );
};
