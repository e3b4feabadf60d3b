import { describe, expect, it } from 'vitest';
import {
  tierMovesOf,
  tierSharesOf,
  dayOf,
  daysBefore,
  goneQuiet,
  HEALTH_SIGNALS,
  isHealthSignal,
  isoWeekOf,
  lastMonths,
  monthOf,
  noShowRate,
  REGULAR_OF_SIX,
  SIGNAL_TIER,
  TIER_REFERENCE,
  TIERS,
  tierOf,
  trend
} from './health.ts';

describe('signals and tiers', () => {
  it('every signal earns a tier; the reference shares add up to 100', () => {
    expect(Object.keys(SIGNAL_TIER).sort()).toEqual([...HEALTH_SIGNALS].sort());
    expect(HEALTH_SIGNALS.filter((s) => SIGNAL_TIER[s] === 'audience')).toEqual([
      'attended',
      'rsvp'
    ]);
    expect(HEALTH_SIGNALS.filter((s) => SIGNAL_TIER[s] === 'core')).toEqual([
      'proposed',
      'spoke',
      'hosted',
      'helped'
    ]);
    expect(TIERS.reduce((sum, tier) => sum + TIER_REFERENCE[tier], 0)).toBe(100);
  });

  it('isHealthSignal knows the signals and nothing else', () => {
    for (const signal of HEALTH_SIGNALS) expect(isHealthSignal(signal)).toBe(true);
    expect(isHealthSignal('lurked')).toBe(false);
    expect(isHealthSignal('')).toBe(false);
    expect(isHealthSignal('Attended')).toBe(false);
  });

  it('tierOf: the highest tier any signal earns, audience without any', () => {
    expect(tierOf([], 'member')).toBe('audience');
    expect(tierOf(['attended', 'rsvp'], 'member')).toBe('audience');
    expect(tierOf(['attended', 'voted'], 'member')).toBe('contributor');
    expect(tierOf(['voted', 'helped', 'rsvp'], 'member')).toBe('core');
    expect(tierOf(new Set(['kudos', 'feedback'] as const), 'host')).toBe('contributor');
    expect(tierOf(['spoke'], 'host')).toBe('core');
  });

  it('tierOf: organizers and owners are core whatever they did', () => {
    expect(tierOf([], 'organizer')).toBe('core');
    expect(tierOf(['attended'], 'owner')).toBe('core');
    expect(tierOf([], 'host')).toBe('audience');
  });

  it('tierSharesOf: counts and one-decimal percents in tier order', () => {
    expect(tierSharesOf({ audience: 4, contributor: 1, core: 1 })).toEqual([
      { tier: 'audience', count: 4, percent: 66.7, reference: 90 },
      { tier: 'contributor', count: 1, percent: 16.7, reference: 9 },
      { tier: 'core', count: 1, percent: 16.7, reference: 1 }
    ]);
    expect(tierSharesOf({ audience: 0, contributor: 0, core: 0 })).toEqual([
      { tier: 'audience', count: 0, percent: 0, reference: 90 },
      { tier: 'contributor', count: 0, percent: 0, reference: 9 },
      { tier: 'core', count: 0, percent: 0, reference: 1 }
    ]);
  });

  it('tierMovesOf: non-empty cells, new first, then audience, contributor, core', () => {
    expect(
      tierMovesOf([
        { from: 'core', to: 'audience', count: 1 },
        { from: 'audience', to: 'contributor', count: 1 },
        { from: 'new', to: 'core', count: 1 },
        { from: 'audience', to: 'contributor', count: 1 },
        { from: 'new', to: 'audience', count: 1 },
        { from: 'contributor', to: 'contributor', count: 1 },
        { from: 'core', to: 'core', count: 0 }
      ])
    ).toEqual([
      { from: 'new', to: 'audience', count: 1 },
      { from: 'new', to: 'core', count: 1 },
      { from: 'audience', to: 'contributor', count: 2 },
      { from: 'contributor', to: 'contributor', count: 1 },
      { from: 'core', to: 'audience', count: 1 }
    ]);
    expect(tierMovesOf([])).toEqual([]);
  });
});

