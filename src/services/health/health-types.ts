// What the health service returns: the same shapes as the wire (http/routes/health/health.schema.ts).
// Days are UTC `YYYY-MM-DD`, months `YYYY-MM`, weeks `YYYY-Www`, instants ISO 8601 strings.

import type { Tier, TierOrigin, TrendDirection } from '../../domain/health.ts';

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
  checkInUsed: boolean;
  noShows: number | null;
  noShowRate: number | null;
  waitlisted: number;
  newAttendees: number;
  returningAttendees: number;
  memberTalks: number;
  guestTalks: number;
  feedbackCount: number;
  averageRating: number | null;
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

export interface Participation {
  windowDays: number;
  from: string;
  to: string;
  tiers: { tier: Tier; count: number; percent: number; reference: number }[];
  moves: { from: TierOrigin; to: Tier; count: number }[];
  left: number;
}

export interface GroupHealth {
  groupId: string;
  rolledUpAt: string | null;
  public: boolean;
  members: { total: number; months: MemberMonth[] };
  meetings: {
    months: MeetingMonth[];
    items: HealthMeeting[];
    averageNoShowRate: number | null;
    noShowTrend: { slope: number; direction: TrendDirection } | null;
  };
  topics: { months: TopicMonth[] };
  talks: { months: TalkMonth[] };
  participation: Participation;
  quiet: { count: number; quietDays: number };
}

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

export interface HealthSettings {
  public: boolean;
  windowDays: number;
  quietDays: number;
}

export interface InstanceHealth {
  rolledUpAt: string | null;
  groups: number;
  members: number;
  meetings: number;
  meetingsLast30Days: number;
  weeks: { week: string; activeMembers: number }[];
}
