import { randomUUID } from 'node:crypto';
import { groupRef, meetingRef } from '../activity/activity-refs.ts';
import { recordActivity } from '../activity/activity.service.ts';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, VotingRoundsTable } from '../../db/schema.ts';
import { parseJsonList, toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import type { Ballot } from '../../domain/voting.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import { recordAudit } from '../audit.service.ts';

import { findMeeting } from '../event.service.ts';

import { DEFAULT_VOTING_CLOSES_HOURS } from '../series.service.ts';
import type { CreatedCursor } from '../created-cursor.ts';

/** Whether everyone sees the running tally, or only the totals until the round closes. */
export type TallyVisibility = 'live' | 'hidden';
export type RoundStatus = 'open' | 'closed';

/** A dot-voting round for one meeting, with the rules it opened with. */
export interface VotingRound {
  id: string;
  groupId: string;
  eventId: string;
  status: RoundStatus;
  opensAt: Date;
  closesAt: Date;
  rules: { votesPerMember: number; votesPerTopic: number; agendaTopics: number };
  tallyVisibility: TallyVisibility;
  /** Picked topic ids in agenda order (empty while open). */
  picked: string[];
  override: { reason: string; byId: string | null; at: Date } | null;
  /** Who opened it; null when its series opened it. */
  openedBy: string | null;
  closedAt: Date | null;
  createdAt: Date;
}

/** Why a round or vote action was refused. */
export type VoteProblem =
  | 'roundNotFound'
  | 'topicNotFound'
  | 'notMember'
  | 'roundClosed'
  | 'overBudget'
  | 'overTopicCap'
  | 'negative'
  | 'eventInvalid'
  | 'closesAtPast'
  | 'closesAtAfterStart'
  | 'roundExists'
  | 'roundOpen'
  | 'roundNotClosed'
  | 'topicsInvalid';

/** The input field a problem is about, if any. */
const PROBLEM_FIELD: Partial<Record<VoteProblem, string>> = {
  overBudget: 'count',
  overTopicCap: 'count',
  negative: 'count',
  eventInvalid: 'eventId',
  closesAtPast: 'closesAt',
  closesAtAfterStart: 'closesAt',
  topicsInvalid: 'topicIds'
};

/**
 * A refused voting action. `problem` names it; `field` is the input field it is about (for a
 * per-field message), when it is about one.
 *
 * @example
 * try { await setVote(db, realtime, { roundId, topicId, userId, count: 9 }); }
 * catch (e) { if (e instanceof VoteError && e.problem === 'overBudget') … }
 */
export class VoteError extends Error {
  readonly problem: VoteProblem;
  readonly field: string | undefined;
  constructor(problem: VoteProblem) {
    super(problem);
    this.name = 'VoteError';
    this.problem = problem;
    this.field = PROBLEM_FIELD[problem];
  }
}

/** The realtime channel a round's changes are announced on. */
export function roundChannel(roundId: string): string {
  return `round:${roundId}`;
}

/**
 * Tells everyone watching the round that it changed (after the change is committed). A failed
 * announcement never undoes the change: watchers catch up with the next one.
 */
export async function publishRound(realtime: Realtime, roundId: string): Promise<void> {
  try {
    await realtime.publish(roundChannel(roundId), roundId);
  } catch {
    // The change is committed; live views catch up on the next message.
  }
}

export function presentRound(row: Selectable<VotingRoundsTable>): VotingRound {
  return {
    id: row.id,
    groupId: row.group_id,
    eventId: row.event_id,
    status: row.status === 'closed' ? 'closed' : 'open',
    opensAt: toDate(row.opens_at),
    closesAt: toDate(row.closes_at),
    rules: {
      votesPerMember: row.votes_per_member,
      votesPerTopic: row.votes_per_topic,
      agendaTopics: row.agenda_topics
    },
    tallyVisibility: row.tally_visibility === 'hidden' ? 'hidden' : 'live',
    picked: parseJsonList(row.picked),
    override:
      row.override_reason !== null && row.overridden_at !== null
        ? { reason: row.override_reason, byId: row.overridden_by, at: toDate(row.overridden_at) }
        : null,
    openedBy: row.opened_by,
    closedAt: row.closed_at === null ? null : toDate(row.closed_at),
    createdAt: toDate(row.created_at)
  };
}

/** Whether votes are taken in the round at `now` (open and not yet due to close). */
export function acceptsVotes(round: Pick<VotingRound, 'status' | 'closesAt'>, now = new Date()) {
  return round.status === 'open' && round.closesAt.getTime() > now.getTime();
}

export async function findRound(
  db: Db | Kysely<Database>,
  id: string
): Promise<VotingRound | null> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const row = await kysely
    .selectFrom('voting_rounds')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? presentRound(row) : null;
}

