import { describe, expect, it } from 'vitest';
import { attendees, FEEDBACK_LIMITS, RATING, summarizeRatings } from './feedback.ts';

describe('summarizeRatings', () => {
  it('counts, averages to one decimal and distributes', () => {
    expect(summarizeRatings([5, 4, null, 4])).toEqual({
      count: 3,
      average: 4.3,
      distribution: [0, 0, 0, 2, 1]
    });
    expect(summarizeRatings([1, 2, 3, 4, 5])).toEqual({
      count: 5,
      average: 3,
      distribution: [1, 1, 1, 1, 1]
    });
  });

  it('rounds half up at one decimal', () => {
    // 1 + 2 + 2 + 2 = 7 / 4 = 1.75 → 1.8; 4 + 5 = 4.5 stays.
    expect(summarizeRatings([1, 2, 2, 2]).average).toBe(1.8);
    expect(summarizeRatings([4, 5]).average).toBe(4.5);
    // 2/3 → 0.666… → 3 + 2/3 = 3.666… → 3.7
    expect(summarizeRatings([3, 4, 4]).average).toBe(3.7);
  });

  it('has no average without ratings', () => {
    expect(summarizeRatings([])).toEqual({
      count: 0,
      average: null,
      distribution: [0, 0, 0, 0, 0]
    });
    expect(summarizeRatings([null, null])).toEqual({
      count: 0,
      average: null,
      distribution: [0, 0, 0, 0, 0]
    });
  });

  it('skips values outside 1–5 and fractions', () => {
    expect(summarizeRatings([0, 6, -1, 2.5, Number.NaN, 3])).toEqual({
      count: 1,
      average: 3,
      distribution: [0, 0, 1, 0, 0]
    });
  });

  it('keeps the bounds the API validates against', () => {
    expect(RATING).toEqual({ min: 1, max: 5 });
    expect(FEEDBACK_LIMITS).toEqual({ comment: { max: 2000 }, nextTime: { max: 500 } });
  });
});

describe('attendees', () => {
  const rsvp = (userId: string, status: string, checkedIn = false) => ({
    userId,
    status,
    checkedIn
  });

  it('are those checked in, whatever they answered', () => {
    expect(
      attendees([
        rsvp('a', 'going', true),
        rsvp('b', 'going'),
        rsvp('c', 'not_going', true),
        rsvp('d', 'waitlisted', true)
      ])
    ).toEqual(['a', 'c', 'd']);
  });

  it('are those going when nobody was checked in', () => {
    expect(
      attendees([
        rsvp('a', 'going'),
        rsvp('b', 'not_going'),
        rsvp('c', 'waitlisted'),
        rsvp('d', 'going')
      ])
    ).toEqual(['a', 'd']);
  });

  it('are nobody without answers', () => {
    expect(attendees([])).toEqual([]);
    expect(attendees([rsvp('a', 'not_going'), rsvp('b', 'waitlisted')])).toEqual([]);
  });
});

describe('summarizeRatings rounding', () => {
  it('rounds a mean that floating point would put just below the half up (23 / 20 = 1.15 → 1.2)', () => {
    // 17 × 1 + 3 × 2 = 23 over 20 ratings.
    const exact = [...Array<number>(17).fill(1), 2, 2, 2];
    expect(exact.reduce((a, b) => a + b, 0)).toBe(23);
    expect(summarizeRatings(exact).average).toBe(1.2);
    expect(summarizeRatings([4, 5]).average).toBe(4.5);
  });
});
