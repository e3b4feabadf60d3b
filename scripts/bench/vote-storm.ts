// The vote storm of `npm run bench`: a voting round with `topics` open topics on a fresh meeting of
// the largest public group; every voter (each with their own write token) fires `attempts` votes,
// one per topic, all at once, though their budget is `budget` votes. Afterwards every voter must
// hold exactly `budget` votes, every refusal must be the budget's 400, and the tally must match.
import type { Db } from '../../src/db/database.ts';
import { openRound } from '../../src/services/voting/round.service.ts';
import { benchId, type GeneratedGroup, insertBenchMeeting } from './generate.ts';

export interface VoteStorm {
  voters: number;
  attempts: number;
  budget: number;
  totalMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  accepted: number;
  refusedOverBudget: number;
  errors: number;
  storedVotes: number;
  votersAtBudget: number;
  exact: boolean;
}

/**
 * Runs the vote storm against `base`. `secrets[i]` is the write token of a member of `group`.
 *
 * @example
 * const storm = await voteStorm(db, base, group, secrets.slice(0, 1000));
 * storm.exact; // true when no member went over budget and nothing was lost
 */
export async function voteStorm(
  db: Db,
  base: string,
  group: GeneratedGroup,
  secrets: readonly string[],
  options: { attempts?: number; budget?: number } = {}
): Promise<VoteStorm> {
  const attempts = options.attempts ?? 5;
  const budget = options.budget ?? 3;
  const stamp = new Date().toISOString();
  const eventId = benchId(4, 1);
  await insertBenchMeeting(db, group, {
    id: eventId,
    title: 'Vote storm',
    description: 'Everyone votes at once.',
    minutesFromNow: 14 * 1440
  });
  await db.kysely
    .updateTable('groups')
    .set({ votes_per_member: budget, votes_per_topic: 1 })
    .where('id', '=', group.id)
    .execute();
  const topicIds = Array.from({ length: attempts }, (_, i) => benchId(5, i));
  await db.kysely
    .insertInto('topics')
    .values(
      topicIds.map((id, i) => ({
        id,
        group_id: group.id,
        title: `Storm topic ${i + 1}`,
        wants: 'explain',
        status: 'open',
        proposed_by: group.createdBy,
        created_at: new Date(Date.now() - (attempts - i) * 60_000).toISOString(),
        updated_at: stamp
      }))
    )
    .execute();
  // A group has one open round at a time: the data set's own round (practice groups vote before
  // their next meeting) makes way for the storm's.
  await db.kysely
    .updateTable('voting_rounds')
    .set({ status: 'closed', closed_at: stamp })
    .where('group_id', '=', group.id)
    .where('status', '=', 'open')
    .execute();
  const round = await openRound(db, { groupId: group.id, eventId, openedBy: null });

  const body = JSON.stringify({ count: 1 });
  const t0 = performance.now();
  const answers = await Promise.all(
    secrets.flatMap((secret) =>
      topicIds.map(async (topicId) => {
        const begin = performance.now();
        try {
          const res = await fetch(`${base}/api/v1/rounds/${round.id}/votes/${topicId}`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
            body
          });
          const json = (await res.json()) as { errors?: { field: string }[] };
          const overBudget = res.status === 400 && json.errors?.[0]?.field === 'count';
          return { ms: performance.now() - begin, status: res.status, overBudget };
        } catch {
          return { ms: performance.now() - begin, status: 0, overBudget: false };
        }
      })
    )
  );
  const totalMs = performance.now() - t0;
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(latencies[Math.ceil(p * latencies.length) - 1] ?? 0);
  const perVoter = await db.kysely
    .selectFrom('votes')
    .select(['user_id', (eb) => eb.fn.sum<number | string>('count').as('n')])
    .where('round_id', '=', round.id)
    .groupBy('user_id')
    .execute();
  const storedVotes = perVoter.reduce((sum, row) => sum + Number(row.n), 0);
  const accepted = answers.filter((a) => a.status === 200).length;
  const refusedOverBudget = answers.filter((a) => a.overBudget).length;
  const errors = answers.length - accepted - refusedOverBudget;
  const votersAtBudget = perVoter.filter((row) => Number(row.n) === budget).length;
  return {
    voters: secrets.length,
    attempts,
    budget,
    totalMs: Math.round(totalMs),
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    maxMs: Math.round(latencies.at(-1) ?? 0),
    accepted,
    refusedOverBudget,
    errors,
    storedVotes,
    votersAtBudget,
    exact:
      errors === 0 &&
      accepted === secrets.length * budget &&
      refusedOverBudget === secrets.length * (attempts - budget) &&
      storedVotes === accepted &&
      votersAtBudget === secrets.length
  };
}
