import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { dbBool, parseJsonList, toBool, toDate } from '../db/values.ts';
import type { MembershipStatus, Role } from '../domain/group-policy.ts';
import { normalizeTag } from '../domain/tags.ts';
import { isLocale } from '../i18n/i18n.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { MAIL_QUEUE, type MailMessage } from '../jobs/mail-message.ts';
import { recordActivity } from './activity/activity.service.ts';
import { recordAudit } from './audit.service.ts';
import type { Group } from './group.service.ts';
import { isUniqueViolation } from './profile.service.ts';
import { groupRef, personRef } from './activity/activity-refs.ts';

/** Records `member.joined` for `userId` in `groupId` (inside the joining transaction). */
async function recordJoined(
  trx: Kysely<Database>,
  groupId: string,
  userId: string,
  actorId: string
): Promise<void> {
  await recordActivity(trx, {
    kind: 'member.joined',
    groupId,
    actorId,
    subjectType: 'user',
    subjectId: userId,
    payload: { group: await groupRef(trx, groupId), member: await personRef(trx, userId) }
  });
}

/** Why a membership change was refused. */
export type MembershipProblem =
  'alreadyMember' | 'notMember' | 'ownerMustTransfer' | 'notPending' | 'banned' | 'hiddenByAdmin';

export class MembershipError extends Error {
  readonly problem: MembershipProblem;
  constructor(problem: MembershipProblem) {
    super(problem);
    this.name = 'MembershipError';
    this.problem = problem;
  }
}

/** A member as the directory and organizers see them. */
export interface Member {
  userId: string;
  displayName: string;
  handle: string;
  tags: string[];
  city: string | null;
  role: Role;
  status: MembershipStatus;
  answers: string[];
  joinedAt: Date;
}

const now = () => new Date().toISOString();

/**
 * Joins an open group (active at once) or asks to join an approval group (pending, with answers).
 * Returns the new status. A second attempt raises `alreadyMember`; a banned person `banned`.
 */
export async function joinGroup(
  db: Db,
  group: Group,
  userId: string,
  answers: string[]
): Promise<MembershipStatus> {
  const status: MembershipStatus = group.joinPolicy === 'open' ? 'active' : 'pending';
  try {
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('memberships')
        .values({
          group_id: group.id,
          user_id: userId,
          role: 'member',
          status,
          answers: JSON.stringify(answers),
          created_at: now(),
          updated_at: now()
        })
        .execute();
      if (status === 'active') {
        await countMember(trx, group.id, userId, 1);
        await recordJoined(trx, group.id, userId, userId);
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const existing = await membershipOf(db, group.id, userId);
      throw new MembershipError(existing?.status === 'banned' ? 'banned' : 'alreadyMember');
    }
    throw error;
  }
  return status;
}

/** Leaves a group or withdraws a request. The owner must transfer ownership first. */
export async function leaveGroup(db: Db, group: Group, userId: string): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    const row = await membershipRow(trx, group.id, userId);
    if (!row || row.status === 'banned') throw new MembershipError('notMember');
    if (row.role === 'owner') throw new MembershipError('ownerMustTransfer');
    await trx
      .deleteFrom('memberships')
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .execute();
    if (row.status === 'active') {
      await countMember(trx, group.id, userId, -1);
    }
  });
}

export async function membershipOf(
  db: Db,
  groupId: string,
  userId: string
): Promise<{ role: Role; status: MembershipStatus } | undefined> {
  return membershipRow(db.kysely, groupId, userId);
}

/** One membership's role and status (inside a transaction or not). */
export async function membershipRow(
  k: Kysely<Database>,
  groupId: string,
  userId: string
): Promise<{ role: Role; status: MembershipStatus } | undefined> {
  const row = await k
    .selectFrom('memberships')
    .select(['role', 'status'])
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { role: row.role as Role, status: row.status as MembershipStatus } : undefined;
}

/**
 * Keeps groups.member_count in step with active memberships and logs the change, from which the
 * health dashboard draws members over time (call inside the same transaction).
 */
export async function countMember(
  k: Kysely<Database>,
  groupId: string,
  userId: string,
  delta: 1 | -1,
  at: Date = new Date()
): Promise<void> {
  await k
    .updateTable('groups')
    .set({ member_count: sql`member_count + ${delta}` })
    .where('id', '=', groupId)
    .execute();
  await logMembershipChange(k, groupId, userId, delta, at);
}

