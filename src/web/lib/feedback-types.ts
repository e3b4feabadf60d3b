// Wire shapes of the feedback API (`/events/:id/feedback…`, `/groups/:slug/talks/:id/feedback`)
// that the feedback pages and the talk page read, as the contract states them.

import type { Person } from './api-types.ts';

export type { Person };

/** Ratings run from 1 (poor) to 5 (excellent). */
export const RATINGS = [1, 2, 3, 4, 5] as const;
export type Rating = (typeof RATINGS)[number];

/** Bounds the API accepts (mirrors `FEEDBACK_LIMITS` of the domain). */
export const FEEDBACK_LIMITS = { comment: { max: 2000 }, nextTime: { max: 500 } } as const;

/** Ratings summed up: how many, the mean (one decimal) and how many gave 1 … 5 (index 0 is 1). */
export interface RatingSummary {
  count: number;
  average: number | null;
  distribution: [number, number, number, number, number];
}

/** One agenda item's part of someone's feedback. */
export interface FeedbackItemInput {
  agendaItemId: string;
  rating: number | null;
  comment: string;
  /** Hides the author from the speaker (organizers still see it). */
  anonymous: boolean;
}

/** Someone's feedback on a meeting (`PUT /events/:id/feedback`, and `mine` in the form). */
export interface Feedback {
  rating: number | null;
  comment: string;
  nextTime: string;
  items: FeedbackItemInput[];
}

/** Why feedback cannot be given (null when it can). */
export type FeedbackRefusal = 'notAttended' | 'notStarted' | 'closed';

/** `GET /events/:id/feedback/form`. */
export interface FeedbackForm {
  canGive: boolean;
  reason: FeedbackRefusal | null;
  /** Agenda items of kind talk and topic. */
  items: { agendaItemId: string; kind: string; title: string; speaker: string | null }[];
  mine: Feedback | null;
}

/** `GET /events/:id/feedback` (organizers). */
export interface FeedbackResults {
  responses: number;
  attendees: number;
  rating: RatingSummary;
  comments: { text: string; author: Person | null }[];
  nextTime: { feedbackId: string; text: string; author: Person | null; topicId: string | null }[];
  items: {
    agendaItemId: string;
    kind: string;
    title: string;
    rating: RatingSummary;
    comments: { text: string; author: Person | null; anonymous: boolean }[];
  }[];
}

/** `GET /groups/:slug/talks/:talkId/feedback` (the speaker, organizers). */
export interface TalkFeedback {
  rating: RatingSummary;
  /** The author is null when anonymous and the caller is the speaker. */
  comments: { text: string; author: Person | null }[];
}

/**
 * The bars of a rating chart: one per rating, 1 to 5, labelled by `labelOf`, the count shown as
 * `textOf` words it.
 *
 * @example
 * ratingBars({ count: 2, average: 4.5, distribution: [0, 0, 0, 1, 1] }, String, String);
 * // [{ label: '1', value: 0, text: '0' }, …, { label: '5', value: 1, text: '1' }]
 */
export function ratingBars(
  summary: RatingSummary,
  labelOf: (rating: Rating) => string,
  textOf: (count: number) => string
): { label: string; value: number; text: string }[] {
  return RATINGS.map((rating) => {
    const value = summary.distribution[rating - 1] ?? 0;
    return { label: labelOf(rating), value, text: textOf(value) };
  });
}
