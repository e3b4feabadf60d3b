// Wire shapes of the moderation API (`/reports`, `/groups/:slug/reports`, `/admin/reports`,
// `/people/:handle`) that the report, queue and profile pages read. The API's zod schemas are the
// source of truth; these mirror the contract.

import type { Person } from './api-types.ts';

export const REPORT_SUBJECT_TYPES = ['post', 'comment', 'profile'] as const;
export type ReportSubjectType = (typeof REPORT_SUBJECT_TYPES)[number];

export const REPORT_REASONS = ['spam', 'harassment', 'off_topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const REPORT_ACTIONS = ['hide', 'warn', 'remove', 'ban', 'dismiss'] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

export const QUEUE_STATUSES = ['open', 'closed'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/** What a queue confirms after a decision (post/redirect/get). */
export const QUEUE_DONE = ['hide', 'warn', 'remove', 'ban', 'dismiss', 'reopen'] as const;
export type QueueDone = (typeof QUEUE_DONE)[number];

/** Bounds the API accepts. */
export const REPORT_LIMITS = { details: 2_000, message: 1_000, note: 1_000 } as const;

/** A report in a moderation queue, with its subject as it is now. */
export interface QueuedReport {
  id: string;
  groupId: string | null;
  group: { slug: string; name: string } | null;
  subjectType: ReportSubjectType;
  subjectId: string;
  reason: ReportReason;
  details: string;
  status: 'open' | 'resolved' | 'dismissed';
  createdAt: string;
  /** null when the post, comment or account is gone. */
  subject: {
    status: 'visible' | 'hidden' | 'removed';
    title: string | null;
    excerpt: string;
    path: string;
  } | null;
  author: Person | null;
  reporter: Person | null;
  otherOpenReports: number;
  resolution: ReportAction | null;
  resolutionNote: string | null;
  resolvedBy: Person | null;
  resolvedAt: string | null;
  /** What may be decided now (empty once closed). */
  actions: ReportAction[];
  canReopen: boolean;
}

export interface ReportPage {
  items: QueuedReport[];
  nextCursor: string | null;
}

/** A person's public profile. */
export interface PublicProfile {
  id: string;
  displayName: string;
  handle: string;
  bio: string;
  /** Sanitized HTML rendered from `bio` by the API. */
  bioHtml: string;
  city: string | null;
  tags: string[];
  groups: { slug: string; name: string }[];
  /** Only for people who share an active group with them. */
  openToWork?: boolean;
  viewer: { canReport: boolean; isSelf: boolean };
}

/**
 * Reads `?subject=post:<id>` (or `comment:<id>`, `profile:<handle>`); null for anything else.
 *
 * @example
 * parseSubject('profile:ada'); // { type: 'profile', id: 'ada' }
 */
export function parseSubject(value: string | null): { type: ReportSubjectType; id: string } | null {
  if (!value) return null;
  const at = value.indexOf(':');
  if (at < 0) return null;
  const type = REPORT_SUBJECT_TYPES.find((s) => s === value.slice(0, at));
  const id = value.slice(at + 1).trim();
  if (!type || id === '' || id.length > 100) return null;
  return { type, id };
}