/** Logs one change to a group's active membership (+1 joined, -1 left, removed or banned). */
export async function logMembershipChange(
  k: Kysely<Database>,
  groupId: string,
  userId: string,
  delta: 1 | -1,
  at: Date = new Date()
): Promise<void> {
  await k
    .insertInto('membership_log')
    .values({
      id: randomUUID(),
      group_id: groupId,
      user_id: userId,
      delta,
      created_at: at.toISOString()
    })
    .execute();
}

/**
 * Approves or declines a pending request; both are audited. Nobody is let in while an admin has
 * hidden the group from the instance (`hiddenByAdmin`); declining still works.
 */
export async function decideRequest(
  db: Db,
  group: Group,
  actorId: string,
  userId: string,
  approve: boolean
): Promise<void> {
  if (approve && group.hiddenByAdmin) throw new MembershipError('hiddenByAdmin');
  await db.kysely.transaction().execute(async (trx) => {
    const row = await membershipRow(trx, group.id, userId);
    if (row?.status !== 'pending') throw new MembershipError('notPending');
    if (approve) {
      await trx
        .updateTable('memberships')
        .set({ status: 'active', updated_at: now() })
        .where('group_id', '=', group.id)
        .where('user_id', '=', userId)
        .execute();
      await countMember(trx, group.id, userId, 1);
      await recordJoined(trx, group.id, userId, actorId);
    } else {
      await trx
        .deleteFrom('memberships')
        .where('group_id', '=', group.id)
        .where('user_id', '=', userId)
        .execute();
    }
    await recordAudit(trx, {
      groupId: group.id,
      actorId,
      action: approve ? 'member.approved' : 'member.declined',
      subjectUserId: userId
    });
  });
}

/** Changes an active member's role (never to or from owner: that is a transfer). */
export async function setRole(
  db: Db,
  group: Group,
  actorId: string,
  userId: string,
  role: Role
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    const row = await membershipRow(trx, group.id, userId);
    if (row?.status !== 'active') throw new MembershipError('notMember');
    await trx
      .updateTable('memberships')
      .set({ role, updated_at: now() })
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(trx, {
      groupId: group.id,
      actorId,
      action: 'member.role-changed',
      subjectUserId: userId,
      details: { from: row.role, to: role }
    });
  });
}

/** Removes a member (they may join again) or bans them (they may not, and lose sight of private content). */
export async function removeMember(
  db: Db,
  group: Group,
  actorId: string,
  userId: string,
  ban: boolean
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    const row = await membershipRow(trx, group.id, userId);
    if (row?.role === 'owner') throw new MembershipError('ownerMustTransfer');
    if (!ban && (!row || row.status === 'banned')) throw new MembershipError('notMember');
    if (ban && !row) {
      // Banning someone who never joined: they must at least exist.
      const user = await trx
        .selectFrom('users')
        .select('id')
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user) throw new MembershipError('notMember');
    }
    if (ban) {
      await trx
        .insertInto('memberships')
        .values({
          group_id: group.id,
          user_id: userId,
          role: 'member',
          status: 'banned',
          created_at: now(),
          updated_at: now()
        })
        .onConflict((oc) =>
          oc
            .columns(['group_id', 'user_id'])
            .doUpdateSet({ role: 'member', status: 'banned', updated_at: now() })
        )
        .execute();
    } else {
      await trx
        .deleteFrom('memberships')
        .where('group_id', '=', group.id)
        .where('user_id', '=', userId)
        .execute();
    }
    if (row?.status === 'active') {
      await countMember(trx, group.id, userId, -1);
    }
    await recordAudit(trx, {
      groupId: group.id,
      actorId,
      action: ban ? 'member.banned' : 'member.removed',
      subjectUserId: userId,
      details: row ? { role: row.role, status: row.status } : {}
    });
  });
}

/** Makes an active member the owner; the previous owner becomes an organizer. A group keeps exactly one owner. */
export async function transferOwnership(
  db: Db,
  group: Group,
  actorId: string,
  userId: string
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    const target = await membershipRow(trx, group.id, userId);
    if (target?.status !== 'active') throw new MembershipError('notMember');
    await trx
      .updateTable('memberships')
      .set({ role: 'organizer', updated_at: now() })
      .where('group_id', '=', group.id)
      .where('role', '=', 'owner')
      .execute();
    await trx
      .updateTable('memberships')
      .set({ role: 'owner', updated_at: now() })
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(trx, {
      groupId: group.id,
      actorId,
      action: 'group.ownership-transferred',
      subjectUserId: userId
    });
  });
}

/**
 * The member directory: active members matching a name and/or an interest tag. Members who hid
 * themselves are left out unless `includeHidden` (organizers).
 */
