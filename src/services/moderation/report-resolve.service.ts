import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { canManage, type Viewer } from '../../domain/group-policy.ts';
import { recordActivity } from '../activity/activity.service.ts';
import { recordAudit } from '../audit.service.ts';
import type { Group } from '../group.service.ts';
import { MembershipError, membershipOf, removeMember } from '../membership.service.ts';
import { findReportSubject, type ReportSubject } from './report-subject.service.ts';
import {
  ModerationError,
  PROFILE_ACTIONS,
  presentReportRow,
  type Report,
  type ReportAction
} from './report.service.ts';

/** A moderator's decision on a report. */
export interface Decision {
  action: ReportAction;
  /** For the moderators' record (audit log and the closed queue). */
  note?: string | undefined;
  /** The warning the member gets (warn only, required there). */
  message?: string | undefined;
}

/** Locks and re-reads a report inside the transaction; refuses one that is no longer open. */
async function openReport(db: Db, trx: Kysely<Database>, id: string): Promise<Report> {
  let query = trx.selectFrom('reports').selectAll().where('id', '=', id);
  if (db.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new ModerationError('notFound');
  const report = presentReportRow(row);
  if (report.status !== 'open') throw new ModerationError('reportClosed');
  return report;
}

/** Sets a post's or comment's board status. */
async function setSubjectStatus(
  trx: Kysely<Database>,
  subject: ReportSubject,
  status: 'visible' | 'hidden' | 'removed',
  onlyFrom?: 'visible' | 'hidden'
): Promise<boolean> {
  const table = subject.type === 'post' ? 'posts' : 'post_comments';
  let query = trx
    .updateTable(table)
    .set({ status, updated_at: new Date().toISOString() })
    .where('id', '=', subject.id);
  if (onlyFrom) query = query.where('status', '=', onlyFrom);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Decides a report and closes every open report on the same subject with it. `hide` and
 * `remove` change the post's or comment's status (`remove` on a profile clears the bio and
 * resets the display name to the handle); `warn` records a `member.warned` activity with the
 * message (call `nudgeActivities` after); `ban` bans the author from the group through
 * `removeMember`, under the same role rules as the member list (an organizer cannot ban an
 * organizer or the owner: `forbidden`); `dismiss` only closes. Every decision is audited.
 * The caller has checked that `viewer` may review the report (`report.review`, or an admin for
 * profile reports) and that `group` is the report's group (null for profile reports).
 */
export async function resolveReport(
  db: Db,
  input: { report: Report; group: Group | null; viewer: Viewer; actorId: string },
  decision: Decision
): Promise<{ closed: number }> {
  const { report, group, viewer, actorId } = input;
  const { action } = decision;
  if (report.subjectType === 'profile' && !PROFILE_ACTIONS.includes(action)) {
    throw new ModerationError('reportActionInvalid', 'action');
  }
  const message = decision.message?.trim() ?? '';
  if (action === 'warn' && message === '') throw new ModerationError('required', 'message');
  if (report.status !== 'open') throw new ModerationError('reportClosed');
  const authorId = report.subjectUserId;
  if ((action === 'warn' || action === 'ban') && !authorId) {
    throw new ModerationError('reportAuthorGone');
  }
  if (action === 'ban' && group && authorId) {
    const target = (await membershipOf(db, group.id, authorId)) ?? { role: 'member' as const };
    if (authorId === actorId || !canManage(viewer, target)) throw new ModerationError('forbidden');
    try {
      await removeMember(db, group, actorId, authorId, true);
    } catch (error) {
      if (error instanceof MembershipError) throw new ModerationError('forbidden');
      throw error;
    }
  }
  return writeTransaction(db, async (trx) => {
    await openReport(db, trx, report.id);
    const subject = await findReportSubject(trx, report.subjectType, report.subjectId);
    if (subject && subject.type !== 'profile') {
      if (action === 'hide') await setSubjectStatus(trx, subject, 'hidden', 'visible');
      if (action === 'remove') await setSubjectStatus(trx, subject, 'removed');
    }
    if (subject?.type === 'profile' && action === 'remove') {
      const user = await trx
        .selectFrom('users')
        .select('handle')
        .where('id', '=', subject.id)
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('users')
        .set({ bio: '', name: user.handle, updated_at: new Date().toISOString() })
        .where('id', '=', subject.id)
        .execute();
    }
    if (action === 'warn' && authorId) {
      await recordActivity(trx, {
        kind: 'member.warned',
        groupId: group?.id ?? null,
        actorId,
        subjectType: 'user',
        subjectId: authorId,
        payload: {
          group: group ? { id: group.id, slug: group.slug, name: group.name } : null,
          userId: authorId,
          message
        }
      });
    }
    const closed = await trx
      .updateTable('reports')
      .set({
        status: action === 'dismiss' ? 'dismissed' : 'resolved',
        resolution: action,
        resolution_note: decision.note?.trim() || null,
        resolved_by: actorId,
        resolved_at: new Date().toISOString()
      })
      .where('subject_type', '=', report.subjectType)
      .where('subject_id', '=', report.subjectId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    const count = Number(closed.numUpdatedRows);
    await recordAudit(trx, {
      groupId: group?.id ?? null,
      actorId,
      action: 'report.resolved',
      subjectUserId: authorId,
      details: {
        reportId: report.id,
        action,
        subjectType: report.subjectType,
        subjectId: report.subjectId,
        closedReports: count,
        ...(decision.note?.trim() ? { note: decision.note.trim() } : {}),
        ...(action === 'warn' ? { message } : {})
      }
    });
    return { closed: count };
  });
}

/**
 * Opens a closed report again: one that was dismissed, or whose subject was hidden — which is
 * then shown again (a hide is reversible; a removal or a ban is not undone here). Only this
 * report opens, and not when its reporter has filed another open one on the subject since.
 */
export async function reopenReport(
  db: Db,
  input: { report: Report; groupId: string | null; actorId: string }
): Promise<{ unhidden: boolean }> {
  const { report } = input;
  if (report.status === 'open') throw new ModerationError('reportNotReopenable');
  if (report.resolution !== 'hide' && report.resolution !== 'dismiss') {
    throw new ModerationError('reportNotReopenable');
  }
  return writeTransaction(db, async (trx) => {
    let query = trx.selectFrom('reports').selectAll().where('id', '=', report.id);
    if (db.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row || row.status === 'open') throw new ModerationError('reportNotReopenable');
    if (report.reporterId) {
      const twin = await trx
        .selectFrom('reports')
        .select('id')
        .where('subject_type', '=', report.subjectType)
        .where('subject_id', '=', report.subjectId)
        .where('reporter_id', '=', report.reporterId)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (twin) throw new ModerationError('reportAlreadyOpen');
    }
    let unhidden = false;
    if (row.resolution === 'hide') {
      const subject = await findReportSubject(trx, report.subjectType, report.subjectId);
      if (subject && subject.type !== 'profile') {
        unhidden = await setSubjectStatus(trx, subject, 'visible', 'hidden');
      }
    }
    await trx
      .updateTable('reports')
      .set({
        status: 'open',
        resolution: null,
        resolution_note: null,
        resolved_by: null,
        resolved_at: null
      })
      .where('id', '=', report.id)
      .execute();
    await recordAudit(trx, {
      groupId: input.groupId,
      actorId: input.actorId,
      action: 'report.reopened',
      subjectUserId: report.subjectUserId,
      details: { reportId: report.id, unhidden }
    });
    return { unhidden };
  });
}
