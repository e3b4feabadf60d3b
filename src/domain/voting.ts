/**
 * Dot voting: each member spreads a budget of votes over a round's topics, at most a cap on any
 * one topic; when the round closes the top K topics (by votes, ties to the earlier proposal) go
 * on the meeting's agenda and the rest stay in the backlog for the next round. Pure rules, no I/O.
 */

/** A round's rules, fixed when it opens. */
export interface VotingRules {
  /** Votes each member has in the round (V). */
  votesPerMember: number;
  /** At most this many of one member's votes on one topic (C). */
  votesPerTopic: number;
  /** How many topics the round puts on the agenda (K). */
  agendaTopics: number;
}

export const DEFAULT_VOTING_RULES: VotingRules = {
  votesPerMember: 3,
  votesPerTopic: 1,
  agendaTopics: 2
};

/** Bounds of the group settings, so nobody configures a round nobody can use. */
export const VOTING_LIMITS = {
  votesPerMember: { min: 1, max: 20 },
  votesPerTopic: { min: 1, max: 20 },
  agendaTopics: { min: 1, max: 10 }
} as const;

/** One member's dots on one topic. */
export interface Ballot {
  topicId: string;
  userId: string;
  count: number;
}

export type VoteProblem = 'negative' | 'overTopicCap' | 'overBudget';

/**
 * Whether a member may set their votes on `topicId` to `count`, given all their current votes in
 * the round (`mine`, by topic id). Moving votes is lowering one topic and raising another;
 * lowering is always allowed.
 *
 * @example
 * checkVote(new Map([['a', 1], ['b', 1]]), 'c', 1, DEFAULT_VOTING_RULES); // null (3 of 3)
 * checkVote(new Map([['a', 1], ['b', 1], ['c', 1]]), 'd', 1, DEFAULT_VOTING_RULES); // 'overBudget'
 */
export function checkVote(
  mine: ReadonlyMap<string, number>,
  topicId: string,
  count: number,
  rules: Pick<VotingRules, 'votesPerMember' | 'votesPerTopic'>
): VoteProblem | null {
  if (!Number.isInteger(count) || count < 0) return 'negative';
  const current = mine.get(topicId) ?? 0;
  if (count <= current) return null;
  if (count > rules.votesPerTopic) return 'overTopicCap';
  let used = 0;
  for (const [id, n] of mine) if (id !== topicId) used += n;
  if (used + count > rules.votesPerMember) return 'overBudget';
  return null;
}

/** How many votes a member has left in a round. */
export function votesLeft(mine: ReadonlyMap<string, number>, votesPerMember: number): number {
  let used = 0;
  for (const n of mine.values()) used += n;
  return Math.max(0, votesPerMember - used);
}

/**
 * Votes per topic. Every topic in `topicIds` appears (with 0 when nobody voted for it); ballots
 * for other topics are ignored.
 *
 * @example
 * tally(['a', 'b'], [{ topicId: 'a', userId: 'u', count: 2 }]); // Map { a → 2, b → 0 }
 */
export function tally(
  topicIds: readonly string[],
  ballots: readonly Ballot[]
): Map<string, number> {
  const totals = new Map<string, number>(topicIds.map((id) => [id, 0]));
  for (const b of ballots) {
    const current = totals.get(b.topicId);
    if (current !== undefined) totals.set(b.topicId, current + b.count);
  }
  return totals;
}

/** A topic standing in a round. */
export interface Candidate {
  id: string;
  votes: number;
  /** When it was proposed: the earlier proposal wins a tie. */
  proposedAt: Date;
}

/** A candidate's result once ranked. */
export interface Ranked extends Candidate {
  /** 1 for the most votes; tied candidates still get distinct ranks by the tie rule. */
  rank: number;
  picked: boolean;
}

/**
 * Orders candidates by the stated rule: more votes first; on a tie the earlier proposal; on the
 * same instant the smaller id (so the order never depends on the database).
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.votes !== b.votes) return b.votes - a.votes;
  const at = a.proposedAt.getTime() - b.proposedAt.getTime();
  if (at !== 0) return at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Ranks the candidates and picks the top `k` that received at least one vote (a topic nobody
 * voted for never makes the agenda). Every picked topic has at least as many votes as every
 * topic not picked.
 *
 * @example
 * pickTopics([{ id: 'a', votes: 2, proposedAt: d1 }, { id: 'b', votes: 5, proposedAt: d2 }], 1);
 * // [{ id: 'b', rank: 1, picked: true, … }, { id: 'a', rank: 2, picked: false, … }]
 */
export function pickTopics(candidates: readonly Candidate[], k: number): Ranked[] {
  return [...candidates]
    .sort(compareCandidates)
    .map((c, index) => ({ ...c, rank: index + 1, picked: index < k && c.votes > 0 }));
}

/** What closing a round decides. */
export interface RoundOutcome {
  /** Every candidate, ranked. */
  ranking: Ranked[];
  /** Picked topic ids, in agenda order (rank order). */
  picked: string[];
  /** Topics that stay open in the backlog for the next round, with their history of this one. */
  carriedOver: { id: string; votes: number }[];
}

/**
 * Closes a round: tallies the ballots, picks the top K, and carries every other topic over to
 * the backlog. Votes do not carry over: the next round starts everyone at zero, and this round's
 * count stays as the topic's history.
 */
export function closeRound(
  candidates: readonly Omit<Candidate, 'votes'>[],
  ballots: readonly Ballot[],
  agendaTopics: number
): RoundOutcome {
  const totals = tally(
    candidates.map((c) => c.id),
    ballots
  );
  const ranking = pickTopics(
    candidates.map((c) => ({ ...c, votes: totals.get(c.id) ?? 0 })),
    agendaTopics
  );
  return {
    ranking,
    picked: ranking.filter((r) => r.picked).map((r) => r.id),
    carriedOver: ranking.filter((r) => !r.picked).map((r) => ({ id: r.id, votes: r.votes }))
  };
}
