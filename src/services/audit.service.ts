import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import { type OffsetPage, offsetPage } from './offset-page.ts';

/** One line of a group's audit log. */
export interface AuditEntry {
  id: string;
  action: string;
  actorId: string | null;
  actorName: string | null;
  subjectUserId: string | null;
  subjectName: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** Records an organizer or admin action, inside the caller's transaction. */
export async function recordAudit(
  trx: Transaction<Database> | Kysely<Database>,
  entry: {
    groupId: string | null;
    actorId: string | null;
    action: string;
    subjectUserId?: string | null;
    details?: Record<string, unknown>;
  }
): Promise<void> {
  await trx
    .insertInto('audit_entries')
    .values({
      id: randomUUID(),
      group_id: entry.groupId,
      actor_id: entry.actorId,
      action: entry.action,
      subject_user_id: entry.subjectUserId ?? null,
      details: JSON.stringify(entry.details ?? {}),
      created_at: new Date().toISOString()
    })
    .execute();
}

/** A group's audit log, newest first. */
export async function listAudit(db: Db, groupId: string, limit = 100): Promise<AuditEntry[]> {
  return (await auditEntries(db, { groupId, offset: 0, limit })).items;
}

/** An audit log entry with the group it belongs to (null: an instance-wide action). */
export interface InstanceAuditEntry extends AuditEntry {
  group: { slug: string; name: string } | null;
}

/**
 * Audit entries newest first, `limit` from `offset`: of one group (`groupId`), or of every group and
 * the instance itself (admins' actions, account deletions) when `groupId` is undefined.
 */
export async function auditEntries(
  db: Db,
  options: { groupId?: string; offset: number; limit: number }
): Promise<OffsetPage<InstanceAuditEntry>> {
  let query = db.kysely
    .selectFrom('audit_entries as a')
    .leftJoin('users as actor', 'actor.id', 'a.actor_id')
    .leftJoin('users as subject', 'subject.id', 'a.subject_user_id')
    .leftJoin('groups as g', 'g.id', 'a.group_id')
    .select([
      'a.id',
      'a.action',
      'a.actor_id',
      'a.subject_user_id',
      'a.details',
      'a.created_at',
      'actor.name as actor_name',
      'subject.name as subject_name',
      'g.slug as group_slug',
      'g.name as group_name'
    ]);
  if (options.groupId !== undefined) query = query.where('a.group_id', '=', options.groupId);
  const ordered = query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc');
  return offsetPage(ordered, options, (r) => ({
    id: r.id,
    action: r.action,
    actorId: r.actor_id,
    actorName: r.actor_name,
    subjectUserId: r.subject_user_id,
    subjectName: r.subject_name,
    details: JSON.parse(r.details) as Record<string, unknown>,
    createdAt: toDate(r.created_at),
    group:
      r.group_slug !== null && r.group_name !== null
        ? { slug: r.group_slug, name: r.group_name }
        : null
  }));
}
