// Deleting an account: the person leaves every group and meeting (freed seats go to the waitlist),
// their sessions, tokens, memberships, answers and votes go, and what they wrote is either kept
// without their name or removed — their choice. Counters that others see (members, seats, comment
// counts) stay in step with the rows that remain.
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { isLocale } from '../../i18n/i18n.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { MAIL_QUEUE, type MailMessage } from '../../jobs/mail-message.ts';
import { recordAudit } from '../audit.service.ts';
import { countMember } from '../membership.service.ts';
import { giveUpSeats } from '../rsvp.service.ts';
import { type ContentChoice, scrubRoomLogs } from './room-log-scrub.ts';

export type { ContentChoice } from './room-log-scrub.ts';

/** Why an account cannot be deleted yet. */
export type AccountDeletionBlock = 'ownsGroups' | 'lastAdmin';

export class AccountDeletionError extends Error {
  readonly code: AccountDeletionBlock | 'notFound';
  /** With `ownsGroups`: the groups to hand over first. */
  readonly groups: { slug: string; name: string }[];

  constructor(
    code: AccountDeletionBlock | 'notFound',
    groups: { slug: string; name: string }[] = []
  ) {
    super(code);
    this.name = 'AccountDeletionError';
    this.code = code;
    this.groups = groups;
  }
}

/** What stands in the way of deleting an account: groups it owns, or being the only admin. */
export async function deletionBlockers(
  k: Kysely<Database>,
  userId: string
): Promise<{ ownedGroups: { slug: string; name: string }[]; lastAdmin: boolean }> {
  const ownedGroups = await k
    .selectFrom('memberships as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['g.slug', 'g.name'])
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'owner')
    .orderBy('g.name')
    .execute();
  const admins = await k
    .selectFrom('users')
    .select(['id'])
    .where('is_admin', '=', sql<boolean>`true`)
    .limit(2)
    .execute();
  const lastAdmin = admins.length === 1 && admins[0]?.id === userId;
  return { ownedGroups, lastAdmin };
}

async function assertDeletable(k: Kysely<Database>, userId: string): Promise<void> {
  const { ownedGroups, lastAdmin } = await deletionBlockers(k, userId);
  if (ownedGroups.length > 0) throw new AccountDeletionError('ownsGroups', ownedGroups);
  if (lastAdmin) throw new AccountDeletionError('lastAdmin');
}

/**
 * Deletes `userId`'s account. First their places in meetings to come are given up as if they had
 * answered "not going" (each freed seat goes to the front of the waitlist, who are told); then, in
 * one transaction, everything else: memberships (member counts drop), remaining answers (seat
 * counts drop), their content as `content` says, their name wherever it was copied (room logs,
 * notifications, the audit log), and the account with its sessions and tokens. A confirmation is
 * mailed to the address the account had.
 *
 * Refused with `ownsGroups` while they own a group (ownership must be handed over first) and
 * `lastAdmin` while they are the instance's only admin; nothing is changed then. `actorId`: the
 * admin who deleted it, for the audit log (none when people delete their own).
 */
export async function deleteAccount(
  db: Db,
  queue: JobQueue,
  userId: string,
  content: ContentChoice,
  options: { actorId?: string | null; now?: Date } = {}
): Promise<void> {
  const now = options.now ?? new Date();
  await assertDeletable(db.kysely, userId);
  // Seats to come go to the waitlist as if they had answered "not going"; the rows of meetings
  // whose RSVPs are closed go with the account below.
  await giveUpSeats(db, queue, userId, { now });
  const user = await writeTransaction(db, async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'name', 'email', 'handle', 'language'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw new AccountDeletionError('notFound');
    await assertDeletable(trx, userId);
    await leaveGroups(trx, userId, now);
    await releaseAnswers(trx, userId);
    if (content === 'remove') await removeContent(trx, userId, now);
    const speakers = await settleSpeakerProfiles(trx, userId, content);
    await scrubRoomLogs(trx, userId, content, speakers);
    await forgetName(trx, user);
    await recordAudit(trx, {
      groupId: null,
      actorId: options.actorId ?? null,
      action: 'account.deleted',
      details: { content }
    });
    await trx.deleteFrom('users').where('id', '=', userId).execute();
    return user;
  });
  const message: MailMessage = {
    template: 'account-deleted',
    to: user.email,
    locale: isLocale(user.language) ? user.language : 'en',
    params: { name: user.name }
  };
  await queue.enqueue(MAIL_QUEUE, message);
}

/** Every active membership counts one member less (the rows go with the account). */
async function leaveGroups(trx: Kysely<Database>, userId: string, now: Date): Promise<void> {
  const active = await trx
    .selectFrom('memberships')
    .select('group_id')
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .execute();
  for (const { group_id } of active) await countMember(trx, group_id, userId, -1, now);
}

/** Seat and waitlist counts of the meetings they still hold answers in drop with the rows. */
async function releaseAnswers(trx: Kysely<Database>, userId: string): Promise<void> {
  const held = await trx
    .selectFrom('rsvps')
    .select(['event_id', 'status', 'guests'])
    .where('user_id', '=', userId)
    .where('status', 'in', ['going', 'waitlisted'])
    .execute();
  for (const r of held) {
    const going = r.status === 'going';
    await trx
      .updateTable('events')
      .set({
        going_seats: sql`going_seats - ${going ? 1 + r.guests : 0}`,
        waitlist_count: sql`waitlist_count - ${going ? 0 : 1}`
      })
      .where('id', '=', r.event_id)
      .execute();
  }
  const upvoted = await trx
    .selectFrom('question_votes')
    .select('question_id')
    .where('user_id', '=', userId)
    .execute();
  for (const { question_id } of upvoted) {
    await trx
      .updateTable('questions')
      .set({ upvotes: sql`upvotes - 1` })
      .where('id', '=', question_id)
      .execute();
  }
}

