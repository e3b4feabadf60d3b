/**
 * Feedback after a meeting: ratings of 1–5 for the meeting and each agenda item, and their
 * summary. Pure rules, no I/O.
 */

export const RATING = { min: 1, max: 5 } as const;
export const FEEDBACK_LIMITS = { comment: { max: 2000 }, nextTime: { max: 500 } } as const;

export interface RatingSummary {
  count: number;
  /** Mean rating rounded to one decimal, null without ratings. */
  average: number | null;
  /** How many gave 1, 2, 3, 4 and 5 (index 0 is 1). */
  distribution: [number, number, number, number, number];
}

/**
 * Sums up ratings (nulls are skipped).
 *
 * @example
 * summarizeRatings([5, 4, null, 4]); // { count: 3, average: 4.3, distribution: [0, 0, 0, 2, 1] }
 */
export function summarizeRatings(ratings: readonly (number | null)[]): RatingSummary {
  const distribution: RatingSummary['distribution'] = [0, 0, 0, 0, 0];
  let sum = 0;
  let count = 0;
  for (const r of ratings) {
    if (r === null || !Number.isInteger(r) || r < RATING.min || r > RATING.max) continue;
    distribution[r - 1] = (distribution[r - 1] ?? 0) + 1;
    sum += r;
    count += 1;
  }
  return { count, average: count === 0 ? null : Math.round((sum * 10) / count) / 10, distribution };
}

/**
 * Who attended a meeting: those checked in; when nobody was checked in (the hosts did not use
 * check-in), those who said they were going.
 */
export function attendees(
  rsvps: readonly { userId: string; status: string; checkedIn: boolean }[]
): string[] {
  const checked = rsvps.filter((r) => r.checkedIn);
  const list = checked.length > 0 ? checked : rsvps.filter((r) => r.status === 'going');
  return list.map((r) => r.userId);
}
