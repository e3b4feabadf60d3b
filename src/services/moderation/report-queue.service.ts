import type { Db } from '../../db/database.ts';
import type { CreatedCursor } from '../created-cursor.ts';
import { findPerson, type Person } from '../person.service.ts';
import { findReportSubject, type ReportSubject } from './report-subject.service.ts';
import { presentReportRow, type Report } from './report.service.ts';

/** A report as a moderation queue shows it: the subject as it is now and the people involved. */
export interface QueuedReport extends Report {
  /** null when the post, comment or account is gone. */
  subject: ReportSubject | null;
  /** The subject's author (or the profile's person). */
  author: Person | null;
  reporter: Person | null;
  resolver: Person | null;
  /** Other open reports on the same subject. */
  otherOpenReports: number;
}

export type QueueStatus = 'open' | 'closed';

/**
 * A moderation queue, newest first: a group's reports (`{ groupId }`), the profile reports that
 * go to instance admins (`'profiles'`), or every report on the instance (`'all'`).
 */
export async function listReports(
  db: Db,
  options: {
    scope: { groupId: string } | 'profiles' | 'all';
    status: QueueStatus;
    cursor?: CreatedCursor | undefined;
    limit: number;
  }
): Promise<{ items: QueuedReport[]; next: CreatedCursor | null }> {
  let query = db.kysely.selectFrom('reports').selectAll();
  const { scope } = options;
  if (scope === 'profiles') query = query.where('group_id', 'is', null);
  else if (scope !== 'all') query = query.where('group_id', '=', scope.groupId);
  query =
    options.status === 'open'
      ? query.where('status', '=', 'open')
      : query.where('status', 'in', ['resolved', 'dismissed']);
  const after = options.cursor;
  if (after) {
    const c = after.createdAt.toISOString();
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', c), eb.and([eb('created_at', '=', c), eb('id', '<', after.id)])])
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit).map(presentReportRow);
  const items: QueuedReport[] = [];
  for (const report of page) items.push(await queuedReport(db, report));
  const last = page.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/** One report with its subject, people and the count of other open reports on the subject. */
export async function queuedReport(db: Db, report: Report): Promise<QueuedReport> {
  const subject =
    (await findReportSubject(db.kysely, report.subjectType, report.subjectId)) ?? null;
  const others = await db.kysely
    .selectFrom('reports')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('subject_type', '=', report.subjectType)
    .where('subject_id', '=', report.subjectId)
    .where('status', '=', 'open')
    .where('id', '!=', report.id)
    .executeTakeFirst();
  return {
    ...report,
    subject,
    author: await findPerson(db, subject?.authorId ?? report.subjectUserId),
    reporter: await findPerson(db, report.reporterId),
    resolver: await findPerson(db, report.resolvedBy),
    otherOpenReports: Number(others?.n ?? 0)
  };
}
