// Answering a poll: one ballot per member, final once cast. The poll's row is locked for the
// whole write (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on PostgreSQL) and `poll_ballots`'
// primary key backs it up, so however many ballots one member fires at once, exactly one counts,
// and the counts always equal the accepted ballots.
import type { Db } from '../../db/database.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { type BallotProblem, checkBallot } from '../../domain/poll.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import { announceRoom } from '../room/room-log.service.ts';
import { lockPoll, PollError, type PollProblem, type PollWithOptions } from './poll.service.ts';
import { logMeetingPoll } from './poll-write.service.ts';

const BALLOT_PROBLEM: Record<BallotProblem, PollProblem> = {
  pollNotOpen: 'pollNotOpen',
  noChoice: 'pollNoChoice',
  oneChoiceOnly: 'pollOneChoiceOnly',
  unknownOption: 'pollUnknownOption'
};

/** Whether a database error is a duplicate key (SQLite or PostgreSQL). */
function isDuplicateKey(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/**
 * Casts `userId`'s ballot choosing `optionIds` (repeated ids count once). Who may answer is the
 * caller's check; refusals are `PollError`s: `pollNotFound`, `pollNotOpen` (a draft, closed, or
 * past its closing time), `alreadyAnswered`, and on field `optionIds` `pollNoChoice`,
 * `pollOneChoiceOnly`, `pollUnknownOption`. An anonymous poll stores the ballot (that the member
 * answered) and the counts, never who chose what. A meeting poll's new counts go to its room.
 *
 * @example
 * const poll = await castBallot(db, realtime, { pollId, userId, optionIds: [optionId] });
 */
export async function castBallot(
  db: Db,
  realtime: Realtime,
  input: { pollId: string; userId: string; optionIds: readonly string[] },
  now = new Date()
): Promise<PollWithOptions> {
  const changed = await writeTransaction(db, async (trx) => {
    const poll = await lockPoll(trx, db, input.pollId);
    if (!poll) throw new PollError('pollNotFound');
    const refusal = checkBallot(
      poll,
      poll.options.map((o) => o.id),
      input.optionIds,
      now
    );
    if (refusal === 'pollNotOpen') throw new PollError('pollNotOpen');
    const before = await trx
      .selectFrom('poll_ballots')
      .select('user_id')
      .where('poll_id', '=', poll.id)
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    if (before) throw new PollError('alreadyAnswered');
    if (refusal) throw new PollError(BALLOT_PROBLEM[refusal], 'optionIds');
    const chosen = [...new Set(input.optionIds)];
    try {
      await trx
        .insertInto('poll_ballots')
        .values({ poll_id: poll.id, user_id: input.userId, created_at: now.toISOString() })
        .execute();
    } catch (error) {
      if (isDuplicateKey(error)) throw new PollError('alreadyAnswered');
      throw error;
    }
    await trx
      .updateTable('poll_options')
      .set((eb) => ({ votes: eb('votes', '+', 1) }))
      .where('poll_id', '=', poll.id)
      .where('id', 'in', chosen)
      .execute();
    await trx
      .updateTable('polls')
      .set((eb) => ({ ballot_count: eb('ballot_count', '+', 1) }))
      .where('id', '=', poll.id)
      .execute();
    if (!poll.anonymous) {
      await trx
        .insertInto('poll_choices')
        .values(
          chosen.map((optionId) => ({
            poll_id: poll.id,
            option_id: optionId,
            user_id: input.userId
          }))
        )
        .execute();
    }
    const picked = new Set(chosen);
    const after: PollWithOptions = {
      ...poll,
      ballotCount: poll.ballotCount + 1,
      options: poll.options.map((o) => (picked.has(o.id) ? { ...o, votes: o.votes + 1 } : o))
    };
    return { poll: after, seq: await logMeetingPoll(trx, after, now) };
  });
  if (changed.poll.eventId !== null && changed.seq !== null) {
    await announceRoom(realtime, changed.poll.eventId, changed.seq);
  }
  return changed.poll;
}
