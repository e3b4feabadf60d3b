import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkBallot,
  POLL_CHOICES,
  POLL_RESULTS,
  POLL_STATUSES,
  pollResults,
  pollState,
  resultsVisible
} from './poll.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 10, minutes));
const OPTIONS = ['a', 'b', 'c'];

describe('pollState', () => {
  it('closes an open poll once its closing time has come, not before', () => {
    const poll = { status: 'open' as const, closesAt: at(30) };
    expect(pollState(poll, at(29))).toBe('open');
    expect(pollState(poll, at(30))).toBe('closed');
    expect(pollState(poll, at(31))).toBe('closed');
    expect(pollState({ status: 'open', closesAt: null }, at(600))).toBe('open');
  });

  it('leaves drafts and closed polls as they are, whatever the time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('draft' as const, 'closed' as const),
        fc.option(fc.integer({ min: 0, max: 1000 })),
        fc.integer({ min: 0, max: 1000 }),
        (status, closes, now) => {
          const closesAt = closes === null ? null : at(closes);
          expect(pollState({ status, closesAt }, at(now))).toBe(status);
        }
      )
    );
  });
});

describe('checkBallot', () => {
  const open = { choice: 'single' as const, status: 'open' as const, closesAt: null };

  it('names each refusal', () => {
    expect(checkBallot(open, OPTIONS, ['a'], at(0))).toBeNull();
    expect(checkBallot(open, OPTIONS, [], at(0))).toBe('noChoice');
    expect(checkBallot(open, OPTIONS, ['a', 'b'], at(0))).toBe('oneChoiceOnly');
    expect(checkBallot(open, OPTIONS, ['z'], at(0))).toBe('unknownOption');
    expect(checkBallot({ ...open, choice: 'multiple' }, OPTIONS, ['a', 'z'], at(0))).toBe(
      'unknownOption'
    );
    expect(checkBallot({ ...open, status: 'draft' }, OPTIONS, ['a'], at(0))).toBe('pollNotOpen');
    expect(checkBallot({ ...open, status: 'closed' }, OPTIONS, ['a'], at(0))).toBe('pollNotOpen');
    expect(checkBallot({ ...open, closesAt: at(5) }, OPTIONS, ['a'], at(5))).toBe('pollNotOpen');
  });

  it('counts a repeated id once', () => {
    expect(checkBallot(open, OPTIONS, ['b', 'b', 'b'], at(0))).toBeNull();
  });

  it('accepts exactly the non-empty sets of known options (one for single choice) while open', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POLL_CHOICES),
        fc.array(fc.constantFrom('a', 'b', 'c', 'x', 'y'), { maxLength: 6 }),
        (choice, chosen) => {
          const unique = new Set(chosen);
          const known = [...unique].every((id) => OPTIONS.includes(id));
          const valid = unique.size > 0 && known && (choice === 'multiple' || unique.size === 1);
          const refusal = checkBallot({ ...open, choice }, OPTIONS, chosen, at(0));
          expect(refusal === null).toBe(valid);
        }
      )
    );
  });

  it('refuses every ballot once the poll is not open, before looking at the choice', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POLL_STATUSES),
        fc.option(fc.integer({ min: 0, max: 100 })),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.string(), { maxLength: 4 }),
        (status, closes, now, chosen) => {
          const poll = {
            choice: 'single' as const,
            status,
            closesAt: closes === null ? null : at(closes)
          };
          if (pollState(poll, at(now)) !== 'open') {
            expect(checkBallot(poll, OPTIONS, chosen, at(now))).toBe('pollNotOpen');
          } else {
            expect(checkBallot(poll, OPTIONS, chosen, at(now))).not.toBe('pollNotOpen');
          }
        }
      )
    );
  });
});

describe('resultsVisible', () => {
  it('shows live results while open, closed-only results after the close, managers always', () => {
    const poll = { status: 'open' as const, closesAt: at(30), results: 'closed' as const };
    expect(resultsVisible(poll, at(10), false)).toBe(false);
    expect(resultsVisible(poll, at(10), true)).toBe(true);
    expect(resultsVisible(poll, at(30), false)).toBe(true);
    expect(resultsVisible({ ...poll, results: 'live' }, at(10), false)).toBe(true);
    expect(resultsVisible({ ...poll, status: 'draft' }, at(10), false)).toBe(false);
    expect(resultsVisible({ ...poll, status: 'draft' }, at(10), true)).toBe(true);
  });

  it('never hides from managers, and always shows a closed poll', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POLL_STATUSES),
        fc.constantFrom(...POLL_RESULTS),
        fc.option(fc.integer({ min: 0, max: 100 })),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (status, results, closes, now, manages) => {
          const poll = { status, results, closesAt: closes === null ? null : at(closes) };
          const visible = resultsVisible(poll, at(now), manages);
          if (manages) expect(visible).toBe(true);
          if (pollState(poll, at(now)) === 'closed') expect(visible).toBe(true);
          if (!manages && pollState(poll, at(now)) === 'draft') expect(visible).toBe(false);
          if (!manages && pollState(poll, at(now)) === 'open') {
            expect(visible).toBe(results === 'live');
          }
        }
      )
    );
  });
});

describe('pollResults', () => {
  it('gives whole percentages of the ballots', () => {
    expect(
      pollResults(
        [
          { id: 'a', label: 'A', votes: 2 },
          { id: 'b', label: 'B', votes: 1 },
          { id: 'c', label: 'C', votes: 0 }
        ],
        3
      ).map((o) => o.percent)
    ).toEqual([67, 33, 0]);
    expect(pollResults([{ id: 'a', label: 'A', votes: 0 }], 0)[0]?.percent).toBe(0);
  });

  it('keeps each option, its votes and order, with a share between 0 and 100', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 500 })
          .chain((ballots) =>
            fc.tuple(
              fc.constant(ballots),
              fc.array(fc.integer({ min: 0, max: ballots }), { minLength: 2, maxLength: 20 })
            )
          ),
        ([ballots, votes]) => {
          const options = votes.map((v, i) => ({ id: `o${i}`, label: `O${i}`, votes: v }));
          const results = pollResults(options, ballots);
          expect(results.map((r) => [r.id, r.label, r.votes])).toEqual(
            options.map((o) => [o.id, o.label, o.votes])
          );
          for (const r of results) {
            expect(r.percent).toBeGreaterThanOrEqual(0);
            expect(r.percent).toBeLessThanOrEqual(100);
            expect(Number.isInteger(r.percent)).toBe(true);
            if (r.votes === ballots && ballots > 0) expect(r.percent).toBe(100);
          }
        }
      )
    );
  });

  it('sums to about 100 when every ballot chose one option', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 20 }),
        (votes) => {
          const ballots = votes.reduce((a, b) => a + b, 0);
          fc.pre(ballots > 0);
          const options = votes.map((v, i) => ({ id: `o${i}`, label: `O${i}`, votes: v }));
          const sum = pollResults(options, ballots).reduce((s, r) => s + r.percent, 0);
          // Each share rounds by at most half a percent.
          expect(Math.abs(sum - 100)).toBeLessThanOrEqual(votes.length / 2);
        }
      )
    );
  });
});
