import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { can } from '../../domain/group-policy.ts';
import { recordActivity } from '../activity/activity.service.ts';
import { findGroupById, viewerOf } from '../group.service.ts';
import {
  findReportSubject,
  type ReportSubjectType,
  subjectVisibleTo
} from './report-subject.service.ts';

export const REPORT_REASONS = ['spam', 'harassment', 'off_topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** What moderators may do with a report. Profile reports: warn, remove, dismiss. */
export const REPORT_ACTIONS = ['hide', 'warn', 'remove', 'ban', 'dismiss'] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];
export const PROFILE_ACTIONS: readonly ReportAction[] = ['warn', 'remove', 'dismiss'];

export type ReportStatus = 'open' | 'resolved' | 'dismissed';

/** The longest `details` of a report and the longest warning message. */
export const REPORT_LIMITS = { details: 2_000, message: 1_000, note: 1_000 } as const;

/** Why a report or a decision was refused; `field` makes it a 400 on that field. */
export type ModerationProblem =
  | 'notFound'
  | 'forbidden'
  | 'required'
  | 'reportOwnSubject'
  | 'reportActionInvalid'
  | 'reportAlreadyOpen'
  | 'reportClosed'
  | 'reportAuthorGone'
  | 'reportNotReopenable';

export class ModerationError extends Error {
  readonly problem: ModerationProblem;
  readonly field: string | undefined;
  constructor(problem: ModerationProblem, field?: string) {
    super(problem);
    this.name = 'ModerationError';
    this.problem = problem;
    this.field = field;
  }
}

/** A stored report. */
export interface Report {
  id: string;
  groupId: string | null;
  subjectType: ReportSubjectType;
  subjectId: string;
  subjectUserId: string | null;
  reporterId: string | null;
  reason: ReportReason;
  details: string;
  status: ReportStatus;
  resolution: ReportAction | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

interface ReportRow {
  id: string;
  group_id: string | null;
  subject_type: string;
  subject_id: string;
  subject_user_id: string | null;
  reporter_id: string | null;
  reason: string;
  details: string;
  status: string;
  resolution: string | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Date | string | null;
  created_at: Date | string;
}

export function presentReportRow(row: ReportRow): Report {
  return {
    id: row.id,
    groupId: row.group_id,
    subjectType: row.subject_type as ReportSubjectType,
    subjectId: row.subject_id,
    subjectUserId: row.subject_user_id,
    reporterId: row.reporter_id,
    reason: row.reason as ReportReason,
    details: row.details,
    status: row.status as ReportStatus,
    resolution: row.resolution as ReportAction | null,
    resolutionNote: row.resolution_note,
    resolvedBy: row.resolved_by,
    resolvedAt: toDate(row.resolved_at),
    createdAt: toDate(row.created_at)
  };
}

export async function findReport(db: Db, id: string): Promise<Report | undefined> {
  const row = await db.kysely
    .selectFrom('reports')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? presentReport(row) : undefined;
}

const presentReport = presentReportRow;

/**
 * Files a report. Posts and comments go to their group's queue: the reporter must be allowed to
 * see the subject (else `notFound`) and to report in the group (`report.create`, else
 * `forbidden`). Profiles (by user id or handle) go to the admins' queue; any signed-in person may
 * report one. Nobody reports their own things; one open report per reporter and subject. The
 * `report.created` activity is recorded in the same transaction: call `nudgeActivities` after.
 */
export async function createReport(
  db: Db,
  input: {
    reporterId: string;
    subjectType: ReportSubjectType;
    subjectId: string;
    reason: ReportReason;
    details: string;
  }
): Promise<Report> {
  // Who may see the subject is read before the write transaction (it needs no lock).
  const seen = await findReportSubject(db.kysely, input.subjectType, input.subjectId);
  if (!seen) throw new ModerationError('notFound');
  if (seen.group) {
    const group = await findGroupById(db, seen.group.id);
    if (!group) throw new ModerationError('notFound');
    const viewer = await viewerOf(db, group.id, input.reporterId);
    if (!can(viewer, group, 'group.read')) throw new ModerationError('notFound');
    const moderates = can(viewer, group, 'post.moderate');
    if (!subjectVisibleTo(seen, input.reporterId, moderates)) {
      throw new ModerationError('notFound');
    }
    if (!can(viewer, group, 'report.create')) throw new ModerationError('forbidden');
  }
  if (seen.authorId === input.reporterId) {
    throw new ModerationError('reportOwnSubject', 'subjectId');
  }
  return writeTransaction(db, async (trx) => {
    // Locks the subject (PostgreSQL; SQLite's BEGIN IMMEDIATE serializes writers anyway), so
    // two identical reports at once cannot both find no open one.
    const subject = await findReportSubject(trx, seen.type, seen.id, {
      lock: db.dialect === 'postgres'
    });
    if (!subject) throw new ModerationError('notFound');
    const open = await trx
      .selectFrom('reports')
      .select('id')
      .where('subject_type', '=', subject.type)
      .where('subject_id', '=', subject.id)
      .where('reporter_id', '=', input.reporterId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (open) throw new ModerationError('reportAlreadyOpen');
    const row = {
      id: randomUUID(),
      group_id: subject.group?.id ?? null,
      subject_type: subject.type,
      subject_id: subject.id,
      subject_user_id: subject.authorId,
      reporter_id: input.reporterId,
      reason: input.reason,
      details: input.details,
      status: 'open',
      resolution: null,
      resolution_note: null,
      resolved_by: null,
      resolved_at: null,
      created_at: new Date().toISOString()
    };
    await trx.insertInto('reports').values(row).execute();
    await recordActivity(trx, {
      kind: 'report.created',
      groupId: subject.group?.id ?? null,
      actorId: input.reporterId,
      subjectType: 'report',
      subjectId: row.id,
      payload: {
        group: subject.group,
        report: { id: row.id, subjectType: subject.type, reason: input.reason }
      }
    });
    return presentReport(row);
  });
}
