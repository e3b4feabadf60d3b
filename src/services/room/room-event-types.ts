// What a meeting's live room keeps and sends. Every change in a room is one entry of its event
// log (`room_events`) carrying the whole changed thing, so the room's state is the fold of its log
// (last writer wins per id) and a client that missed entries catches up by replaying them.
import {
  type PollChoice,
  type PollResults,
  type PollStatus,
  resultsVisible
} from '../../domain/poll.ts';
import { compareQuestions, handQueue, type QuestionStatus } from '../../domain/room.ts';

/** A question as the room keeps it (times as ISO strings). */
export interface RoomQuestion {
  id: string;
  body: string;
  authorId: string | null;
  authorName: string | null;
  anonymous: boolean;
  status: QuestionStatus;
  upvotes: number;
  /** The backlog topic a host made of it. */
  topicId: string | null;
  /** The board post a host made of it. */
  postId: string | null;
  createdAt: string;
  answeredAt: string | null;
}

export interface RoomHand {
  id: string;
  userId: string;
  userName: string;
  raisedAt: string;
  loweredAt: string | null;
  /** Who lowered it: the hand's owner or a host. */
  loweredBy: string | null;
}

/** A meeting poll as the room keeps it; the counts are always there, the presenter hides them. */
export interface RoomPoll {
  id: string;
  question: string;
  choice: PollChoice;
  anonymous: boolean;
  results: PollResults;
  status: PollStatus;
  closesAt: string | null;
  openedAt: string | null;
  closedAt: string | null;
  ballotCount: number;
  options: { id: string; label: string; votes: number }[];
}

export interface RoomKudos {
  id: string;
  fromId: string | null;
  fromName: string | null;
  toUserId: string | null;
  toSpeakerId: string | null;
  toName: string;
  message: string;
  createdAt: string;
}

/** What hosts did to the room itself. */
export interface RoomStatus {
  openedAt: string | null;
  openedBy: string | null;
  closedAt: string | null;
  closedBy: string | null;
}

/** One entry of a room's event log. */
export type RoomEvent =
  | { kind: 'question'; question: RoomQuestion }
  | { kind: 'hand'; hand: RoomHand }
  | { kind: 'poll'; poll: RoomPoll }
  /** A draft meeting poll was deleted (only drafts can be; only hosts ever saw it). */
  | { kind: 'poll-removed'; pollId: string }
  | { kind: 'kudos'; kudos: RoomKudos }
  | { kind: 'room'; room: RoomStatus };

export type RoomEventKind = RoomEvent['kind'];

/** The fold of a room's log up to `seq`. */
export interface RoomFold {
  seq: number;
  room: RoomStatus;
  questions: Map<string, RoomQuestion>;
  hands: Map<string, RoomHand>;
  polls: Map<string, RoomPoll>;
  kudos: Map<string, RoomKudos>;
}

export function emptyFold(): RoomFold {
  return {
    seq: 0,
    room: { openedAt: null, openedBy: null, closedAt: null, closedBy: null },
    questions: new Map(),
    hands: new Map(),
    polls: new Map(),
    kudos: new Map()
  };
}

/** Applies one log entry to the fold (in place). */
export function foldEvent(state: RoomFold, seq: number, event: RoomEvent): void {
  state.seq = seq;
  switch (event.kind) {
    case 'question':
      state.questions.set(event.question.id, event.question);
      break;
    case 'hand':
      state.hands.set(event.hand.id, event.hand);
      break;
    case 'poll':
      state.polls.set(event.poll.id, event.poll);
      break;
    case 'poll-removed':
      state.polls.delete(event.pollId);
      break;
    case 'kudos':
      state.kudos.set(event.kudos.id, event.kudos);
      break;
    case 'room':
      state.room = event.room;
      break;
  }
}

/** Who watches a room: what the presenter may show them. */
export interface RoomViewer {
  userId: string | null;
  /** Hosts, organizers and admins: hidden questions, every hand, results before they show. */
  hosts: boolean;
}

/** A question on the wire: an anonymous one names its author only to the author. */
export interface QuestionView {
  id: string;
  body: string;
  author: { id: string; name: string } | null;
  anonymous: boolean;
  mine: boolean;
  status: QuestionStatus;
  upvotes: number;
  topicId: string | null;
  postId: string | null;
  createdAt: string;
  answeredAt: string | null;
}

export interface PollView extends Omit<RoomPoll, 'options'> {
  /** Whether the counts are shown (live results, a closed poll, or someone who runs it). */
  resultsVisible: boolean;
  options: { id: string; label: string; votes: number | null }[];
}

export interface HandView extends RoomHand {
  mine: boolean;
}

/** What one entry looks like to one viewer: an SSE event name and its data, or nothing. */
export type PresentedEvent =
  | { event: 'question'; data: QuestionView }
  | { event: 'question-removed'; data: { id: string } }
  | { event: 'hand'; data: HandView }
  | { event: 'poll'; data: PollView }
  | { event: 'poll-removed'; data: { id: string } }
  | { event: 'kudos'; data: RoomKudos }
  | { event: 'room'; data: RoomStatus };

