import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { readSnapshot } from '../../db/read-snapshot.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { checkVote, closeRound, type Ranked } from '../../domain/voting.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import {
  acceptsVotes,
  findRound,
  lockRound,
  publishRound,
  roundCandidates,
  type RoundStatus,
  VoteError,
  type VotingRound
} from './round.service.ts';

export { currentRound, VoteError, type VoteProblem } from './round.service.ts';

/** A topic's result in a round. */
export interface Standing extends Ranked {
  title: string;
}

/**
 * The round's ranking by the stated rule (votes, then the earlier proposal, then id), whatever
 * the tally's visibility — for the server's eyes; callers decide what to show. While open, the
 * candidates are the group's open topics plus any topic with votes, and `picked` says what
 * closing now would pick; once closed, they are the topics that got votes or were picked, and
 * `picked` is the round's pick (an override included).
 */
export async function roundStandings(
  db: Db | Kysely<Database>,
  round: VotingRound
): Promise<Standing[]> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const { candidates, ballots } = await roundCandidates(kysely, round, round.status === 'open');
  const totals = closeRound(candidates, ballots, round.rules.agendaTopics);
  const titles = new Map(candidates.map((c) => [c.id, c.title]));
  if (round.status === 'open') {
    return totals.ranking.map((r) => ({ ...r, title: titles.get(r.id) ?? '' }));
  }
  const picked = new Set(round.picked);
  return totals.ranking.map((r) => ({
    ...r,
    picked: picked.has(r.id),
    title: titles.get(r.id) ?? ''
  }));
}

/** How many members have at least one dot in the round. */
export async function voterCount(db: Db | Kysely<Database>, roundId: string): Promise<number> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const row = await kysely
    .selectFrom('votes')
    .select((eb) => eb.fn.count<number | string>('user_id').distinct().as('n'))
    .where('round_id', '=', roundId)
    .where('count', '>', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One topic's line in a tally as everyone may see it. */
export interface TallyEntry {
  topicId: string;
  title: string;
  votes: number;
  rank: number;
  picked: boolean;
}

/**
 * What everyone watching a round may see: its state, how many voted, and the ranking — unless the
 * tally is hidden while the round is open (then `tally` is null).
 */
export interface RoundTally {
  roundId: string;
  status: RoundStatus;
  closed: boolean;
  voters: number;
  tally: TallyEntry[] | null;
}

/** Whether the ranking of `round` may be shown now. */
export function tallyShown(round: Pick<VotingRound, 'status' | 'tallyVisibility'>): boolean {
  return round.status === 'closed' || round.tallyVisibility === 'live';
}

/** The public tally of a round (see `RoundTally`), or null when there is no such round. */
export async function roundTally(db: Db, roundId: string): Promise<RoundTally | null> {
  const round = await findRound(db, roundId);
  if (!round) return null;
  return tallyOf(db, round);
}

/** The public tally of a loaded round. */
export async function tallyOf(db: Db, round: VotingRound): Promise<RoundTally> {
  const shown = tallyShown(round);
  // One snapshot for the count and the ranking, so a vote committed between the two reads
  // never shows in one and not the other.
  return readSnapshot(db, async (reader) => ({
    roundId: round.id,
    status: round.status,
    closed: round.status === 'closed',
    voters: await voterCount(reader, round.id),
    tally: shown
      ? (await roundStandings(reader, round)).map((s) => ({
          topicId: s.id,
          title: s.title,
          votes: s.votes,
          rank: s.rank,
          picked: s.picked
        }))
      : null
  }));
}

/** A member's dots in a round, by topic id, and how many they have left. */
export interface MyVotes {
  votes: Record<string, number>;
  left: number;
}

/** The member's dots in the round. */
export async function myVotes(
  db: Db | Kysely<Database>,
  round: Pick<VotingRound, 'id' | 'rules'>,
  userId: string
): Promise<MyVotes> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const rows = await kysely
    .selectFrom('votes')
    .select(['topic_id', 'count'])
    .where('round_id', '=', round.id)
    .where('user_id', '=', userId)
    .where('count', '>', 0)
    .orderBy('topic_id')
    .execute();
  const votes: Record<string, number> = {};
  let used = 0;
  for (const row of rows) {
    votes[row.topic_id] = row.count;
    used += row.count;
  }
  return { votes, left: Math.max(0, round.rules.votesPerMember - used) };
}

/** What a vote changed: the member's dots on the topic now, and all their dots in the round. */
export interface VoteResult {
  round: VotingRound;
  topicId: string;
  /** The member's dots on the topic after the vote. */
  count: number;
  my: MyVotes;
  /** Whether anything changed (setting the same count again changes nothing). */
  changed: boolean;
}

