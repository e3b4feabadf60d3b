import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Ballot,
  type Candidate,
  checkVote,
  closeRound,
  compareCandidates,
  DEFAULT_VOTING_RULES,
  pickTopics,
  tally,
  votesLeft
} from './voting.ts';

const d = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
const rules = (votesPerMember: number, votesPerTopic: number) => ({
  votesPerMember,
  votesPerTopic
});

describe('checkVote', () => {
  it('allows spending the whole budget and no more', () => {
    expect(
      checkVote(
        new Map([
          ['a', 1],
          ['b', 1]
        ]),
        'c',
        1,
        DEFAULT_VOTING_RULES
      )
    ).toBeNull();
    expect(
      checkVote(
        new Map([
          ['a', 1],
          ['b', 1],
          ['c', 1]
        ]),
        'd',
        1,
        DEFAULT_VOTING_RULES
      )
    ).toBe('overBudget');
  });

  it('caps the votes on one topic', () => {
    expect(checkVote(new Map(), 'a', 2, rules(5, 2))).toBeNull();
    expect(checkVote(new Map(), 'a', 3, rules(5, 2))).toBe('overTopicCap');
  });

  it('refuses negative and fractional counts', () => {
    expect(checkVote(new Map(), 'a', -1, rules(5, 2))).toBe('negative');
    expect(checkVote(new Map(), 'a', 0.5, rules(5, 2))).toBe('negative');
  });

  it('always allows lowering, even when the rules would not allow the current count', () => {
    const mine = new Map([['a', 4]]);
    expect(checkVote(mine, 'a', 3, rules(2, 1))).toBeNull();
    expect(checkVote(mine, 'a', 0, rules(2, 1))).toBeNull();
  });

  it('counts the votes on the topic being changed only once (moving votes)', () => {
    // 2 on a, 1 on b of 3: raising a to 3 is over budget, moving b's vote to a first is not.
    const mine = new Map([
      ['a', 2],
      ['b', 1]
    ]);
    expect(checkVote(mine, 'a', 3, rules(3, 3))).toBe('overBudget');
    const moved = new Map([
      ['a', 2],
      ['b', 0]
    ]);
    expect(checkVote(moved, 'a', 3, rules(3, 3))).toBeNull();
  });

  it('keeps every sequence of accepted votes within the budget and the cap (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(
          fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: -1, max: 25 })),
          { maxLength: 60 }
        ),
        (v, c, attempts) => {
          const mine = new Map<string, number>();
          for (const [topic, count] of attempts) {
            const problem = checkVote(mine, topic, count, rules(v, c));
            if (problem === null) mine.set(topic, count);
            const total = [...mine.values()].reduce((s, n) => s + n, 0);
            expect(total).toBeLessThanOrEqual(v);
            for (const n of mine.values()) expect(n).toBeLessThanOrEqual(c);
            expect(votesLeft(mine, v)).toBe(v - total);
          }
        }
      )
    );
  });

  it('accepts exactly the changes that stay within the rules (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 10 })),
        fc.constantFrom('a', 'b', 'c', 'd'),
        fc.integer({ min: 0, max: 12 }),
        (v, c, given, topic, count) => {
          const mine = new Map(Object.entries(given));
          const current = mine.get(topic) ?? 0;
          const others = [...mine].filter(([id]) => id !== topic).reduce((s, [, n]) => s + n, 0);
          const expected =
            count <= current
              ? null
              : count > c
                ? 'overTopicCap'
                : others + count > v
                  ? 'overBudget'
                  : null;
          expect(checkVote(mine, topic, count, rules(v, c))).toBe(expected);
        }
      )
    );
  });
});

describe('votesLeft', () => {
  it('never goes below zero', () => {
    expect(votesLeft(new Map([['a', 5]]), 3)).toBe(0);
    expect(votesLeft(new Map(), 3)).toBe(3);
  });
});

describe('tally', () => {
  it('lists every topic, sums the ballots, and ignores ballots for other topics', () => {
    const ballots: Ballot[] = [
      { topicId: 'a', userId: 'u1', count: 2 },
      { topicId: 'a', userId: 'u2', count: 1 },
      { topicId: 'x', userId: 'u1', count: 1 }
    ];
    expect(tally(['a', 'b'], ballots)).toEqual(
      new Map([
        ['a', 3],
        ['b', 0]
      ])
    );
  });

  it('counts every ballot for a candidate exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 5 }),
        fc.array(
          fc.record({
            topicId: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'z'),
            userId: fc.constantFrom('u1', 'u2', 'u3'),
            count: fc.integer({ min: 0, max: 5 })
          }),
          { maxLength: 40 }
        ),
        (ids, ballots) => {
          const totals = tally(ids, ballots);
          expect([...totals.keys()].sort()).toEqual([...ids].sort());
          const sum = [...totals.values()].reduce((s, n) => s + n, 0);
          const expected = ballots
            .filter((b) => (ids as string[]).includes(b.topicId))
            .reduce((s, b) => s + b.count, 0);
          expect(sum).toBe(expected);
        }
      )
    );
  });
});

