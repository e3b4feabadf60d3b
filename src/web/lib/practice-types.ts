// Wire shapes of the Community-of-Practice API (topics, voting rounds, chat links) that the topic,
// round and chat-link pages read. The API's zod schemas are the source of truth; these mirror the
// parts the pages use.

import type { Person } from './api-types.ts';

export type { Person };

export const TOPIC_STATUSES = ['open', 'scheduled', 'discussed', 'archived', 'withdrawn'] as const;
export type TopicStatus = (typeof TOPIC_STATUSES)[number];

/** What the proposer wants to do with the topic. */
export const TOPIC_WANTS = ['present', 'explain'] as const;
export type TopicWants = (typeof TOPIC_WANTS)[number];

/** One closed round a topic stood in (detail only). */
export interface TopicHistoryEntry {
  roundId: string;
  eventId: string;
  eventTitle: string;
  closedAt: string;
  votes: number;
  rank: number;
  picked: boolean;
}

/** A backlog topic, from `GET /groups/:slug/topics` and `GET /groups/:slug/topics/:id`. */
export interface Topic {
  id: string;
  title: string;
  description: string;
  /** Sanitized HTML rendered from `description` by the API. */
  descriptionHtml: string;
  linkUrl: string | null;
  wants: TopicWants;
  status: TopicStatus;
  proposedBy: Person | null;
  event: { id: string; title: string; startsAt: string; timeZone: string } | null;
  mergedInto: string | null;
  notes: string;
  notesHtml: string;
  links: { title: string; url: string }[];
  commentCount: number;
  createdAt: string;
  updatedAt: string;
  /** Votes in the group's open round; null while the tally is hidden or no round is open. */
  votes: number | null;
  /** The viewer's dots on it in the open round. */
  myVotes: number;
  /** Closed rounds it stood in (detail only; empty in lists). */
  history: TopicHistoryEntry[];
  viewer: { canEdit: boolean; canWithdraw: boolean; canManage: boolean; canComment: boolean };
}

/** A page of topics. */
export interface TopicPage {
  items: Topic[];
  nextCursor: string | null;
}

/** A comment on a topic. */
export interface TopicComment {
  id: string;
  body: string;
  bodyHtml: string;
  author: Person | null;
  createdAt: string;
  canDelete: boolean;
}

export interface TopicCommentPage {
  items: TopicComment[];
  nextCursor: string | null;
}

/** One topic in a round's ranking. */
export interface TallyEntry {
  topicId: string;
  title: string;
  votes: number;
  rank: number;
  picked: boolean;
}

/** A voting round, from `GET /rounds/:id` and `GET /groups/:slug/rounds/current`. */
export interface Round {
  id: string;
  event: { id: string; title: string; startsAt: string; endsAt: string; timeZone: string };
  status: 'open' | 'closed';
  opensAt: string;
  closesAt: string;
  rules: {
    votesPerMember: number;
    votesPerTopic: number;
    agendaTopics: number;
    tally: 'live' | 'hidden';
  };
  tieRule: 'votesThenEarlierProposal';
  /** Ranked by the rule; null while the tally is hidden and the round open. */
  tally: TallyEntry[] | null;
  picked: string[];
  override: { reason: string; by: Person | null; at: string } | null;
  voters: number;
  closedAt: string | null;
  /** The viewer's votes (by topic id) and how many are left; null for visitors. */
  my: { votes: Record<string, number>; left: number } | null;
  viewer: { canVote: boolean; canManage: boolean };
}

export interface RoundPage {
  items: Round[];
  nextCursor: string | null;
}

/**
 * What the round's event stream (`GET /rounds/:id/stream`, event `tally`) and the vote routes send:
 * totals always, the ranking only while it is shown, the caller's own votes only to the caller.
 */
export interface RoundTally {
  roundId?: string;
  status?: 'open' | 'closed';
  closed?: boolean;
  voters?: number;
  tally?: TallyEntry[] | null;
  my?: { votes: Record<string, number>; left: number } | null;
}

/** `GET /chat/links/:token`: which chat account a sign-in link would connect, to which group. */
export interface ChatLinkInfo {
  group: { slug: string; name: string };
  teamId: string;
  chatUserId: string;
  expiresAt: string;
}
