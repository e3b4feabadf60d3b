// An organizer writes personally to a member who has gone quiet: only to members on the list
// (active, quiet, not opted out), at most once a week per member and group, recorded and audited;
// the mail goes out in the member's language with the organizer as Reply-To.

import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { dbBool } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { isLocale } from '../../i18n/i18n.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { MAIL_QUEUE, type MailMessage } from '../../jobs/mail-message.ts';
import { recordAudit } from '../audit.service.ts';
import type { Group } from '../group.service.ts';

/** An organizer writes to the same quiet member at most once in this many days. */
export const OUTREACH_EVERY_DAYS = 7;

/** Why a message was not sent: `notQuiet` (not on the list) or `outreachTooSoon`. */
export class OutreachError extends Error {
  readonly problem: 'notQuiet' | 'outreachTooSoon';
  constructor(problem: 'notQuiet' | 'outreachTooSoon') {
    super(problem);
    this.problem = problem;
    this.name = 'OutreachError';
  }
}

export interface OutreachInput {
  group: Group;
  /** The organizer (or admin) who writes. */
  senderId: string;
  /** The member written to. */
  userId: string;
  subject: string;
  body: string;
}

/**
 * Sends an organizer's personal message to a member on the gone-quiet list. Refuses with
 * `OutreachError('notQuiet')` when the member is not on it (not quiet, opted out, not an active
 * member) and `OutreachError('outreachTooSoon')` when anyone wrote to them from this group in the
 * last `OUTREACH_EVERY_DAYS` days. Records a `health_outreach` row (not the body) and the audit
 * entry `health.outreach` in one write transaction, then enqueues the mail (after the commit, as
 * every service does: the queue is no part of the transaction).
 *
 * @example
 * const { sentAt } = await sendOutreach(db, queue, config.baseUrl, {
 *   group, senderId: organizer.id, userId: quiet.id, subject: 'We miss you', body: 'Hi! …'
 * });
 */
export async function sendOutreach(
  db: Db,
  queue: JobQueue,
  baseUrl: string,
  input: OutreachInput,
  now: Date = new Date()
): Promise<{ sentAt: Date }> {
  const { group, senderId, userId } = input;
  const since = new Date(now.getTime() - OUTREACH_EVERY_DAYS * 86_400_000).toISOString();
  const { member, sender } = await writeTransaction(db, async (trx) => {
    // Locks the member's membership (PostgreSQL), so two organizers writing at once take turns.
    let membership = trx
      .selectFrom('memberships as m')
      .innerJoin('health_members as h', (join) =>
        join.onRef('h.group_id', '=', 'm.group_id').onRef('h.user_id', '=', 'm.user_id')
      )
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.email', 'u.name', 'u.language'])
      .where('m.group_id', '=', group.id)
      .where('m.user_id', '=', userId)
      .where('m.status', '=', 'active')
      .where('h.quiet', '=', dbBool(db, true))
      .where('u.health_opt_out', '=', dbBool(db, false));
    if (db.dialect === 'postgres') membership = membership.forUpdate('m');
    const member = await membership.executeTakeFirst();
    if (!member) throw new OutreachError('notQuiet');
    const recent = await trx
      .selectFrom('health_outreach')
      .select('id')
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .where('created_at', '>', since)
      .executeTakeFirst();
    if (recent) throw new OutreachError('outreachTooSoon');
    const sender = await trx
      .selectFrom('users')
      .select(['email', 'name'])
      .where('id', '=', senderId)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('health_outreach')
      .values({
        id: randomUUID(),
        group_id: group.id,
        user_id: userId,
        sent_by: senderId,
        subject: input.subject,
        created_at: now.toISOString()
      })
      .execute();
    await recordAudit(trx, {
      groupId: group.id,
      actorId: senderId,
      action: 'health.outreach',
      subjectUserId: userId,
      details: { subject: input.subject }
    });
    return { member, sender };
  });
  const message: MailMessage = {
    template: 'health-outreach',
    to: member.email,
    locale: isLocale(member.language) ? member.language : 'en',
    replyTo: sender.email,
    params: {
      name: member.name,
      url: `${baseUrl}/groups/${group.slug}`,
      groupName: group.name,
      senderName: sender.name,
      subject: input.subject,
      body: input.body
    }
  };
  await queue.enqueue(MAIL_QUEUE, message);
  return { sentAt: now };
}
