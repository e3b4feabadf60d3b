// Wire shapes of the talks, speakers and agenda API that the talk, speaker and agenda pages read.
// The API's zod schemas are the source of truth; these mirror the parts the pages use.

import type { Person } from './api-types.ts';

export type { Person };

export const TALK_STATUSES = ['proposed', 'accepted', 'declined', 'later', 'withdrawn'] as const;
export type TalkStatus = (typeof TALK_STATUSES)[number];

export const TALK_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type TalkLevel = (typeof TALK_LEVELS)[number];

/** Bounds of a talk's length the API accepts. */
export const TALK_MINUTES = { min: 5, max: 240 } as const;

/** A talk proposal, from `GET /groups/:slug/talks` and `GET /groups/:slug/talks/:id`. */
export interface Talk {
  id: string;
  title: string;
  abstract: string;
  /** Sanitized HTML rendered from `abstract` by the API. */
  abstractHtml: string;
  durationMinutes: number;
  level: TalkLevel;
  status: TalkStatus;
  speaker: { id: string; name: string; company: string | null };
  event: { id: string; title: string; startsAt: string; timeZone: string } | null;
  slidesUrl: string | null;
  recordingUrl: string | null;
  /** Only for the submitter and those who decide; absent or null otherwise. */
  decisionNote?: string | null;
  submittedBy: Person | null;
  createdAt: string;
  updatedAt: string;
  viewer: { canEdit: boolean; canDecide: boolean; canWithdraw: boolean };
}

/** A page of talks. */
export interface TalkPage {
  items: Talk[];
  nextCursor: string | null;
}

/** A speaker of a group: a member, or an invited guest an organizer added. */
export interface Speaker {
  id: string;
  name: string;
  bio: string;
  bioHtml: string;
  company: string | null;
  member: Person | null;
  invited: boolean;
  /** How organizers reach an invited speaker: sent to organizers only. */
  contact?: string | null;
  /** Accepted talks. */
  talkCount: number;
}

/** `GET /groups/:slug/speakers/:id`: the speaker with their accepted talks, newest first. */
export interface SpeakerDetail extends Speaker {
  talks: Talk[];
}

export const AGENDA_KINDS = ['talk', 'topic', 'break', 'networking'] as const;
export type AgendaKind = (typeof AGENDA_KINDS)[number];

/** One item of a meeting's agenda. */
export interface AgendaItem {
  id: string;
  position: number;
  kind: AgendaKind;
  title: string;
  durationMinutes: number;
  talk: { id: string; title: string; level: string; speaker: { id: string; name: string } } | null;
  topic: { id: string; title: string } | null;
  moderator: Person | null;
  /** The voting round that put this topic here; null when placed by hand. */
  fromRound: string | null;
}

/** The agenda's total against the meeting's length. */
export interface AgendaTiming {
  totalMinutes: number;
  meetingMinutes: number;
  /** Minutes the agenda runs over (0 when it fits). */
  overMinutes: number;
  /** Minutes left unplanned (0 when it runs over). */
  freeMinutes: number;
}

/** `GET /events/:id/agenda`. */
export interface Agenda {
  eventId: string;
  items: AgendaItem[];
  timing: AgendaTiming;
  viewer: { canEdit: boolean };
}

/** What `PUT /events/:id/agenda` takes per item; `id` keeps an existing item. */
export interface AgendaItemInput {
  id?: string;
  kind: AgendaKind;
  title: string;
  durationMinutes: number;
  talkId?: string | null;
  topicId?: string | null;
  moderatorId?: string | null;
}

/** The topic-vote settings of a series (sent with every series). */
export interface SeriesVoting {
  votingRounds: boolean;
  votingClosesHours: number;
}

/**
 * When each agenda item starts: its offset in minutes from the meeting's start and the instant.
 *
 * @example
 * agendaStarts('2027-01-12T18:00:00.000Z', [{ durationMinutes: 30 }, { durationMinutes: 15 }]);
 * // [{ offsetMinutes: 0, startsAt: '2027-01-12T18:00:00.000Z' },
 * //  { offsetMinutes: 30, startsAt: '2027-01-12T18:30:00.000Z' }]
 */
export function agendaStarts(
  meetingStartsAt: string,
  items: readonly { durationMinutes: number }[]
): { offsetMinutes: number; startsAt: string }[] {
  const start = new Date(meetingStartsAt).getTime();
  let offset = 0;
  return items.map((item) => {
    const entry = {
      offsetMinutes: offset,
      startsAt: new Date(start + offset * 60_000).toISOString()
    };
    offset += item.durationMinutes;
    return entry;
  });
}

/** An agenda item as `PUT /events/:id/agenda` takes it back (keeps its id and references). */
export function agendaInput(item: AgendaItem): AgendaItemInput {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    durationMinutes: item.durationMinutes,
    ...(item.talk && { talkId: item.talk.id }),
    ...(item.topic && { topicId: item.topic.id }),
    ...(item.moderator && { moderatorId: item.moderator.id })
  };
}

/** The inputs of the propose and edit forms of a talk, as typed (shown again after an error). */
export interface TalkFormValues {
  title: string;
  abstract: string;
  durationMinutes: string;
  level: string;
  /** An organizer adding a talk for an invited speaker; '' for oneself. */
  speakerId: string;
}

/** The slides and recording links of a talk, as typed. */
export interface TalkLinkValues {
  slidesUrl: string;
  recordingUrl: string;
}

/** The inputs of the speaker form, as typed. */
export interface SpeakerFormValues {
  name: string;
  bio: string;
  company: string;
  contact: string;
}
