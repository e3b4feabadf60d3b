import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import { can, canManage, type Viewer } from '../../../domain/group-policy.ts';
import { findGroupById, type Group, viewerOf } from '../../../services/group.service.ts';
import { membershipOf } from '../../../services/membership.service.ts';
import type { QueuedReport } from '../../../services/moderation/report-queue.service.ts';
import {
  findReport,
  ModerationError,
  PROFILE_ACTIONS,
  type Report,
  REPORT_ACTIONS,
  type ReportAction
} from '../../../services/moderation/report.service.ts';
import { callerOf } from '../../caller.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem } from '../../problem.ts';

/** Maps a refused report or decision onto its problem response. */
export function moderationProblem(error: unknown): never {
  if (error instanceof ModerationError) {
    if (error.problem === 'notFound') throw new Problem('not-found');
    if (error.problem === 'forbidden') throw new Problem('forbidden');
    if (error.field) throw fieldProblem(error.field, error.problem);
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}

/** A report the caller may decide on, with its group (null for profile reports). */
export interface ReportAccess {
  report: Report;
  group: Group | null;
  viewer: Viewer;
}

/**
 * Loads the report of the URL for its moderators: group reports for `report.review` in their
 * group, profile reports for instance admins. Everyone else — reporters included — gets a 404.
 */
export async function requireReportReview(
  db: Db,
  request: FastifyRequest,
  id: string
): Promise<ReportAccess> {
  const userId = callerOf(request).userId;
  const report = await findReport(db, id);
  if (!report) throw new Problem('not-found');
  if (report.groupId === null) {
    const viewer = await viewerOf(db, '', userId);
    if (!viewer.isAdmin) throw new Problem('not-found');
    return { report, group: null, viewer: { ...viewer, membership: null } };
  }
  const group = await findGroupById(db, report.groupId);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, userId);
  if (!can(viewer, group, 'report.review')) throw new Problem('not-found');
  return { report, group, viewer };
}

/** What a moderator may decide on a report now. */
async function actionsOf(
  db: Db,
  item: QueuedReport,
  viewer: Viewer | null
): Promise<ReportAction[]> {
  if (item.status !== 'open') return [];
  if (item.subjectType === 'profile') {
    return PROFILE_ACTIONS.filter((a) => a !== 'warn' || item.subjectUserId !== null);
  }
  const status = item.subject?.status ?? 'removed';
  let mayBan = false;
  const authorId = item.subjectUserId;
  if (authorId && item.groupId && viewer && authorId !== viewer.userId) {
    const target = (await membershipOf(db, item.groupId, authorId)) ?? {
      role: 'member' as const,
      status: 'active' as const
    };
    mayBan = target.status !== 'banned' && canManage(viewer, target);
  }
  return REPORT_ACTIONS.filter((a) => {
    if (a === 'hide') return status === 'visible';
    if (a === 'remove') return status !== 'removed';
    if (a === 'warn') return authorId !== null;
    if (a === 'ban') return mayBan;
    return true;
  });
}

/** A queued report on the wire. `viewer` is the moderator's standing in the report's group. */
export async function queuedReportJson(db: Db, item: QueuedReport, viewer: Viewer | null) {
  const group = item.subject?.group ?? null;
  return jsonDates({
    id: item.id,
    groupId: item.groupId,
    group: group ? { slug: group.slug, name: group.name } : null,
    subjectType: item.subjectType,
    subjectId: item.subjectId,
    reason: item.reason,
    details: item.details,
    status: item.status,
    createdAt: item.createdAt,
    subject: item.subject
      ? {
          status: item.subject.status,
          title: item.subject.title,
          excerpt: item.subject.excerpt,
          path: item.subject.path
        }
      : null,
    author: item.author,
    reporter: item.reporter,
    otherOpenReports: item.otherOpenReports,
    resolution: item.resolution,
    resolutionNote: item.resolutionNote,
    resolvedBy: item.resolver,
    resolvedAt: item.resolvedAt,
    actions: await actionsOf(db, item, viewer),
    canReopen:
      item.status !== 'open' && (item.resolution === 'hide' || item.resolution === 'dismiss')
  });
}
