// Community health rules: the 90-9-1 participation tiers, no-show rates and their trend, and who
// has gone quiet. Pure functions over plain numbers and day strings (UTC, YYYY-MM-DD); the rollup
// job feeds them from the database.

import { hasRole, type Role } from './group-policy.ts';

/** Participation tiers after the 90-9-1 rule, from the many who watch to the few who carry. */
export const TIERS = ['audience', 'contributor', 'core'] as const;
export type Tier = (typeof TIERS)[number];

/** The 90-9-1 reference shares, in percent. */
export const TIER_REFERENCE: Record<Tier, number> = { audience: 90, contributor: 9, core: 1 };

/**
 * The ways a member takes part, each counted per member and day by the rollup job:
 * - audience: `attended` (checked in, or going to a meeting nobody was checked in at), `rsvp`
 * - contributor: `voted` (topic votes), `polled` (answered a poll), `commented` (on a topic or a
 *   board post), `asked` (a question in a meeting room), `feedback`, `kudos` (gave kudos),
 *   `posted` (a board post other than help given)
 * - core: `proposed` (a topic), `spoke` (gave a talk at a meeting that took place), `hosted`
 *   (created a meeting that took place, or opened its room), `helped` (answered a help request
 *   or shared a job lead on the board)
 */
export const HEALTH_SIGNALS = [
  'attended',
  'rsvp',
  'voted',
  'polled',
  'commented',
  'asked',
  'feedback',
  'kudos',
  'posted',
  'proposed',
  'spoke',
  'hosted',
  'helped'
] as const;
export type HealthSignal = (typeof HEALTH_SIGNALS)[number];

/** The tier each kind of participation earns. */
export const SIGNAL_TIER: Record<HealthSignal, Tier> = {
  attended: 'audience',
  rsvp: 'audience',
  voted: 'contributor',
  polled: 'contributor',
  commented: 'contributor',
  asked: 'contributor',
  feedback: 'contributor',
  kudos: 'contributor',
  posted: 'contributor',
  proposed: 'core',
  spoke: 'core',
  hosted: 'core',
  helped: 'core'
};

export function isHealthSignal(value: string): value is HealthSignal {
  return (HEALTH_SIGNALS as readonly string[]).includes(value);
}

/**
 * A member's tier in a window from the kinds of participation they showed in it: organizers and
 * owners organize, so they are core; otherwise the highest tier any signal earns; audience when
 * there is none (members who only read or attend).
 *
 * @example
 * tierOf(['attended', 'voted'], 'member'); // 'contributor'
 * tierOf([], 'organizer'); // 'core'
 */
export function tierOf(signals: Iterable<HealthSignal>, role: Role): Tier {
  if (hasRole(role, 'organizer')) return 'core';
  let tier: Tier = 'audience';
  for (const signal of signals) {
    const earned = SIGNAL_TIER[signal];
    if (earned === 'core') return 'core';
    if (earned === 'contributor') tier = 'contributor';
  }
  return tier;
}

/**
 * Counts per tier, with each tier's share in percent (one decimal) of all counted members; the
 * counts are made once by the rollup (a page view never walks 50,000 members).
 */
export function tierSharesOf(
  counts: Readonly<Record<Tier, number>>
): { tier: Tier; count: number; percent: number; reference: number }[] {
  const total = TIERS.reduce((sum, tier) => sum + counts[tier], 0);
  return TIERS.map((tier) => ({
    tier,
    count: counts[tier],
    percent: total === 0 ? 0 : Math.round((counts[tier] / total) * 1000) / 10,
    reference: TIER_REFERENCE[tier]
  }));
}

/** Where members came from: their previous window's tier, or `new` when not a member then. */
export type TierOrigin = Tier | 'new';

/**
 * How members moved between the previous window and this one, from counted cells (cells of the
 * same pair are added up): the non-empty cells in a fixed order (new first, then audience,
 * contributor, core).
 */
export function tierMovesOf(
  cells: Iterable<{ from: TierOrigin; to: Tier; count: number }>
): { from: TierOrigin; to: Tier; count: number }[] {
  const key = (from: TierOrigin, to: Tier) => `${from}>${to}`;
  const counts = new Map<string, number>();
  for (const { from, to, count } of cells)
    counts.set(key(from, to), (counts.get(key(from, to)) ?? 0) + count);
  const moves: { from: TierOrigin; to: Tier; count: number }[] = [];
  for (const from of ['new', ...TIERS] as const) {
    for (const to of TIERS) {
      const count = counts.get(key(from, to));
      if (count) moves.push({ from, to, count });
    }
  }
  return moves;
}

/**
 * The share of "going" members who did not come, in percent (one decimal), or null when nobody was
 * checked in (the meeting did not use check-in, so no-shows are unknown) or nobody was going.
 *
 * @example
 * noShowRate({ going: 40, checkedIn: 30 }); // 25
 */
export function noShowRate(meeting: { going: number; checkedIn: number }): number | null {
  if (meeting.going === 0 || meeting.checkedIn === 0) return null;
  const noShows = Math.max(0, meeting.going - meeting.checkedIn);
  return Math.round((noShows / meeting.going) * 1000) / 10;
}

export type TrendDirection = 'rising' | 'falling' | 'flat';

/**
 * The trend of a series (oldest first): the least-squares slope per step and its direction; a
 * slope within ±`flat` per step counts as flat. Null with fewer than three values.
 *
 * @example
 * trend([10, 12, 14, 16]); // { slope: 2, direction: 'rising' }
 */
export function trend(
  values: readonly number[],
  flat = 0.5
): { slope: number; direction: TrendDirection } | null {
  const n = values.length;
  if (n < 3) return null;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  // `+ 0` turns a slope that rounds to -0 into 0 (JSON, equality and display agree).
  const slope = Math.round((num / den) * 100) / 100 + 0;
  const direction: TrendDirection = slope > flat ? 'rising' : slope < -flat ? 'falling' : 'flat';
  return { slope, direction };
}

/** How many of the six meetings before the quiet period make a regular. */
export const REGULAR_OF_SIX = 3;

/**
 * Whether a member has gone quiet: they came to at least 3 of the group's six meetings before the
 * quiet period began, and since then have neither come nor taken part in anything (their latest
 * signal is before `quietSince`).
 *
 * @example
 * goneQuiet({ attendedOfSix: 4, lastActiveDay: '2026-05-02' }, '2026-08-25'); // true
 */
export function goneQuiet(
  member: { attendedOfSix: number; lastActiveDay: string | null },
  quietSince: string
): boolean {
  if (member.attendedOfSix < REGULAR_OF_SIX) return false;
  return member.lastActiveDay === null || member.lastActiveDay < quietSince;
}

/** The UTC day of an instant, YYYY-MM-DD. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The UTC month of an instant or a day, YYYY-MM. */
export function monthOf(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 7);
}

/** The day `days` days before (negative: after) `day`. */
export function daysBefore(day: string, days: number): string {
  const at = new Date(`${day}T00:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() - days);
  return dayOf(at);
}

/** The ISO week of a day, YYYY-Www (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekOf(day: string): string {
  const at = new Date(`${day}T00:00:00.000Z`);
  const weekday = (at.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  at.setUTCDate(at.getUTCDate() - weekday + 3); // this week's Thursday
  const year = at.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((at.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The `count` months up to and including the month of `day`, oldest first (YYYY-MM). */
export function lastMonths(day: string, count: number): string[] {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7)) - 1;
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i -= 1) {
    const at = new Date(Date.UTC(year, month - i, 1));
    months.push(monthOf(at));
  }
  return months;
}