/**
 * Takes out what they wrote. Posts and board comments become removed and empty (replies by others
 * stay, as when a moderator removes one); topic comments go; topics and talk proposals that are
 * not on an agenda go; questions go (the room log keeps hidden, empty entries).
 */
async function removeContent(trx: Kysely<Database>, userId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await trx
    .updateTable('posts')
    .set({
      status: 'removed',
      title: '',
      body: '',
      link_url: null,
      link_title: null,
      pinned_at: null,
      updated_at: at
    })
    .where('author_id', '=', userId)
    .execute();
  const comments = await trx
    .selectFrom('post_comments')
    .select(['id', 'post_id', 'status'])
    .where('author_id', '=', userId)
    .execute();
  for (const c of comments) {
    await trx
      .updateTable('post_comments')
      .set({ status: 'removed', body: '', updated_at: at })
      .where('id', '=', c.id)
      .execute();
    if (c.status !== 'removed') {
      await trx
        .updateTable('posts')
        .set({ comment_count: sql`comment_count - 1` })
        .where('id', '=', c.post_id)
        .execute();
    }
  }
  const topicComments = await trx
    .selectFrom('topic_comments')
    .select(['id', 'topic_id'])
    .where('author_id', '=', userId)
    .execute();
  for (const c of topicComments) {
    await trx.deleteFrom('topic_comments').where('id', '=', c.id).execute();
    await trx
      .updateTable('topics')
      .set({ comment_count: sql`comment_count - 1` })
      .where('id', '=', c.topic_id)
      .execute();
  }
  await trx
    .deleteFrom('topics')
    .where('proposed_by', '=', userId)
    .where('status', 'in', ['open', 'withdrawn'])
    .execute();
  await trx
    .deleteFrom('talks')
    .where('submitted_by', '=', userId)
    .where('status', '!=', 'accepted')
    .execute();
  await trx.deleteFrom('questions').where('author_id', '=', userId).execute();
  await trx.deleteFrom('kudos').where('from_user_id', '=', userId).execute();
}

/**
 * Their speaker profiles lose the name, bio and contact. With `remove`, their talks that are not
 * on an agenda go, and a profile left without talks goes too. Returns the profiles removed and kept.
 */
async function settleSpeakerProfiles(
  trx: Kysely<Database>,
  userId: string,
  content: ContentChoice
): Promise<{ removed: Set<string>; kept: Set<string> }> {
  const ids = (
    await trx.selectFrom('speakers').select('id').where('user_id', '=', userId).execute()
  ).map((s) => s.id);
  const removed = new Set<string>();
  const kept = new Set<string>();
  for (const id of ids) {
    if (content === 'remove') {
      await trx
        .deleteFrom('talks')
        .where('speaker_id', '=', id)
        .where('status', '!=', 'accepted')
        .execute();
      const left = await trx
        .selectFrom('talks')
        .select('id')
        .where('speaker_id', '=', id)
        .executeTakeFirst();
      if (!left) {
        await trx.deleteFrom('speakers').where('id', '=', id).execute();
        removed.add(id);
        continue;
      }
    }
    await trx
      .updateTable('speakers')
      .set({ name: '', bio: '', company: null, contact: null })
      .where('id', '=', id)
      .execute();
    kept.add(id);
  }
  return { removed, kept };
}

/**
 * Takes their name out of where it was copied: what others were told about them (activities and
 * notifications they caused), invitations to their address, pending sign-in tokens, and the
 * values of audit entries that named them.
 */
async function forgetName(
  trx: Kysely<Database>,
  user: { id: string; name: string; email: string; handle: string }
): Promise<void> {
  await trx.deleteFrom('notifications').where('actor_id', '=', user.id).execute();
  await trx.deleteFrom('activities').where('actor_id', '=', user.id).execute();
  await trx.deleteFrom('group_invitations').where('email', '=', user.email).execute();
  await trx
    .deleteFrom('verifications')
    .where((eb) =>
      eb.or([
        eb('identifier', '=', user.email),
        eb('value', 'like', `%${user.id}%`),
        eb('value', 'like', `%${user.email}%`)
      ])
    )
    .execute();
  const named = [user.name, user.email, user.handle].filter((s) => s.length > 0);
  const entries = await trx
    .selectFrom('audit_entries')
    .select(['id', 'details'])
    .where((eb) => eb.or(named.map((s) => eb('details', 'like', `%${s}%`))))
    .execute();
  const lower = new Set(named.map((s) => s.toLowerCase()));
  for (const entry of entries) {
    const details = JSON.parse(entry.details) as Record<string, unknown>;
    let changed = false;
    for (const [key, value] of Object.entries(details)) {
      if (typeof value === 'string' && lower.has(value.toLowerCase())) {
        details[key] = '';
        changed = true;
      }
    }
    if (changed) {
      await trx
        .updateTable('audit_entries')
        .set({ details: JSON.stringify(details) })
        .where('id', '=', entry.id)
        .execute();
    }
  }
}
