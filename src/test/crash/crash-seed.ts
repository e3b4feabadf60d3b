// What the crash harness writes to: one public group with `writers` active members (each with a
// write token), a published meeting with few seats (so a waitlist forms) and guests allowed, an
// open voting round over a few topics with a live tally, and the group's board.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { createMeeting } from '../../services/event.service.ts';
import { createGroup } from '../../services/group.service.ts';
import { createToken } from '../../services/token.service.ts';
import { openRound } from '../../services/voting/round.service.ts';
import { insertUser } from '../factories.ts';
import { RecordingQueue } from '../recording-queue.ts';

/** The ids and rules the writers and the checks need. */
export interface CrashScenario {
  groupId: string;
  groupSlug: string;
  eventId: string;
  capacity: number;
  guestLimit: number;
  roundId: string;
  topicIds: string[];
  votesPerMember: number;
  votesPerTopic: number;
  /** One per concurrent writer: a member and the secret of their write token. */
  members: { id: string; token: string }[];
}

const DAY = 86_400_000;

/**
 * Inserts the scenario through the app's own services (factories only for the users). Seats are
 * a third of the members, at least 3, so the meeting fills and people wait.
 *
 * @example
 * const scenario = await seedCrashScenario(db, { writers: 12 });
 */
export async function seedCrashScenario(
  db: Db,
  options: { writers: number; topics?: number }
): Promise<CrashScenario> {
  const suffix = randomUUID().slice(0, 8);
  const ownerId = await insertUser(db, `crash-owner-${suffix}`, { name: 'Crash Owner' });
  const groupSlug = `crash-${suffix}`;
  const group = await createGroup(db, ownerId, {
    slug: groupSlug,
    name: 'Crash Harness',
    kind: 'practice',
    timeZone: 'Europe/Berlin',
    visibility: 'public',
    joinPolicy: 'open'
  });
  const votesPerMember = 5;
  const votesPerTopic = 3;
  await db.kysely
    .updateTable('groups')
    .set({
      tally_visibility: 'live',
      votes_per_member: votesPerMember,
      votes_per_topic: votesPerTopic,
      member_count: 1 + options.writers
    })
    .where('id', '=', group.id)
    .execute();

  const members: CrashScenario['members'] = [];
  const at = new Date().toISOString();
  for (let i = 0; i < options.writers; i++) {
    const id = await insertUser(db, `crash-member-${suffix}-${i}`, { name: `Member ${i}` });
    await db.kysely
      .insertInto('memberships')
      .values({
        group_id: group.id,
        user_id: id,
        role: 'member',
        status: 'active',
        created_at: at,
        updated_at: at
      })
      .execute();
    const { secret } = await createToken(db, id, { name: 'crash harness', scope: 'write' });
    members.push({ id, token: secret });
  }

  const capacity = Math.max(3, Math.floor(options.writers / 3));
  const guestLimit = 2;
  const startsAt = new Date(Date.now() + 14 * DAY);
  const meeting = await createMeeting(db, new RecordingQueue(), group.id, ownerId, {
    title: 'Crash-safe seats',
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
    timeZone: 'Europe/Berlin',
    capacity,
    guestLimit,
    publish: true
  });

  const topicIds: string[] = [];
  for (let i = 0; i < (options.topics ?? 4); i++) {
    const id = randomUUID();
    const created = new Date(Date.now() - (10 - i) * 60_000).toISOString();
    await db.kysely
      .insertInto('topics')
      .values({
        id,
        group_id: group.id,
        title: `Crash topic ${i + 1}`,
        wants: 'explain',
        status: 'open',
        proposed_by: ownerId,
        created_at: created,
        updated_at: created
      })
      .execute();
    topicIds.push(id);
  }
  const round = await openRound(db, {
    groupId: group.id,
    eventId: meeting.id,
    closesAt: new Date(startsAt.getTime() - DAY),
    openedBy: ownerId
  });

  return {
    groupId: group.id,
    groupSlug,
    eventId: meeting.id,
    capacity,
    guestLimit,
    roundId: round.id,
    topicIds,
    votesPerMember,
    votesPerTopic,
    members
  };
}
