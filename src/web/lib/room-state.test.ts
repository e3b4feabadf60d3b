import { describe, expect, it } from 'vitest';
import { applyRoomEvent, compareQuestions, fromSnapshot, roomStateAt } from './room-state.ts';
import type { Hand, Question, RoomPoll, RoomSnapshot } from './room-types.ts';

function question(id: string, over: Partial<Question> = {}): Question {
  return {
    id,
    body: `Question ${id}`,
    author: { id: `u-${id}`, name: `Author ${id}` },
    anonymous: false,
    mine: false,
    status: 'open',
    upvotes: 0,
    topicId: null,
    postId: null,
    createdAt: '2026-05-01T18:00:00.000Z',
    answeredAt: null,
    ...over
  };
}

function hand(id: string, over: Partial<Hand> = {}): Hand {
  return {
    id,
    userId: `u-${id}`,
    userName: `Member ${id}`,
    raisedAt: '2026-05-01T18:05:00.000Z',
    loweredAt: null,
    loweredBy: null,
    mine: false,
    ...over
  };
}

function poll(id: string, over: Partial<RoomPoll> = {}): RoomPoll {
  return {
    id,
    question: `Poll ${id}`,
    choice: 'single',
    anonymous: true,
    results: 'live',
    status: 'open',
    closesAt: null,
    openedAt: '2026-05-01T18:10:00.000Z',
    closedAt: null,
    ballotCount: 0,
    resultsVisible: true,
    options: [
      { id: `${id}-a`, label: 'A', votes: 0 },
      { id: `${id}-b`, label: 'B', votes: 0 }
    ],
    ...over
  };
}

const empty: RoomSnapshot = {
  seq: 5,
  room: { openedAt: null, openedBy: null, closedAt: null, closedBy: null },
  questions: [],
  hands: [],
  polls: [],
  kudos: []
};

/** The value, failing the test when it is null. */
function must<T>(value: T | null): T {
  expect(value).not.toBeNull();
  return value as T;
}

/** Applies events in order, failing the test when one is ignored. */
function applyAll(
  state: RoomSnapshot,
  events: [number, 'question' | 'hand' | 'poll', Question | Hand | RoomPoll][]
): RoomSnapshot {
  let current = fromSnapshot(state);
  for (const [id, name, data] of events) {
    current = must(applyRoomEvent(current, id, name, data as never)).state;
  }
  return current;
}

describe('applyRoomEvent', () => {
  it('takes a snapshot, then events after it by id', () => {
    let state = fromSnapshot({ ...empty, seq: 0 });
    const snapshot = applyRoomEvent(state, 7, 'snapshot', {
      ...empty,
      seq: 7,
      questions: [question('q1')]
    });
    expect(snapshot?.state.seq).toBe(7);
    state = must(snapshot).state;
    const next = applyRoomEvent(state, 8, 'question', question('q2'));
    expect(next?.state.seq).toBe(8);
    expect(next?.state.questions.map((q) => q.id)).toEqual(['q1', 'q2']);
    expect(next?.applied.newQuestion).toBe(true);
  });

  it('ignores an event whose id is not after the last applied one, and an older snapshot', () => {
    const state = applyAll(empty, [[6, 'question', question('q1')]]);
    expect(applyRoomEvent(state, 6, 'question', question('q1', { upvotes: 9 }))).toBeNull();
    expect(applyRoomEvent(state, 4, 'question', question('q9'))).toBeNull();
    expect(applyRoomEvent(state, 5, 'snapshot', { ...empty, seq: 5 })).toBeNull();
    expect(applyRoomEvent(state, Number('x'), 'question', question('q9'))).toBeNull();
    // The same question again with a newer id replaces it, once (not a second entry).
    const again = applyRoomEvent(state, 7, 'question', question('q1', { upvotes: 1 }));
    expect(again?.state.questions).toHaveLength(1);
    expect(again?.state.questions[0]?.upvotes).toBe(1);
    expect(again?.applied.newQuestion).toBe(false);
  });

  it('keeps questions in display order: an upvoted question moves to the top', () => {
    const state = applyAll(empty, [
      [6, 'question', question('q1', { createdAt: '2026-05-01T18:01:00.000Z' })],
      [7, 'question', question('q2', { createdAt: '2026-05-01T18:02:00.000Z' })]
    ]);
    expect(state.questions.map((q) => q.id)).toEqual(['q1', 'q2']);
    const upvoted = applyRoomEvent(
      state,
      8,
      'question',
      question('q2', { createdAt: '2026-05-01T18:02:00.000Z', upvotes: 1 })
    );
    expect(upvoted?.state.questions.map((q) => q.id)).toEqual(['q2', 'q1']);
    const answered = applyRoomEvent(
      must(upvoted).state,
      9,
      'question',
      question('q2', { createdAt: '2026-05-01T18:02:00.000Z', upvotes: 1, status: 'answered' })
    );
    expect(answered?.state.questions.map((q) => q.id)).toEqual(['q1', 'q2']);
  });

  it('drops a removed question and does not count one’s own question as new', () => {
    const state = applyAll(empty, [[6, 'question', question('q1')]]);
    const removed = applyRoomEvent(state, 7, 'question-removed', { id: 'q1' });
    expect(removed?.state.questions).toEqual([]);
    const mine = applyRoomEvent(must(removed).state, 8, 'question', question('q3', { mine: true }));
    expect(mine?.applied.newQuestion).toBe(false);
  });

  it('drops a deleted draft poll', () => {
    const state = applyAll(empty, [[6, 'poll', poll('p1', { status: 'draft' })]]);
    expect(state.polls.map((p) => p.id)).toEqual(['p1']);
    const removed = applyRoomEvent(state, 7, 'poll-removed', { id: 'p1' });
    expect(removed?.state.polls).toEqual([]);
  });

  it('queues raised hands in the order raised and drops lowered ones', () => {
    const state = applyAll(empty, [
      [6, 'hand', hand('h2', { raisedAt: '2026-05-01T18:07:00.000Z' })],
      [7, 'hand', hand('h1', { raisedAt: '2026-05-01T18:06:00.000Z', mine: true })]
    ]);
    expect(state.hands.map((h) => h.id)).toEqual(['h1', 'h2']);
    const lowered = applyRoomEvent(
      state,
      8,
      'hand',
      hand('h1', {
        raisedAt: '2026-05-01T18:06:00.000Z',
        mine: true,
        loweredAt: '2026-05-01T18:09:00.000Z',
        loweredBy: 'host-1'
      })
    );
    expect(lowered?.state.hands.map((h) => h.id)).toEqual(['h2']);
    expect(lowered?.applied.myHand).toEqual({ raised: false, loweredBy: 'host-1' });
    // A snapshot never shows lowered hands either.
    const fresh = fromSnapshot({
      ...empty,
      hands: [hand('h3', { loweredAt: '2026-05-01T18:09:00.000Z' }), hand('h4')]
    });
    expect(fresh.hands.map((h) => h.id)).toEqual(['h4']);
  });

  it('replaces a poll with its newer counts, newest poll first', () => {
    const state = applyAll(empty, [
      [6, 'poll', poll('p1', { openedAt: '2026-05-01T18:10:00.000Z' })],
      [7, 'poll', poll('p2', { openedAt: '2026-05-01T18:20:00.000Z' })]
    ]);
    expect(state.polls.map((p) => p.id)).toEqual(['p2', 'p1']);
    const voted = applyRoomEvent(
      state,
      8,
      'poll',
      poll('p1', {
        ballotCount: 1,
        options: [
          { id: 'p1-a', label: 'A', votes: 1 },
          { id: 'p1-b', label: 'B', votes: 0 }
        ]
      })
    );
    expect(voted?.state.polls.find((p) => p.id === 'p1')?.ballotCount).toBe(1);
    expect(voted?.state.polls).toHaveLength(2);
  });

  it('takes the room status from a room event', () => {
    const opened = {
      openedAt: '2026-05-01T17:50:00.000Z',
      openedBy: 'h',
      closedAt: null,
      closedBy: null
    };
    const next = applyRoomEvent(fromSnapshot(empty), 6, 'room', opened);
    expect(next?.state.room).toEqual(opened);
    expect(next?.applied.room).toBe(true);
  });
});

