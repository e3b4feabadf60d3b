import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { nudgeActivities } from '../../../services/activity/activity.service.ts';
import {
  reopenReport,
  resolveReport
} from '../../../services/moderation/report-resolve.service.ts';
import { withdrawFromGroup } from '../../../services/rsvp.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { problemResponses } from '../../problem.ts';
import { moderationProblem, requireReportReview } from './report-access.ts';
import {
  reopenSchema,
  reportParams,
  resolutionSchema,
  resolveReportBody
} from './reports.schema.ts';

/** Deciding reports: resolve (hide, warn, remove, ban, dismiss) and reopen. */
export const reportActionRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { db, queue } = context;
  const tags = ['moderation'];

  app.post(
    '/reports/:id/resolve',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Decide a report (organizers and up; profile reports: admins)',
        description:
          'hide/remove set the post’s or comment’s status; warn tells its author `message` (required); ban bans the author from the group (an organizer cannot ban an organizer or the owner: 403); dismiss only closes. Profile reports: warn, remove (clears the bio, resets the name to the handle), dismiss. Closes every open report on the same subject; audited. 400 on action: reportActionInvalid; message: required. 409 reportClosed, reportAuthorGone.',
        params: reportParams,
        body: resolveReportBody,
        response: { 200: resolutionSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requireReportReview(db, request, request.params.id);
      const actorId = callerOf(request).userId;
      const result = await resolveReport(db, { ...access, actorId }, request.body).catch(
        moderationProblem
      );
      if (request.body.action === 'warn') nudgeActivities(queue);
      const { group, report } = access;
      if (request.body.action === 'ban' && group && report.subjectUserId) {
        await withdrawFromGroup(db, queue, group.id, report.subjectUserId);
      }
      return { closedReports: result.closed };
    }
  );

  app.post(
    '/reports/:id/reopen',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Open a dismissed or hidden report again (its moderators)',
        description:
          'A hidden post or comment is shown again. 409 reportNotReopenable for open reports and for removals and bans; reportAlreadyOpen when its reporter has reported the subject again since.',
        params: reportParams,
        response: { 200: reopenSchema, ...problemResponses(401, 404, 409) }
      }
    },
    async (request) => {
      const { report, group } = await requireReportReview(db, request, request.params.id);
      return reopenReport(db, {
        report,
        groupId: group?.id ?? null,
        actorId: callerOf(request).userId
      }).catch(moderationProblem);
    }
  );
};
