import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareQuestions,
  handQueue,
  type QuestionStatus,
  ROOM_LIMITS,
  roomState,
  type RoomTimes
} from './room.ts';

const at = (hhmm: string) => new Date(`2026-05-01T${hhmm}:00Z`);
/** A meeting from 18:00 to 19:30 with what hosts did. */
const times = (openedAt: string | null = null, closedAt: string | null = null): RoomTimes => ({
  startsAt: at('18:00'),
  endsAt: at('19:30'),
  openedAt: openedAt ? at(openedAt) : null,
  closedAt: closedAt ? at(closedAt) : null
});

describe('roomState', () => {
  it('follows the meeting’s time when no host did anything: end exclusive, start inclusive', () => {
    expect(roomState(times(), at('17:59'))).toBe('waiting');
    expect(roomState(times(), at('18:00'))).toBe('open');
    expect(roomState(times(), at('19:29'))).toBe('open');
    expect(roomState(times(), at('19:30'))).toBe('ended');
    expect(roomState(times(), at('23:00'))).toBe('ended');
  });

  it('opens early when a host opens it, and still ends at the meeting’s end', () => {
    expect(roomState(times('17:30'), at('17:31'))).toBe('open');
    expect(roomState(times('17:30'), at('19:00'))).toBe('open');
    expect(roomState(times('17:30'), at('19:30'))).toBe('ended');
  });

  it('ends when a host closes it, even before the start or the end', () => {
    expect(roomState(times(null, '18:45'), at('19:00'))).toBe('ended');
    expect(roomState(times(null, '17:00'), at('17:30'))).toBe('ended');
    expect(roomState(times('17:30', '17:40'), at('18:10'))).toBe('ended');
  });

  it('opens again when a host reopens it after closing, and closes again', () => {
    expect(roomState(times('18:50', '18:45'), at('19:00'))).toBe('open');
    expect(roomState(times('18:50', '18:55'), at('19:00'))).toBe('ended');
    // Opened and closed at the same instant: the close wins.
    expect(roomState(times('18:50', '18:50'), at('19:00'))).toBe('ended');
  });

  it('keeps a room a host opened after the meeting’s end open until a host closes it', () => {
    expect(roomState(times('19:30'), at('19:31'))).toBe('open');
    expect(roomState(times('20:00'), at('23:59'))).toBe('open');
    expect(roomState(times('20:00', '20:30'), at('21:00'))).toBe('ended');
    // Reopened after the end following a close during the meeting.
    expect(roomState(times('20:00', '19:00'), at('20:10'))).toBe('open');
  });
});

describe('compareQuestions', () => {
  const q = (
    id: string,
    status: QuestionStatus,
    upvotes: number,
    created: string
  ): { id: string; status: QuestionStatus; upvotes: number; createdAt: Date } => ({
    id,
    status,
    upvotes,
    createdAt: at(created)
  });

  it('puts open before answered before hidden, whatever the upvotes', () => {
    const list = [
      q('h', 'hidden', 99, '18:00'),
      q('a', 'answered', 50, '18:00'),
      q('o', 'open', 0, '18:30')
    ];
    expect([...list].sort(compareQuestions).map((x) => x.id)).toEqual(['o', 'a', 'h']);
  });

  it('orders by upvotes, then the earlier question, then the id', () => {
    const list = [
      q('d', 'open', 1, '18:05'),
      q('c', 'open', 1, '18:01'),
      q('b', 'open', 1, '18:01'),
      q('e', 'open', 3, '18:20'),
      q('a', 'answered', 9, '18:00')
    ];
    expect([...list].sort(compareQuestions).map((x) => x.id)).toEqual(['e', 'b', 'c', 'd', 'a']);
    expect(compareQuestions(q('x', 'open', 0, '18:00'), q('x', 'open', 0, '18:00'))).toBe(0);
  });

  it('is a total order: antisymmetric, transitive, zero only for equal keys', () => {
    const question = fc.record({
      id: fc.constantFrom('a', 'b', 'c'),
      status: fc.constantFrom<QuestionStatus>('open', 'answered', 'hidden'),
      upvotes: fc.integer({ min: 0, max: 3 }),
      createdAt: fc.integer({ min: 0, max: 3 }).map((m) => new Date(m * 60_000))
    });
    fc.assert(
      fc.property(question, question, question, (a, b, c) => {
        const sign = (n: number) => Math.sign(n) || 0;
        expect(sign(compareQuestions(a, b))).toBe(-sign(compareQuestions(b, a)) || 0);
        if (compareQuestions(a, b) <= 0 && compareQuestions(b, c) <= 0) {
          expect(compareQuestions(a, c)).toBeLessThanOrEqual(0);
        }
        const same =
          a.id === b.id &&
          a.status === b.status &&
          a.upvotes === b.upvotes &&
          a.createdAt.getTime() === b.createdAt.getTime();
        expect(compareQuestions(a, b) === 0).toBe(same);
      })
    );
  });
});

describe('handQueue', () => {
  const hand = (id: string, raised: string, lowered: string | null = null) => ({
    id,
    raisedAt: at(raised),
    loweredAt: lowered ? at(lowered) : null,
    userName: `User ${id}`
  });

  it('keeps raised hands in the order raised (then by id) and drops lowered ones', () => {
    const hands = [
      hand('c', '18:10'),
      hand('b', '18:05', '18:06'),
      hand('z', '18:01'),
      hand('a', '18:10')
    ];
    const queue = handQueue(hands);
    expect(queue.map((h) => h.id)).toEqual(['z', 'a', 'c']);
    // The items are passed through whole, and the input is left as it was.
    expect(queue[0]).toBe(hands[2]);
    expect(hands.map((h) => h.id)).toEqual(['c', 'b', 'z', 'a']);
  });

  it('is empty when every hand is lowered or there are none', () => {
    expect(handQueue([])).toEqual([]);
    expect(handQueue([hand('a', '18:00', '18:01')])).toEqual([]);
  });
});

describe('ROOM_LIMITS', () => {
  it('bounds questions, kudos and questions per member', () => {
    expect(ROOM_LIMITS).toEqual({
      question: { max: 500 },
      kudos: { max: 280 },
      questionsPerMember: 20
    });
  });
});
