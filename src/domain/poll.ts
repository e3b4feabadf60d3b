/**
 * Polls: a question with 2–20 options, single or multiple choice, anonymous or named, results
 * live or after the close. One ballot per member, final once cast. Pure rules, no I/O.
 */

export const POLL_CHOICES = ['single', 'multiple'] as const;
export type PollChoice = (typeof POLL_CHOICES)[number];
export const POLL_RESULTS = ['live', 'closed'] as const;
export type PollResults = (typeof POLL_RESULTS)[number];
export const POLL_STATUSES = ['draft', 'open', 'closed'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];

export const POLL_LIMITS = {
  options: { min: 2, max: 20 },
  question: { max: 300 },
  option: { max: 120 }
} as const;

/** What the rules need to know of a poll. */
export interface PollRules {
  choice: PollChoice;
  status: PollStatus;
  /** When it closes by itself (null: by hand). */
  closesAt: Date | null;
  results: PollResults;
}

/**
 * The state a poll is in at `now`: an open poll whose closing time has passed is closed, even
 * before the sweep job writes it down.
 *
 * @example
 * pollState({ status: 'open', closesAt: new Date('2026-01-01T10:00:00Z') }, new Date('2026-01-01T11:00:00Z')); // 'closed'
 */
export function pollState(poll: Pick<PollRules, 'status' | 'closesAt'>, now: Date): PollStatus {
  if (poll.status === 'open' && poll.closesAt !== null && poll.closesAt <= now) return 'closed';
  return poll.status;
}

export type BallotProblem = 'pollNotOpen' | 'noChoice' | 'oneChoiceOnly' | 'unknownOption';

/**
 * Whether a ballot choosing `optionIds` may be cast (whether the member voted before is the
 * service's check, under the poll's lock). Repeated ids count once.
 *
 * @example
 * checkBallot({ choice: 'single', status: 'open', closesAt: null }, ['a', 'b'], ['a', 'b'], new Date()); // 'oneChoiceOnly'
 */
export function checkBallot(
  poll: Pick<PollRules, 'choice' | 'status' | 'closesAt'>,
  optionIds: readonly string[],
  chosen: readonly string[],
  now: Date
): BallotProblem | null {
  if (pollState(poll, now) !== 'open') return 'pollNotOpen';
  const unique = new Set(chosen);
  if (unique.size === 0) return 'noChoice';
  if (poll.choice === 'single' && unique.size > 1) return 'oneChoiceOnly';
  const known = new Set(optionIds);
  for (const id of unique) if (!known.has(id)) return 'unknownOption';
  return null;
}

/**
 * Whether a viewer sees the option counts: always once closed; while open only for live results,
 * or for those who run the poll.
 */
export function resultsVisible(
  poll: Pick<PollRules, 'status' | 'closesAt' | 'results'>,
  now: Date,
  manages: boolean
): boolean {
  const state = pollState(poll, now);
  if (state === 'closed') return true;
  if (state === 'draft') return manages;
  return poll.results === 'live' || manages;
}

export interface OptionResult {
  id: string;
  label: string;
  votes: number;
  /** Share of ballots that chose it, 0–100, rounded to whole percent. */
  percent: number;
}

/**
 * Results with percentages of the ballots (in a multiple-choice poll the shares add up to more
 * than 100).
 */
export function pollResults(
  options: readonly { id: string; label: string; votes: number }[],
  ballots: number
): OptionResult[] {
  return options.map((o) => ({
    ...o,
    percent: ballots === 0 ? 0 : Math.round((o.votes / ballots) * 100)
  }));
}
