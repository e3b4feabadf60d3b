/**
 * The live room of a meeting: when it is open, the order of questions and raised hands. Pure
 * rules, no I/O.
 */

export const ROOM_LIMITS = {
  question: { max: 500 },
  kudos: { max: 280 },
  /** Questions one member may ask in one meeting. */
  questionsPerMember: 20
} as const;

export type RoomState = 'waiting' | 'open' | 'ended';

/** What decides whether a room is open. */
export interface RoomTimes {
  startsAt: Date;
  endsAt: Date;
  /** A host opened it early. */
  openedAt: Date | null;
  /** A host closed it. */
  closedAt: Date | null;
}

/**
 * A room opens at the meeting's start (or earlier when a host opens it) and ends at the meeting's
 * end or when a host closes it. A host may open it again after closing it; a room a host opened
 * after the meeting's end stays open until a host closes it.
 *
 * @example
 * roomState({ startsAt: new Date('2026-05-01T18:00Z'), endsAt: new Date('2026-05-01T19:30Z'), openedAt: null, closedAt: null }, new Date('2026-05-01T18:10Z')); // 'open'
 */
export function roomState(room: RoomTimes, now: Date): RoomState {
  const { openedAt, closedAt } = room;
  const hostOpened = openedAt !== null && (closedAt === null || openedAt > closedAt);
  if (closedAt !== null && !hostOpened) return 'ended';
  if (hostOpened) return now < room.endsAt || openedAt >= room.endsAt ? 'open' : 'ended';
  if (now < room.startsAt) return 'waiting';
  return now < room.endsAt ? 'open' : 'ended';
}

export type QuestionStatus = 'open' | 'answered' | 'hidden';

/**
 * The order questions are shown in: open before answered, then most upvotes, then the earlier
 * question, then the id (so the order is total).
 */
export function compareQuestions(
  a: { status: QuestionStatus; upvotes: number; createdAt: Date; id: string },
  b: { status: QuestionStatus; upvotes: number; createdAt: Date; id: string }
): number {
  const rank = (s: QuestionStatus) => (s === 'open' ? 0 : s === 'answered' ? 1 : 2);
  return (
    rank(a.status) - rank(b.status) ||
    b.upvotes - a.upvotes ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Raised hands in the order they were raised (lowered ones leave the queue). */
export function handQueue<T extends { raisedAt: Date; loweredAt: Date | null; id: string }>(
  hands: readonly T[]
): T[] {
  return hands
    .filter((h) => h.loweredAt === null)
    .sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime() || (a.id < b.id ? -1 : 1));
}