describe('meetings', () => {
  it('noShowRate: the share of going who did not come, one decimal', () => {
    expect(noShowRate({ going: 40, checkedIn: 30 })).toBe(25);
    expect(noShowRate({ going: 3, checkedIn: 2 })).toBe(33.3);
    expect(noShowRate({ going: 7, checkedIn: 6 })).toBe(14.3);
    expect(noShowRate({ going: 5, checkedIn: 5 })).toBe(0);
  });

  it('noShowRate: null without check-ins or without anyone going; never negative', () => {
    expect(noShowRate({ going: 10, checkedIn: 0 })).toBeNull();
    expect(noShowRate({ going: 0, checkedIn: 0 })).toBeNull();
    expect(noShowRate({ going: 0, checkedIn: 2 })).toBeNull();
    expect(noShowRate({ going: 4, checkedIn: 6 })).toBe(0);
  });

  it('trend: least-squares slope per step and its direction', () => {
    expect(trend([10, 12, 14, 16])).toEqual({ slope: 2, direction: 'rising' });
    expect(trend([30, 20, 10])).toEqual({ slope: -10, direction: 'falling' });
    expect(trend([5, 5, 5, 5])).toEqual({ slope: 0, direction: 'flat' });
    expect(trend([14.3, 0, 14.3, 0, 16.7, 0, 16.7])).toEqual({ slope: 0.34, direction: 'flat' });
  });

  it('trend: the flat band is inclusive and configurable; null below three values', () => {
    expect(trend([0, 0.5, 1])).toEqual({ slope: 0.5, direction: 'flat' });
    expect(trend([0, 0.5, 1], 0.4)).toEqual({ slope: 0.5, direction: 'rising' });
    expect(trend([1, 0.5, 0])).toEqual({ slope: -0.5, direction: 'flat' });
    expect(trend([])).toBeNull();
    expect(trend([1, 2])).toBeNull();
  });

  it('trend: a slope that rounds to zero is 0, not -0', () => {
    const result = trend([5, 5.001, 4.999]);
    expect(Object.is(result?.slope, 0)).toBe(true);
  });
});

describe('gone quiet', () => {
  it('a regular (3 of 6) whose latest signal is before the quiet period', () => {
    expect(REGULAR_OF_SIX).toBe(3);
    expect(goneQuiet({ attendedOfSix: 4, lastActiveDay: '2026-05-02' }, '2026-08-25')).toBe(true);
    expect(goneQuiet({ attendedOfSix: 3, lastActiveDay: '2026-08-24' }, '2026-08-25')).toBe(true);
    expect(goneQuiet({ attendedOfSix: 6, lastActiveDay: null }, '2026-08-25')).toBe(true);
  });

  it('not quiet: active since the quiet period began, or never a regular', () => {
    expect(goneQuiet({ attendedOfSix: 6, lastActiveDay: '2026-08-25' }, '2026-08-25')).toBe(false);
    expect(goneQuiet({ attendedOfSix: 6, lastActiveDay: '2026-11-01' }, '2026-08-25')).toBe(false);
    expect(goneQuiet({ attendedOfSix: 2, lastActiveDay: '2026-01-01' }, '2026-08-25')).toBe(false);
    expect(goneQuiet({ attendedOfSix: 0, lastActiveDay: null }, '2026-08-25')).toBe(false);
  });
});

describe('days, months and weeks (UTC)', () => {
  it('dayOf: the UTC day, whatever the local time', () => {
    expect(dayOf(new Date('2026-11-24T23:59:59.999Z'))).toBe('2026-11-24');
    expect(dayOf(new Date('2026-11-24T23:30:00-02:00'))).toBe('2026-11-25');
    expect(dayOf(new Date('2026-01-01T00:00:00.000Z'))).toBe('2026-01-01');
  });

  it('monthOf: of an instant or a day', () => {
    expect(monthOf(new Date('2026-03-31T23:00:00-05:00'))).toBe('2026-04');
    expect(monthOf('2026-11-24')).toBe('2026-11');
  });

  it('daysBefore: across months, years, leap days; negative goes forward', () => {
    expect(daysBefore('2026-11-24', 0)).toBe('2026-11-24');
    expect(daysBefore('2026-11-24', 180)).toBe('2026-05-28');
    expect(daysBefore('2026-01-01', 1)).toBe('2025-12-31');
    expect(daysBefore('2024-03-01', 1)).toBe('2024-02-29');
    expect(daysBefore('2026-03-30', 1)).toBe('2026-03-29'); // a DST change in Europe
    expect(daysBefore('2026-12-31', -1)).toBe('2027-01-01');
  });

  it('isoWeekOf: weeks start on Monday; week 1 holds the first Thursday', () => {
    expect(isoWeekOf('2026-11-24')).toBe('2026-W48');
    expect(isoWeekOf('2026-09-07')).toBe('2026-W37'); // a Monday
    expect(isoWeekOf('2026-09-13')).toBe('2026-W37'); // the Sunday after
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01'); // Monday of that week, previous year
    expect(isoWeekOf('2026-12-31')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-03')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
  });

  it('lastMonths: oldest first, across the year boundary', () => {
    expect(lastMonths('2026-02-15', 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(lastMonths('2026-11-24', 1)).toEqual(['2026-11']);
    expect(lastMonths('2026-11-24', 12)).toHaveLength(12);
    expect(lastMonths('2026-11-24', 12)[0]).toBe('2025-12');
    expect(lastMonths('2026-03-31', 2)).toEqual(['2026-02', '2026-03']);
    expect(lastMonths('2026-11-24', 0)).toEqual([]);
  });
});
