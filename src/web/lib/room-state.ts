// The live room's state in the browser, as pure functions: the stream's `snapshot` replaces it,
// every later event replaces the one thing it carries (last writer wins per id). Events are
// applied by id: one that is not newer than the last applied one is a duplicate (a replay after a
// reconnect, or an event the page's own load already contained) and is ignored.
import type {
  Hand,
  Kudos,
  Question,
  QuestionStatus,
  RoomEventData,
  RoomEventName,
  RoomPoll,
  RoomSnapshot,
  RoomState,
  RoomStatus
} from './room-types.ts';

/** The room's state in the browser: the last applied event id and what it shows. */
export type LiveRoom = RoomSnapshot;

/** What happened when an event was applied (for polite announcements). */
export interface Applied {
  /** A question the viewer had not seen before, asked by someone else. */
  newQuestion?: boolean;
  /** The viewer's own hand changed: raised or lowered (and by whom). */
  myHand?: { raised: boolean; loweredBy: string | null };
  /** A host opened or closed the room. */
  room?: boolean;
}

const rank = (s: QuestionStatus): number => (s === 'open' ? 0 : s === 'answered' ? 1 : 2);

/**
 * The order questions are shown in (the API's rule): open before answered before hidden, then
 * most upvotes, then the earlier question, then the id.
 *
 * @example
 * [q1, q2].sort(compareQuestions);
 */
export function compareQuestions(
  a: Pick<Question, 'status' | 'upvotes' | 'createdAt' | 'id'>,
  b: Pick<Question, 'status' | 'upvotes' | 'createdAt' | 'id'>
): number {
  return (
    rank(a.status) - rank(b.status) ||
    b.upvotes - a.upvotes ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function compareHands(a: Hand, b: Hand): number {
  return Date.parse(a.raisedAt) - Date.parse(b.raisedAt) || (a.id < b.id ? -1 : 1);
}

function comparePolls(a: RoomPoll, b: RoomPoll): number {
  return (b.openedAt ?? '').localeCompare(a.openedAt ?? '');
}

function compareKudos(a: Kudos, b: Kudos): number {
  return b.createdAt.localeCompare(a.createdAt);
}

/** `list` with `item` in place of the one with its id (or added), sorted by `compare`. */
function upsert<T extends { id: string }>(
  list: readonly T[],
  item: T,
  compare: (a: T, b: T) => number
): T[] {
  return [...list.filter((x) => x.id !== item.id), item].sort(compare);
}

/** A room state from a Room document or a `snapshot` event (a copy; lists in display order). */
export function fromSnapshot(snapshot: RoomSnapshot): LiveRoom {
  return {
    seq: snapshot.seq,
    room: { ...snapshot.room },
    questions: [...snapshot.questions].sort(compareQuestions),
    hands: snapshot.hands.filter((h) => h.loweredAt === null).sort(compareHands),
    polls: [...snapshot.polls].sort(comparePolls),
    kudos: [...snapshot.kudos].sort(compareKudos)
  };
}

/**
 * Applies one stream event with id `id` to `state` and returns the new state and what changed,
 * or null when the event is not newer than the state (a duplicate) — a snapshot replaces the
 * state unless it is older.
 *
 * @example
 * let room = fromSnapshot(document);
 * const next = applyRoomEvent(room, 12, 'question', question);
 * if (next) room = next.state;
 */
export function applyRoomEvent<N extends RoomEventName>(
  state: LiveRoom,
  id: number,
  name: N,
  data: RoomEventData[N]
): { state: LiveRoom; applied: Applied } | null {
  if (!Number.isFinite(id)) return null;
  if (name === 'snapshot') {
    if (id < state.seq) return null;
    return { state: { ...fromSnapshot(data as RoomSnapshot), seq: id }, applied: {} };
  }
  if (id <= state.seq) return null;
  const next: LiveRoom = { ...state, seq: id };
  const applied: Applied = {};
  switch (name) {
    case 'question': {
      const question = data as Question;
      applied.newQuestion = !question.mine && !state.questions.some((q) => q.id === question.id);
      next.questions = upsert(state.questions, question, compareQuestions);
      break;
    }
    case 'question-removed': {
      const { id: gone } = data as { id: string };
      next.questions = state.questions.filter((q) => q.id !== gone);
      break;
    }
    case 'hand': {
      const hand = data as Hand;
      next.hands =
        hand.loweredAt === null
          ? upsert(state.hands, hand, compareHands)
          : state.hands.filter((h) => h.id !== hand.id);
      if (hand.mine)
        applied.myHand = { raised: hand.loweredAt === null, loweredBy: hand.loweredBy };
      break;
    }
    case 'poll':
      next.polls = upsert(state.polls, data as RoomPoll, comparePolls);
      break;
    case 'poll-removed': {
      const { id: gone } = data as { id: string };
      next.polls = state.polls.filter((p) => p.id !== gone);
      break;
    }
    case 'kudos':
      next.kudos = upsert(state.kudos, data as Kudos, compareKudos);
      break;
    case 'room':
      next.room = { ...(data as RoomStatus) };
      applied.room = true;
      break;
    case 'snapshot':
      // Taken above.
      break;
  }
  return { state: next, applied };
}

/** What decides whether a room is open (the meeting's times, what hosts did, its status). */
export interface RoomTimes {
  startsAt: string;
  endsAt: string;
  room: Pick<RoomStatus, 'openedAt' | 'closedAt'>;
  /** The meeting's status: a cancelled meeting's room has ended, a draft's waits. */
  status: string;
}

/**
 * The room's state at `now` (the API's rule): open from the start (or when a host opened it
 * early) until the end (or until a host closed it); a host may open it again.
 */
export function roomStateAt(times: RoomTimes, now: Date): RoomState {
  if (times.status === 'cancelled') return 'ended';
  if (times.status === 'draft') return 'waiting';
  const startsAt = new Date(times.startsAt);
  const endsAt = new Date(times.endsAt);
  const openedAt = times.room.openedAt ? new Date(times.room.openedAt) : null;
  const closedAt = times.room.closedAt ? new Date(times.room.closedAt) : null;
  const hostOpened = openedAt !== null && (closedAt === null || openedAt > closedAt);
  if (closedAt !== null && !hostOpened) return 'ended';
  if (hostOpened) return now < endsAt || openedAt >= endsAt ? 'open' : 'ended';
  if (now < startsAt) return 'waiting';
  return now < endsAt ? 'open' : 'ended';
}