/**
 * Reads a round inside a write transaction and locks it (FOR UPDATE on PostgreSQL; SQLite's
 * BEGIN IMMEDIATE already holds the write lock): votes, closing and overriding one round happen
 * one after the other.
 */
export async function lockRound(
  trx: Kysely<Database>,
  db: Db,
  id: string
): Promise<VotingRound | null> {
  let query = trx.selectFrom('voting_rounds').selectAll().where('id', '=', id);
  if (db.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? presentRound(row) : null;
}

/** The group's open round (there is at most one), or null. */
export async function currentRound(db: Db, groupId: string): Promise<VotingRound | null> {
  const row = await db.kysely
    .selectFrom('voting_rounds')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('status', '=', 'open')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? presentRound(row) : null;
}

/** The round of a meeting, if it has one. */
export async function roundOfMeeting(db: Db, eventId: string): Promise<VotingRound | null> {
  const row = await db.kysely
    .selectFrom('voting_rounds')
    .selectAll()
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row ? presentRound(row) : null;
}

/** A group's rounds, newest first, `limit` per page. */
export async function listRounds(
  db: Db,
  groupId: string,
  options: { cursor?: CreatedCursor | undefined; limit: number }
): Promise<{ items: VotingRound[]; next: CreatedCursor | null }> {
  let query = db.kysely.selectFrom('voting_rounds').selectAll().where('group_id', '=', groupId);
  const after = options.cursor;
  if (after) {
    const at = after.createdAt.toISOString();
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', at),
        eb.and([eb('created_at', '=', at), eb('id', '<', after.id)])
      ])
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map(presentRound);
  const last = items.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/**
 * The round's ballots and the topics standing in it: the topics with votes or picked, plus (with
 * `withOpenTopics`) the group's open topics.
 */
export async function roundCandidates(
  kysely: Kysely<Database>,
  round: VotingRound,
  withOpenTopics: boolean
): Promise<{ candidates: { id: string; title: string; proposedAt: Date }[]; ballots: Ballot[] }> {
  const votes = await kysely
    .selectFrom('votes')
    .select(['topic_id', 'user_id', 'count'])
    .where('round_id', '=', round.id)
    .where('count', '>', 0)
    .execute();
  const ballots = votes.map((v) => ({ topicId: v.topic_id, userId: v.user_id, count: v.count }));
  const ids = [...new Set([...ballots.map((b) => b.topicId), ...round.picked])];
  let query = kysely
    .selectFrom('topics')
    .select(['id', 'title', 'created_at'])
    .where('group_id', '=', round.groupId);
  query = query.where((eb) => {
    const either = [eb('id', 'in', [...ids, ''])];
    if (withOpenTopics) either.push(eb('status', '=', 'open'));
    return eb.or(either);
  });
  const topics = await query.execute();
  return {
    candidates: topics.map((t) => ({ id: t.id, title: t.title, proposedAt: toDate(t.created_at) })),
    ballots
  };
}

export const HOUR = 3600_000;

/**
 * Opens a round for a published, future meeting of the group, with the group's voting settings
 * as its rules. `closesAt` defaults to the meeting's series' `votingClosesHours` (else 24 hours)
 * before the start — or the start itself when that time has passed. One round per meeting
 * (`roundExists`) and one open round per group (`roundOpen`); the group row is locked so two
 * organizers opening at once cannot both succeed. Audited.
 */
export async function openRound(
  db: Db,
  input: { groupId: string; eventId: string; closesAt?: Date | undefined; openedBy: string | null },
  now = new Date()
): Promise<VotingRound> {
  const id = randomUUID();
  await writeTransaction(db, async (trx) => {
    let groupQuery = trx
      .selectFrom('groups')
      .select(['id', 'votes_per_member', 'votes_per_topic', 'agenda_topics', 'tally_visibility'])
      .where('id', '=', input.groupId);
    if (db.dialect === 'postgres') groupQuery = groupQuery.forUpdate();
    const group = await groupQuery.executeTakeFirst();
    if (!group) throw new VoteError('eventInvalid');
    const meeting = await findMeeting(trx, input.eventId);
    if (
      !meeting ||
      meeting.groupId !== input.groupId ||
      meeting.status !== 'published' ||
      meeting.startsAt.getTime() <= now.getTime()
    ) {
      throw new VoteError('eventInvalid');
    }
    let closesAt = input.closesAt;
    if (!closesAt) {
      let hours = DEFAULT_VOTING_CLOSES_HOURS;
      if (meeting.seriesId) {
        const series = await trx
          .selectFrom('series')
          .select('voting_closes_hours')
          .where('id', '=', meeting.seriesId)
          .executeTakeFirst();
        if (series) hours = series.voting_closes_hours;
      }
      const before = new Date(meeting.startsAt.getTime() - hours * HOUR);
      closesAt = before.getTime() > now.getTime() ? before : meeting.startsAt;
    }
    if (closesAt.getTime() <= now.getTime()) throw new VoteError('closesAtPast');
    if (closesAt.getTime() > meeting.startsAt.getTime()) {
      throw new VoteError('closesAtAfterStart');
    }
    const existing = await trx
      .selectFrom('voting_rounds')
      .select(['event_id', 'status'])
      .where((eb) =>
        eb.or([
          eb('event_id', '=', meeting.id),
          eb.and([eb('group_id', '=', input.groupId), eb('status', '=', 'open')])
        ])
      )
      .execute();
    if (existing.some((r) => r.event_id === meeting.id)) throw new VoteError('roundExists');
    if (existing.length > 0) throw new VoteError('roundOpen');
    const at = now.toISOString();
    await trx
      .insertInto('voting_rounds')
      .values({
        id,
        group_id: input.groupId,
        event_id: meeting.id,
        status: 'open',
        opens_at: at,
        closes_at: closesAt.toISOString(),
        votes_per_member: group.votes_per_member,
        votes_per_topic: group.votes_per_topic,
        agenda_topics: group.agenda_topics,
        tally_visibility: group.tally_visibility === 'hidden' ? 'hidden' : 'live',
        picked: '[]',
        opened_by: input.openedBy,
        created_at: at
      })
      .execute();
    await recordAudit(trx, {
      groupId: input.groupId,
      actorId: input.openedBy,
      action: 'round.opened',
      details: { roundId: id, eventId: meeting.id, closesAt: closesAt.toISOString() }
    });
    // Members hear of it (notifications, digests) from the activity sweep.
    const groupRefs = await groupRef(trx, input.groupId);
    await recordActivity(
      trx,
      {
        kind: 'round.opened',
        groupId: input.groupId,
        actorId: input.openedBy,
        subjectType: 'voting_round',
        subjectId: id,
        payload: {
          group: groupRefs,
          roundId: id,
          meeting: meetingRef(meeting, groupRefs.slug),
          closesAt: closesAt.toISOString()
        }
      },
      now
    );
  });
  const round = await findRound(db, id);
  if (!round) throw new Error('round vanished after opening');
  return round;
}
