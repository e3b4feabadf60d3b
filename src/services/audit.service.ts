import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { toDate } from '../db/values.ts';

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
  const rows = await db.kysely
    .selectFrom('audit_entries as a')
    .leftJoin('users as actor', 'actor.id', 'a.actor_id')
    .leftJoin('users as subject', 'subject.id', 'a.subject_user_id')
    .select([
      'a.id',
      'a.action',
      'a.actor_id',
      'a.subject_user_id',
      'a.details',
      'a.created_at',
      'actor.name as actor_name',
      'subject.name as subject_name'
    ])
    .where('a.group_id', '=', groupId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    actorId: r.actor_id,
    actorName: r.actor_name,
    subjectUserId: r.subject_user_id,
    subjectName: r.subject_name,
    details: JSON.parse(r.details) as Record<string, unknown>,
    createdAt: toDate(r.created_at)
  }));
}
