import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { toDate } from '../db/values.ts';
import { isLocale } from '../i18n/i18n.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { MAIL_QUEUE, type MailMessage } from '../jobs/mail-message.ts';
import { recordAudit } from './audit.service.ts';
import type { Group } from './group.service.ts';
import { countMember, MembershipError, membershipRow } from './membership.service.ts';

const INVITATION_DAYS = 14;
const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Why an invitation cannot be used. */
export class InvitationError extends Error {
  readonly problem: 'invalid' | 'expired' | 'used';
  constructor(problem: 'invalid' | 'expired' | 'used') {
    super(problem);
    this.name = 'InvitationError';
    this.problem = problem;
  }
}

/**
 * Invites an email address to a group: stores a hashed single-use token (valid 14 days), records
 * it in the audit log and mails the link in the invitee's language when they have an account.
 */
export async function inviteToGroup(
  db: Db,
  queue: JobQueue,
  baseUrl: string,
  group: Group,
  inviter: { id: string; name: string },
  email: string
): Promise<void> {
  const token = randomBytes(24).toString('base64url');
  const now = new Date();
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('group_invitations')
      .values({
        id: randomUUID(),
        group_id: group.id,
        email: email.toLowerCase(),
        token_hash: digest(token),
        invited_by: inviter.id,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString()
      })
      .execute();
    await recordAudit(trx, {
      groupId: group.id,
      actorId: inviter.id,
      action: 'member.invited',
      details: { email }
    });
  });
  const invitee = await db.kysely
    .selectFrom('users')
    .select(['name', 'language'])
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  const message: MailMessage = {
    template: 'group-invitation',
    to: email,
    locale: isLocale(invitee?.language) ? invitee.language : 'en',
    params: {
      name: invitee?.name ?? '',
      url: `${baseUrl}/invitations/${token}`,
      groupName: group.name,
      inviterName: inviter.name
    }
  };
  await queue.enqueue(MAIL_QUEUE, message);
}

/**
 * The group an unused, unexpired invitation token leads to. While an admin has hidden the group
 * from the instance the invitation leads nowhere (`invalid`, like an unknown token, since the group
 * is not there for the invitee); it works again once the group is shown, if it has not expired.
 */
export async function findInvitation(
  db: Db,
  token: string
): Promise<{ id: string; groupId: string }> {
  const row = await db.kysely
    .selectFrom('group_invitations as i')
    .innerJoin('groups as g', 'g.id', 'i.group_id')
    .select(['i.id', 'i.group_id', 'i.expires_at', 'i.accepted_at', 'g.hidden_by_admin_at'])
    .where('i.token_hash', '=', digest(token))
    .executeTakeFirst();
  if (!row || row.hidden_by_admin_at !== null) throw new InvitationError('invalid');
  if (row.accepted_at !== null) throw new InvitationError('used');
  if (toDate(row.expires_at) <= new Date()) throw new InvitationError('expired');
  return { id: row.id, groupId: row.group_id };
}

/**
 * Accepts an invitation: the user becomes an active member (a pending request is approved on the
 * way). Banned people stay banned. Single use, atomically.
 */
export async function acceptInvitation(db: Db, token: string, userId: string): Promise<string> {
  const invitation = await findInvitation(db, token);
  await db.kysely.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('group_invitations')
      .set({ accepted_by: userId, accepted_at: new Date().toISOString() })
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) throw new InvitationError('used');
    const existing = await membershipRow(trx, invitation.groupId, userId);
    if (existing?.status === 'banned') throw new MembershipError('banned');
    if (existing?.status === 'active') return;
    const at = new Date().toISOString();
    if (existing) {
      await trx
        .updateTable('memberships')
        .set({ status: 'active', updated_at: at })
        .where('group_id', '=', invitation.groupId)
        .where('user_id', '=', userId)
        .execute();
    } else {
      await trx
        .insertInto('memberships')
        .values({
          group_id: invitation.groupId,
          user_id: userId,
          role: 'member',
          status: 'active',
          created_at: at,
          updated_at: at
        })
        .execute();
    }
    await countMember(trx, invitation.groupId, userId, 1);
    await recordAudit(trx, {
      groupId: invitation.groupId,
      actorId: userId,
      action: 'member.joined-by-invitation',
      subjectUserId: userId
    });
  });
  const group = await db.kysely
    .selectFrom('groups')
    .select('slug')
    .where('id', '=', invitation.groupId)
    .executeTakeFirstOrThrow();
  return group.slug;
}
