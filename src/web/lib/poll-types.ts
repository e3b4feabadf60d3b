// Wire shapes of the poll API (`/groups/:slug/polls`, `/polls/:id`) that the poll pages read.
// The API's zod schemas are the source of truth; these mirror the contract.

import type { Person } from './api-types.ts';

export type { Person };

export const POLL_STATUSES = ['open', 'closed', 'draft'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];

export const POLL_CHOICES = ['single', 'multiple'] as const;
export type PollChoice = (typeof POLL_CHOICES)[number];

export const POLL_RESULTS = ['live', 'closed'] as const;
export type PollResults = (typeof POLL_RESULTS)[number];

/** Bounds the API accepts (mirrors `POLL_LIMITS` of the domain). */
export const POLL_LIMITS = {
  options: { min: 2, max: 20 },
  question: { max: 300 },
  option: { max: 120 }
} as const;

/** One answer a poll offers; counts only while the viewer may see the results. */
export interface PollOption {
  id: string;
  label: string;
  votes: number | null;
  percent: number | null;
  /** Named polls with visible results only; always null for anonymous polls. */
  voters: Person[] | null;
}

/** A poll, from `GET /polls/:id` and the group's list. */
export interface Poll {
  id: string;
  groupId: string;
  /** The meeting it belongs to, or null for a group poll. */
  eventId: string | null;
  question: string;
  choice: PollChoice;
  anonymous: boolean;
  results: PollResults;
  /** `closed` also once `closesAt` has passed. */
  status: PollStatus;
  closesAt: string | null;
  openedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  createdBy: Person | null;
  ballotCount: number;
  resultsVisible: boolean;
  options: PollOption[];
  /** The viewer's ballot; null for visitors. `optionIds` is null for anonymous polls. */
  my: { answered: boolean; optionIds: string[] | null } | null;
  viewer: { canManage: boolean; canAnswer: boolean };
}

/** A page of polls, newest first. */
export interface PollPage {
  items: Poll[];
  nextCursor: string | null;
}