describe('compareQuestions', () => {
  it('orders open before answered before hidden, then upvotes, then age', () => {
    const list = [
      question('hidden', { status: 'hidden', upvotes: 9 }),
      question('answered', { status: 'answered', upvotes: 5 }),
      question('late', { createdAt: '2026-05-01T18:09:00.000Z' }),
      question('early', { createdAt: '2026-05-01T18:01:00.000Z' }),
      question('voted', { upvotes: 2, createdAt: '2026-05-01T18:30:00.000Z' })
    ].sort(compareQuestions);
    expect(list.map((q) => q.id)).toEqual(['voted', 'early', 'late', 'answered', 'hidden']);
  });
});

describe('roomStateAt', () => {
  const times = {
    startsAt: '2026-05-01T18:00:00.000Z',
    endsAt: '2026-05-01T20:00:00.000Z',
    room: { openedAt: null, closedAt: null },
    status: 'published'
  };
  const at = (iso: string) => new Date(iso);

  it('waits before the start, is open during the meeting and ends after it', () => {
    expect(roomStateAt(times, at('2026-05-01T17:00:00Z'))).toBe('waiting');
    expect(roomStateAt(times, at('2026-05-01T18:00:00Z'))).toBe('open');
    expect(roomStateAt(times, at('2026-05-01T20:00:00Z'))).toBe('ended');
  });

  it('opens early when a host opened it, ends when a host closed it, opens again', () => {
    const early = { ...times, room: { openedAt: '2026-05-01T16:00:00Z', closedAt: null } };
    expect(roomStateAt(early, at('2026-05-01T17:00:00Z'))).toBe('open');
    const closed = { ...times, room: { openedAt: null, closedAt: '2026-05-01T18:30:00Z' } };
    expect(roomStateAt(closed, at('2026-05-01T18:40:00Z'))).toBe('ended');
    const again = {
      ...times,
      room: { openedAt: '2026-05-01T18:50:00Z', closedAt: '2026-05-01T18:30:00Z' }
    };
    expect(roomStateAt(again, at('2026-05-01T18:55:00Z'))).toBe('open');
  });

  it('has ended for a cancelled meeting and waits for a draft', () => {
    expect(roomStateAt({ ...times, status: 'cancelled' }, at('2026-05-01T18:30:00Z'))).toBe(
      'ended'
    );
    expect(roomStateAt({ ...times, status: 'draft' }, at('2026-05-01T18:30:00Z'))).toBe('waiting');
  });
});
