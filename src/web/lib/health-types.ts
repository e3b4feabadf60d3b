// The community health API's wire shapes as the web UI reads them (see
// src/http/routes/health/health.schema.ts). Days are UTC `YYYY-MM-DD`, months `YYYY-MM`, weeks
// `YYYY-Www`, instants ISO 8601.
import type { Me } from './api-types.ts';

export const TIERS = ['audience', 'contributor', 'core'] as const;
export type Tier = (typeof TIERS)[number];
export type TierOrigin = Tier | 'new';

/** The tables the dashboard exports as CSV (`health.csv?table=`). */
export const HEALTH_TABLES = [
  'members',
  'meetings',
  'topics',
  'talks',
  'participation',
  'quiet'
] as const;
export type HealthTable = (typeof HEALTH_TABLES)[number];

export interface MemberMonth {
  month: string;
  joins: number;
  leaves: number;
  /** Active members at the end of the month. */
  total: number;
}

export interface MeetingMonth {
  month: string;
  meetings: number;
}

export interface HealthMeeting {
  eventId: string;
  title: string;
  startsAt: string;
  timeZone: string;
  capacity: number | null;
  going: number;
  checkedIn: number;
  /** false: nobody was checked in, attendance is read from `going`. */
  checkInUsed: boolean;
  noShows: number | null;
  /** Percent, one decimal; null without check-ins. */
  noShowRate: number | null;
  waitlisted: number;
  newAttendees: number;
  returningAttendees: number;
  memberTalks: number;
  guestTalks: number;
  feedbackCount: number;
  /** 1–5, one decimal; null without ratings. */
  averageRating: number | null;
}

export interface HealthTrend {
  /** Change per meeting, in percentage points. */
  slope: number;
  direction: 'rising' | 'falling' | 'flat';
}

export interface TopicMonth {
  month: string;
  proposed: number;
  votesCast: number;
  voters: number;
  pollAnswers: number;
}

export interface TalkMonth {
  month: string;
  memberTalks: number;
  guestTalks: number;
}

export interface TierCount {
  tier: Tier;
  count: number;
  percent: number;
  /** The 90-9-1 reference share, in percent. */
  reference: number;
}

export interface TierMove {
  from: TierOrigin;
  to: Tier;
  count: number;
}

export interface Participation {
  windowDays: number;
  from: string;
  to: string;
  tiers: TierCount[];
  moves: TierMove[];
  left: number;
}

/** `GET /groups/:slug/health`: the organizers' dashboard. */
export interface GroupHealth {
  groupId: string;
  rolledUpAt: string | null;
  public: boolean;
  members: { total: number; months: MemberMonth[] };
  meetings: {
    months: MeetingMonth[];
    /** The last 24 meetings, oldest first. */
    items: HealthMeeting[];
    averageNoShowRate: number | null;
    noShowTrend: HealthTrend | null;
  };
  topics: { months: TopicMonth[] };
  talks: { months: TalkMonth[] };
  participation: Participation;
  quiet: { count: number; quietDays: number };
}

/** `GET /groups/:slug/health/public`: figures without names. */
export interface PublicHealth {
  groupId: string;
  rolledUpAt: string | null;
  members: { total: number; months: MemberMonth[] };
  meetings: { months: MeetingMonth[]; averageAttendance: number | null };
}

export interface QuietMember {
  userId: string;
  handle: string;
  name: string;
  role: string;
  attendedOfSix: number;
  lastActiveOn: string | null;
  lastContactedAt: string | null;
}

export interface QuietList {
  quietDays: number;
  items: QuietMember[];
}

export interface HealthSettings {
  public: boolean;
  windowDays: number;
  quietDays: number;
}

export const HEALTH_SETTINGS_FIELDS = ['public', 'windowDays', 'quietDays'] as const;
export const OUTREACH_FIELDS = ['subject', 'body'] as const;
export const OUTREACH_SUBJECT_MAX = 150;
export const OUTREACH_BODY_MAX = 5000;

export interface InstanceWeek {
  week: string;
  activeMembers: number;
}

/** `GET /admin/health`. */
export interface InstanceHealth {
  rolledUpAt: string | null;
  groups: number;
  members: number;
  meetings: number;
  meetingsLast30Days: number;
  /** The last 12 ISO weeks, oldest first. */
  weeks: InstanceWeek[];
}

/** `GET /me` with the health opt-out (absent until the API sends it). */
export type MeWithHealth = Me & { healthOptOut?: boolean };

/** `/api/v1/groups/<slug>/health.csv?table=<table>`: the CSV of one table. */
export function healthCsvHref(slug: string, table: HealthTable): string {
  return `/api/v1/groups/${encodeURIComponent(slug)}/health.csv?table=${table}`;
}

/**
 * A month `YYYY-MM` as people read it, short (`Nov 26`) or long (`November 2026`).
 *
 * @example
 * monthLabel('2026-11', 'de', 'long'); // 'November 2026'
 */
export function monthLabel(month: string, locale: string, length: 'short' | 'long'): string {
  const at = new Date(`${month}-01T00:00:00.000Z`);
  if (Number.isNaN(at.getTime())) return month;
  return new Intl.DateTimeFormat(locale, {
    month: length,
    year: length === 'long' ? 'numeric' : '2-digit',
    timeZone: 'UTC'
  }).format(at);
}

/**
 * A day `YYYY-MM-DD` (UTC) as people read it.
 *
 * @example
 * dayLabel('2026-11-03', 'en'); // 'Nov 3, 2026'
 */
export function dayLabel(day: string, locale: string): string {
  const at = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(at.getTime())) return day;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}

/**
 * A meeting's date in its own time zone, short for a chart's axis (`3 Nov`) or with the year.
 *
 * @example
 * meetingDay({ startsAt: '2026-11-03T17:30:00Z', timeZone: 'Europe/Berlin' }, 'de', 'short'); // '3. Nov.'
 */
export function meetingDay(
  meeting: { startsAt: string; timeZone: string },
  locale: string,
  length: 'short' | 'long'
): string {
  const at = new Date(meeting.startsAt);
  if (Number.isNaN(at.getTime())) return meeting.startsAt;
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    ...(length === 'long' ? { year: 'numeric' } : {}),
    timeZone: meeting.timeZone
  }).format(at);
}