describe('pickTopics', () => {
  it('picks the most votes, ties to the earlier proposal, then the smaller id', () => {
    const ranked = pickTopics(
      [
        { id: 'late', votes: 3, proposedAt: d(10) },
        { id: 'early', votes: 3, proposedAt: d(5) },
        { id: 'top', votes: 5, proposedAt: d(20) },
        { id: 'b-same', votes: 3, proposedAt: d(5) }
      ],
      2
    );
    expect(ranked.map((r) => [r.id, r.rank, r.picked])).toEqual([
      ['top', 1, true],
      ['b-same', 2, true],
      ['early', 3, false],
      ['late', 4, false]
    ]);
  });

  it('never picks a topic nobody voted for', () => {
    const ranked = pickTopics(
      [
        { id: 'a', votes: 1, proposedAt: d(1) },
        { id: 'b', votes: 0, proposedAt: d(0) }
      ],
      2
    );
    expect(ranked.filter((r) => r.picked).map((r) => r.id)).toEqual(['a']);
  });

  const candidates = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 3 }),
      votes: fc.integer({ min: 0, max: 6 }),
      proposedAt: fc.integer({ min: 0, max: 5 }).map(d)
    }),
    { selector: (c) => c.id, maxLength: 15 }
  );

  it('top K: every picked topic has at least as many votes as every unpicked one, and ties go to the earlier proposal, then the id (property)', () => {
    fc.assert(
      fc.property(candidates, fc.integer({ min: 0, max: 10 }), (cs, k) => {
        const ranked = pickTopics(cs, k);
        const picked = ranked.filter((r) => r.picked);
        const unpicked = ranked.filter((r) => !r.picked);
        expect(picked.length).toBe(Math.min(k, cs.filter((c) => c.votes > 0).length));
        for (const p of picked) {
          expect(p.votes).toBeGreaterThan(0);
          for (const u of unpicked) {
            expect(p.votes).toBeGreaterThanOrEqual(u.votes);
            if (p.votes === u.votes) {
              // A tie: the picked one was proposed first, or at the same instant with a smaller id.
              expect(compareCandidates(p, u)).toBeLessThan(0);
              const earlier = p.proposedAt.getTime() < u.proposedAt.getTime();
              const sameAndSmaller =
                p.proposedAt.getTime() === u.proposedAt.getTime() && p.id < u.id;
              expect(earlier || sameAndSmaller).toBe(true);
            }
          }
        }
        // Ranks are 1..n in order, and the order does not depend on the input's order.
        expect(ranked.map((r) => r.rank)).toEqual(ranked.map((_, i) => i + 1));
        expect(pickTopics([...cs].reverse(), k).map((r) => r.id)).toEqual(ranked.map((r) => r.id));
      })
    );
  });
});

describe('closeRound', () => {
  it('picks the top K from the ballots and carries the rest over with their votes', () => {
    const outcome = closeRound(
      [
        { id: 'a', proposedAt: d(1) },
        { id: 'b', proposedAt: d(2) },
        { id: 'c', proposedAt: d(3) }
      ],
      [
        { topicId: 'c', userId: 'u1', count: 2 },
        { topicId: 'b', userId: 'u2', count: 1 },
        { topicId: 'a', userId: 'u2', count: 1 }
      ],
      2
    );
    expect(outcome.picked).toEqual(['c', 'a']);
    expect(outcome.carriedOver).toEqual([{ id: 'b', votes: 1 }]);
    expect(outcome.ranking.map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it('picks nothing with K = 0 and carries everything over', () => {
    const outcome = closeRound(
      [{ id: 'a', proposedAt: d(1) }],
      [{ topicId: 'a', userId: 'u', count: 3 }],
      0
    );
    expect(outcome.picked).toEqual([]);
    expect(outcome.carriedOver).toEqual([{ id: 'a', votes: 3 }]);
  });

  it('splits every candidate into picked or carried over, exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
            proposedAt: fc.integer({ min: 0, max: 3 }).map(d)
          }),
          { selector: (c) => c.id }
        ),
        fc.array(
          fc.record({
            topicId: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
            userId: fc.constantFrom('u1', 'u2'),
            count: fc.integer({ min: 1, max: 3 })
          }),
          { maxLength: 20 }
        ),
        fc.integer({ min: 0, max: 4 }),
        (cs, ballots, k) => {
          const outcome = closeRound(cs, ballots, k);
          const ids = [...outcome.picked, ...outcome.carriedOver.map((c) => c.id)];
          expect(ids.sort()).toEqual(cs.map((c) => c.id).sort());
          const totals = tally(
            cs.map((c) => c.id),
            ballots
          );
          for (const c of outcome.carriedOver) expect(c.votes).toBe(totals.get(c.id));
          const ranked: Candidate[] = outcome.ranking;
          expect(outcome.picked).toEqual(
            ranked.filter((_, i) => outcome.ranking[i]?.picked).map((r) => r.id)
          );
        }
      )
    );
  });
});