export function presentQuestion(q: RoomQuestion, viewer: RoomViewer): QuestionView {
  const mine = viewer.userId !== null && q.authorId === viewer.userId;
  const named = !q.anonymous || mine;
  return {
    id: q.id,
    body: q.body,
    author: named && q.authorId !== null ? { id: q.authorId, name: q.authorName ?? '' } : null,
    anonymous: q.anonymous,
    mine,
    status: q.status,
    upvotes: q.upvotes,
    topicId: q.topicId,
    postId: q.postId,
    createdAt: q.createdAt,
    answeredAt: q.answeredAt
  };
}

export function presentPoll(poll: RoomPoll, viewer: RoomViewer, now: Date): PollView {
  const visible = resultsVisible(
    {
      status: poll.status,
      closesAt: poll.closesAt ? new Date(poll.closesAt) : null,
      results: poll.results
    },
    now,
    viewer.hosts
  );
  const closed = poll.status === 'open' && poll.closesAt !== null && new Date(poll.closesAt) <= now;
  return {
    ...poll,
    status: closed ? 'closed' : poll.status,
    resultsVisible: visible,
    options: poll.options.map((o) => ({
      id: o.id,
      label: o.label,
      votes: visible ? o.votes : null
    }))
  };
}

/**
 * One log entry as `viewer` sees it; null when it is not theirs to see (someone else's hand, a
 * draft poll). A hidden question reaches those who do not moderate as a removal.
 */
export function presentEvent(
  event: RoomEvent,
  viewer: RoomViewer,
  now: Date
): PresentedEvent | null {
  switch (event.kind) {
    case 'question':
      if (event.question.status === 'hidden' && !viewer.hosts) {
        return { event: 'question-removed', data: { id: event.question.id } };
      }
      return { event: 'question', data: presentQuestion(event.question, viewer) };
    case 'hand': {
      const mine = viewer.userId !== null && event.hand.userId === viewer.userId;
      if (!mine && !viewer.hosts) return null;
      return { event: 'hand', data: { ...event.hand, mine } };
    }
    case 'poll':
      if (event.poll.status === 'draft' && !viewer.hosts) return null;
      return { event: 'poll', data: presentPoll(event.poll, viewer, now) };
    case 'poll-removed':
      return viewer.hosts ? { event: 'poll-removed', data: { id: event.pollId } } : null;
    case 'kudos':
      return { event: 'kudos', data: event.kudos };
    case 'room':
      return { event: 'room', data: event.room };
  }
}

/**
 * Whether an entry looks the same to every viewer with the same `hosts` flag, so a fan-out can
 * present it once per flag instead of once per client.
 */
export function sharedPresentation(event: RoomEvent): boolean {
  if (event.kind === 'hand') return false;
  if (event.kind === 'question') return !event.question.anonymous;
  return true;
}

/** The room's state as one viewer sees it, without the per-viewer `my` facts. */
export interface RoomView {
  /** The last log entry this view contains: resume the stream after it. */
  seq: number;
  room: RoomStatus;
  /** Visible questions in display order (hidden ones only for hosts). */
  questions: QuestionView[];
  /** Raised hands in queue order: all for hosts, one's own for everyone else. */
  hands: HandView[];
  /** Meeting polls that were launched (drafts only for hosts), newest first. */
  polls: PollView[];
  /** Kudos, newest first. */
  kudos: RoomKudos[];
}

export function presentFold(state: RoomFold, viewer: RoomViewer, now: Date): RoomView {
  // Ties within one millisecond go to the order things entered the log (a Map keeps the order of
  // first insertion), never to random ids.
  const logOrder = (index: number) => String(index).padStart(10, '0');
  const questions = [...state.questions.values()]
    .map((q, index) => ({
      q,
      sort: { ...q, createdAt: new Date(q.createdAt), id: logOrder(index) }
    }))
    .filter(({ q }) => viewer.hosts || q.status !== 'hidden')
    .sort((a, b) => compareQuestions(a.sort, b.sort))
    .map(({ q }) => presentQuestion(q, viewer));
  const hands = handQueue(
    [...state.hands.values()]
      .map((h, index) => ({
        id: logOrder(index),
        raisedAt: new Date(h.raisedAt),
        loweredAt: h.loweredAt ? new Date(h.loweredAt) : null,
        raw: h
      }))
      .filter(({ raw }) => viewer.hosts || raw.userId === viewer.userId)
  ).map(({ raw }) => ({ ...raw, mine: raw.userId === viewer.userId }));
  const newestFirst = <T>(items: T[], at: (item: T) => string) =>
    items
      .map((item, index) => ({ item, index }))
      .sort((a, b) => at(b.item).localeCompare(at(a.item)) || b.index - a.index)
      .map(({ item }) => item);
  const polls = newestFirst(
    [...state.polls.values()].filter((p) => viewer.hosts || p.status !== 'draft'),
    (p) => p.openedAt ?? ''
  ).map((p) => presentPoll(p, viewer, now));
  const kudos = newestFirst([...state.kudos.values()], (k) => k.createdAt);
  return { seq: state.seq, room: state.room, questions, hands, polls, kudos };
}
