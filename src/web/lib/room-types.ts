// The live room of a meeting as the API sends it: `GET /api/v1/events/:id/room` (the Room
// document) and the events of `GET /api/v1/events/:id/room/stream` (Server-Sent Events).

/** waiting: before the start (unless a host opened it early); open; ended. */
export type RoomState = 'waiting' | 'open' | 'ended';

/** What hosts did to the room itself. */
export interface RoomStatus {
  openedAt: string | null;
  openedBy: string | null;
  closedAt: string | null;
  closedBy: string | null;
}

export type QuestionStatus = 'open' | 'answered' | 'hidden';

/** A question of the live Q&A. */
export interface Question {
  id: string;
  body: string;
  /** null for an anonymous question (except to its author) or a gone account. */
  author: { id: string; name: string } | null;
  anonymous: boolean;
  mine: boolean;
  status: QuestionStatus;
  upvotes: number;
  /** The backlog topic a host made of it. */
  topicId: string | null;
  /** The board post a host made of it. */
  postId: string | null;
  createdAt: string;
  answeredAt: string | null;
}

/** A raised (or lowered) hand: hosts get every hand, everyone else only their own. */
export interface Hand {
  id: string;
  userId: string;
  userName: string;
  raisedAt: string;
  loweredAt: string | null;
  /** Who lowered it: the hand's owner or a host. */
  loweredBy: string | null;
  mine: boolean;
}

export type PollChoice = 'single' | 'multiple';
export type PollResults = 'live' | 'closed';
export type PollStatus = 'draft' | 'open' | 'closed';

/** A meeting poll in the room (drafts only for hosts). */
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
  resultsVisible: boolean;
  /** `votes` is null while the results are not shown. */
  options: { id: string; label: string; votes: number | null }[];
}

export interface Kudos {
  id: string;
  fromId: string | null;
  fromName: string | null;
  toUserId: string | null;
  toSpeakerId: string | null;
  toName: string;
  message: string;
  createdAt: string;
}

/** The room as the stream's `snapshot` event sends it. */
export interface RoomSnapshot {
  /** The last room event this view contains. */
  seq: number;
  room: RoomStatus;
  /** Open first, then answered (hidden last, hosts only); by upvotes, then the earlier. */
  questions: Question[];
  /** Raised hands in the order raised. */
  hands: Hand[];
  /** Newest first. */
  polls: RoomPoll[];
  /** Newest first. */
  kudos: Kudos[];
}

/** `GET /api/v1/events/:id/room`. */
export interface Room extends RoomSnapshot {
  state: RoomState;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  viewer: { canJoin: boolean; canHost: boolean };
  my: { upvoted: string[]; answeredPolls: string[] };
}

/** The events of the room stream, by SSE event name. */
export interface RoomEventData {
  snapshot: RoomSnapshot;
  question: Question;
  'question-removed': { id: string };
  hand: Hand;
  poll: RoomPoll;
  /** A draft meeting poll was deleted (hosts only). */
  'poll-removed': { id: string };
  kudos: Kudos;
  room: RoomStatus;
}

export type RoomEventName = keyof RoomEventData;

export const ROOM_EVENT_NAMES: readonly RoomEventName[] = [
  'snapshot',
  'question',
  'question-removed',
  'hand',
  'poll',
  'poll-removed',
  'kudos',
  'room'
];

/** Limits the API checks (shown as `maxlength` and hints). */
export const ROOM_INPUT_LIMITS = {
  question: 500,
  kudos: 280,
  pollQuestion: 300,
  pollOption: 120,
  pollOptions: 20
} as const;

/** Someone kudos may go to: `value` is `user:<id>` (a member) or `speaker:<id>` (a speaker). */
export interface Recipient {
  value: string;
  name: string;
}

/** The room's "launch a poll" form as typed (shown again after a refusal). */
export interface LaunchValues {
  question: string;
  /** One option per line. */
  options: string;
  choice: PollChoice;
  anonymous: boolean;
  results: PollResults;
}