export async function listMembers(
  db: Db,
  groupId: string,
  options: {
    status: MembershipStatus;
    /** Only these roles (e.g. the organizers). */
    roles?: Role[];
    q?: string | undefined;
    tag?: string | undefined;
    includeHidden: boolean;
    limit?: number;
  }
): Promise<Member[]> {
  let query = db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.name',
      'u.handle',
      'u.tags',
      'u.city',
      'm.role',
      'm.status',
      'm.answers',
      'm.hidden_in_directory',
      'm.created_at'
    ])
    .where('m.group_id', '=', groupId)
    .where('m.status', '=', options.status);
  if (options.roles) query = query.where('m.role', 'in', options.roles);
  if (!options.includeHidden)
    query = query.where('m.hidden_in_directory', '=', db.dialect === 'sqlite' ? 0 : false);
  if (options.q) {
    const pattern = `%${options.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['u.name']), 'like', sql<string>`${pattern} escape '\\'`),
        eb(eb.fn('lower', ['u.handle']), 'like', sql<string>`${pattern} escape '\\'`)
      ])
    );
  }
  const rows = await query
    .orderBy('u.name')
    .orderBy('u.id')
    .limit(options.limit ?? 500)
    .execute();
  const tag = options.tag ? normalizeTag(options.tag) : undefined;
  return rows
    .map((r) => ({
      userId: r.id,
      displayName: r.name,
      handle: r.handle,
      tags: parseJsonList(r.tags),
      city: r.city,
      role: r.role as Role,
      status: r.status as MembershipStatus,
      answers: parseJsonList(r.answers),
      hidden: toBool(r.hidden_in_directory),
      joinedAt: toDate(r.created_at)
    }))
    .filter((m) => !tag || m.tags.includes(tag))
    .map(({ hidden: _hidden, ...member }) => member);
}

/** Shows or hides the user in a group's member directory. */
/** Which meeting mails a member wants from a group. */
export const MEETING_MAIL_CHOICES = ['all', 'going', 'none'] as const;
export type MeetingMailChoice = (typeof MEETING_MAIL_CHOICES)[number];

/** A member's own settings in a group. */
export interface MemberSettings {
  hiddenInDirectory: boolean;
  meetingMail: MeetingMailChoice;
}

export async function memberSettings(
  db: Db,
  groupId: string,
  userId: string
): Promise<MemberSettings | null> {
  const row = await db.kysely
    .selectFrom('memberships')
    .select(['hidden_in_directory', 'meeting_mail'])
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .where('status', '!=', 'banned')
    .executeTakeFirst();
  return row
    ? {
        hiddenInDirectory: toBool(row.hidden_in_directory),
        meetingMail: row.meeting_mail as MeetingMailChoice
      }
    : null;
}

/**
 * Changes a member's own settings: leaving themselves out of the member directory, and which
 * meeting mails they get (every new meeting, only those they answered, or none).
 */
export async function updateMemberSettings(
  db: Db,
  groupId: string,
  userId: string,
  settings: Partial<MemberSettings>
): Promise<void> {
  const result = await db.kysely
    .updateTable('memberships')
    .set({
      ...(settings.hiddenInDirectory !== undefined && {
        hidden_in_directory: dbBool(db, settings.hiddenInDirectory)
      }),
      ...(settings.meetingMail !== undefined && { meeting_mail: settings.meetingMail }),
      updated_at: now()
    })
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .where('status', '!=', 'banned')
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new MembershipError('notMember');
}

/** Mails the group's owner and organizers that someone asked to join (in each one's language). */
export async function notifyJoinRequest(
  db: Db,
  queue: JobQueue,
  baseUrl: string,
  group: Group,
  applicantId: string
): Promise<void> {
  const applicant = await db.kysely
    .selectFrom('users')
    .select('name')
    .where('id', '=', applicantId)
    .executeTakeFirst();
  const staff = await db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.email', 'u.name', 'u.language'])
    .where('m.group_id', '=', group.id)
    .where('m.status', '=', 'active')
    .where('m.role', 'in', ['owner', 'organizer'])
    .execute();
  for (const person of staff) {
    const message: MailMessage = {
      template: 'join-request',
      to: person.email,
      locale: isLocale(person.language) ? person.language : 'en',
      params: {
        name: person.name,
        url: `${baseUrl}/groups/${group.slug}/requests`,
        groupName: group.name,
        applicantName: applicant?.name ?? ''
      }
    };
    await queue.enqueue(MAIL_QUEUE, message);
  }
}
