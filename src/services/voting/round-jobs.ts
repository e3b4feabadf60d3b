import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { dbBool, toDate } from '../../db/values.ts';
import { HOUR, openRound, roundOfMeeting, VoteError, type VotingRound } from './round.service.ts';
import { closeVotingRound, type RoundDeps } from './round-close.service.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';

/** The queue of the voting sweep: closes due rounds, opens the next ones of voting series. */
export const VOTING_ROUNDS_QUEUE = 'voting-rounds';
const SWEEP_EVERY_MS = 60_000;

/** Closes every open round whose closing time has come. Returns how many it closed. */
export async function closeDueRounds(db: Db, deps: RoundDeps, now = new Date()): Promise<number> {
  const due = await db.kysely
    .selectFrom('voting_rounds')
    .select('id')
    .where('status', '=', 'open')
    .where('closes_at', '<=', now.toISOString())
    .orderBy('closes_at')
    .execute();
  let closed = 0;
  for (const { id } of due) {
    const result = await closeVotingRound(db, deps, id, { actorId: null, now });
    if (result.closedNow) closed += 1;
  }
  return closed;
}

/**
 * Opens the next round of every series that votes on topics: once one of its meetings has ended,
 * its next published future meeting gets a round (opened by nobody) that closes
 * `votingClosesHours` before it — unless that time has passed, the meeting has a round already, or
 * the group has another round open. Running it again opens nothing twice. Returns the new rounds.
 */
export async function autoOpenRounds(db: Db, now = new Date()): Promise<VotingRound[]> {
  const at = now.toISOString();
  const series = await db.kysely
    .selectFrom('series')
    .select(['id', 'group_id', 'voting_closes_hours'])
    .where('voting_rounds', '=', dbBool(db, true))
    .where('ended', '=', dbBool(db, false))
    .execute();
  const opened: VotingRound[] = [];
  for (const s of series) {
    const ended = await db.kysely
      .selectFrom('events')
      .select('id')
      .where('series_id', '=', s.id)
      .where('status', '=', 'published')
      .where('ends_at', '<=', at)
      .limit(1)
      .executeTakeFirst();
    if (!ended) continue;
    const next = await db.kysely
      .selectFrom('events')
      .select(['id', 'starts_at'])
      .where('series_id', '=', s.id)
      .where('status', '=', 'published')
      .where('starts_at', '>', at)
      .orderBy('starts_at')
      .limit(1)
      .executeTakeFirst();
    if (!next) continue;
    const closesAt = new Date(toDate(next.starts_at).getTime() - s.voting_closes_hours * HOUR);
    if (closesAt.getTime() <= now.getTime()) continue;
    if (await roundOfMeeting(db, next.id)) continue;
    try {
      opened.push(
        await openRound(
          db,
          { groupId: s.group_id, eventId: next.id, closesAt, openedBy: null },
          now
        )
      );
    } catch (error) {
      // Another round is open in the group, or another node opened this one a moment ago.
      if (error instanceof VoteError) continue;
      throw error;
    }
  }
  return opened;
}

/**
 * One sweep: closes every round whose time has come, then opens rounds for series whose meeting
 * has ended. Both are idempotent, so two nodes sweeping at once do nothing twice.
 */
export async function sweepVotingRounds(
  db: Db,
  deps: RoundDeps,
  now = new Date()
): Promise<{ closed: number; opened: number }> {
  const closed = await closeDueRounds(db, deps, now);
  const opened = (await autoOpenRounds(db, now)).length;
  return { closed, opened };
}

/**
 * Registers the voting sweep on queue `voting-rounds`; `start` runs it now and then every minute
 * (like the series jobs, each run is a job, so a failing run is retried and logged by the queue).
 *
 * @example
 * const votingJobs = registerVotingJobs(db, queue, { queue, realtime });
 * await queue.start();
 * await votingJobs.start();
 */
export function registerVotingJobs(db: Db, queue: JobQueue, deps: RoundDeps): PeriodicJob {
  return registerPeriodicJob(queue, VOTING_ROUNDS_QUEUE, SWEEP_EVERY_MS, () =>
    sweepVotingRounds(db, deps)
  );
}