interface VoteTarget {
  roundId: string;
  topicId: string;
  userId: string;
}

/**
 * Sets the member's dots on one topic of an open round to `count` (0 takes them all back). The
 * same service serves the web, the API and the chat command.
 *
 * One write transaction per vote, with the round's row locked before the member's votes are read
 * (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on PostgreSQL): however many votes one member
 * fires at once, the budget holds, and votes of different members all count. Closing takes the
 * same lock, so nothing changes once a round is closed. Refusals are `VoteError`s:
 * `roundNotFound`, `notMember` (only active members vote), `roundClosed` (closed or past its
 * closing time), `topicNotFound` (not an open topic of the group), `overTopicCap`, `overBudget`,
 * `negative`. After the commit, watchers of the round hear of it.
 *
 * @example
 * const { my } = await setVote(db, realtime, { roundId, topicId, userId, count: 2 });
 * my.left; // votes the member has left
 */
export async function setVote(
  db: Db,
  realtime: Realtime,
  input: VoteTarget & { count: number },
  now = new Date()
): Promise<VoteResult> {
  return castVote(db, realtime, input, () => input.count, now);
}

/**
 * Adds (`delta: 1`) or takes back (`delta: -1`) one dot on a topic, like `setVote`; taking back
 * from a topic without dots changes nothing.
 *
 * @example
 * await stepVote(db, realtime, { roundId, topicId, userId, delta: 1 });
 */
export async function stepVote(
  db: Db,
  realtime: Realtime,
  input: VoteTarget & { delta: 1 | -1 },
  now = new Date()
): Promise<VoteResult> {
  return castVote(
    db,
    realtime,
    input,
    (current) => Math.max(0, current + (input.delta === 1 ? 1 : -1)),
    now
  );
}

async function castVote(
  db: Db,
  realtime: Realtime,
  target: VoteTarget,
  decide: (current: number) => number,
  now: Date
): Promise<VoteResult> {
  const at = now.toISOString();
  const result = await writeTransaction(db, async (trx) => {
    const round = await lockRound(trx, db, target.roundId);
    if (!round) throw new VoteError('roundNotFound');
    const membership = await trx
      .selectFrom('memberships')
      .select('status')
      .where('group_id', '=', round.groupId)
      .where('user_id', '=', target.userId)
      .executeTakeFirst();
    if (membership?.status !== 'active') throw new VoteError('notMember');
    if (!acceptsVotes(round, now)) throw new VoteError('roundClosed');
    const topic = await trx
      .selectFrom('topics')
      .select('id')
      .where('id', '=', target.topicId)
      .where('group_id', '=', round.groupId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (!topic) throw new VoteError('topicNotFound');

    const rows = await trx
      .selectFrom('votes')
      .select(['topic_id', 'count'])
      .where('round_id', '=', round.id)
      .where('user_id', '=', target.userId)
      .execute();
    const mine = new Map(rows.filter((r) => r.count > 0).map((r) => [r.topic_id, r.count]));
    const stored = rows.some((r) => r.topic_id === target.topicId);
    const current = mine.get(target.topicId) ?? 0;
    const count = decide(current);
    const refusal = checkVote(mine, target.topicId, count, round.rules);
    if (refusal) throw new VoteError(refusal);

    const changed = count !== current;
    if (count === 0) {
      if (stored) {
        await trx
          .deleteFrom('votes')
          .where('round_id', '=', round.id)
          .where('topic_id', '=', target.topicId)
          .where('user_id', '=', target.userId)
          .execute();
      }
      mine.delete(target.topicId);
    } else {
      if (changed && stored) {
        await trx
          .updateTable('votes')
          .set({ count, updated_at: at })
          .where('round_id', '=', round.id)
          .where('topic_id', '=', target.topicId)
          .where('user_id', '=', target.userId)
          .execute();
      } else if (!stored) {
        await trx
          .insertInto('votes')
          .values({
            round_id: round.id,
            topic_id: target.topicId,
            user_id: target.userId,
            count,
            updated_at: at
          })
          .execute();
      }
      mine.set(target.topicId, count);
    }
    let used = 0;
    const votes: Record<string, number> = {};
    for (const [id, n] of [...mine].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      votes[id] = n;
      used += n;
    }
    return {
      round,
      topicId: target.topicId,
      count,
      my: { votes, left: Math.max(0, round.rules.votesPerMember - used) },
      changed
    };
  });
  if (result.changed) await publishRound(realtime, result.round.id);
  return result;
}
