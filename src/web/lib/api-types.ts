// Shapes of the Guildhall API (/api/v1) that the web UI reads. The API's zod schemas and OpenAPI
// document are the source of truth; these mirror the parts the pages use.
import type { Locale } from './i18n.ts';

/** The signed-in account, as returned by `GET /api/v1/me`. */
export interface Me {
  id: string;
  email: string;
  emailVerified: boolean;
  displayName: string;
  handle: string;
  /** Markdown source. */
  bio: string;
  /** Sanitized HTML rendered from `bio` by the API. */
  bioHtml: string;
  city: string | null;
  /** ISO 3166-1 alpha-2 code. */
  country: string | null;
  /** IANA time zone name. */
  timeZone: string;
  language: Locale;
  tags: string[];
  isAdmin: boolean;
  /** Shown to fellow members next to one's name on the board. */
  openToWork: boolean;
  createdAt: string;
}

/** One signed-in device, from `GET /api/v1/me/sessions`. */
export interface SessionInfo {
  id: string;
  current: boolean;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  ipAddress: string | null;
  userAgent: string | null;
}

export type TokenScope = 'read' | 'write';

/** A personal API token (never its secret), from `GET /api/v1/me/tokens`. */
export interface ApiToken {
  id: string;
  name: string;
  scope: TokenScope;
  /** The first characters of the secret, to recognize it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** `POST /api/v1/me/tokens` answer: the secret is shown once. */
export interface CreatedToken {
  token: ApiToken;
  secret: string;
}

/** A person on the wire; null where the account is gone. */
export interface Person {
  id: string;
  displayName: string;
  handle: string;
}

/** RFC 9457 problem details, as every API error is shaped. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

export interface ItemList<T> {
  items: T[];
}

export type GroupKind = 'meetup' | 'practice';
export type GroupVisibility = 'public' | 'private' | 'hidden';
export type JoinPolicy = 'open' | 'approval' | 'invitation';
export type GroupRole = 'owner' | 'organizer' | 'host' | 'member';
export type MembershipStatus = 'pending' | 'active' | 'banned';

/**
 * An instance admin hid the group from this instance (a takedown, apart from its visibility): only
 * its active members and admins see it, with this reason.
 */
export interface AdminHide {
  at: string;
  reason: string;
}

/** The longest reason the API takes for hiding a group (characters). */
export const ADMIN_HIDE_REASON_MAX = 500;

/** A group in a list, from `GET /api/v1/groups`. Private groups hide their details from outsiders. */
export interface GroupSummary {
  id: string;
  slug: string;
  name: string;
  kind: GroupKind;
  description: string;
  /** Plain text from the description, at most 200 characters (cut at a word, with …). */
  excerpt: string;
  visibility: GroupVisibility;
  joinPolicy: JoinPolicy;
  tags: string[];
  city: string | null;
  country: string | null;
  onlineOnly: boolean;
  memberCount: number | null;
  distanceKm: number | null;
  /** Only admins find such a group; its members see it among their groups. */
  hiddenByAdmin: AdminHide | null;
}

/** The place a search by city went by (the most populous place of that name). */
export interface SearchPlace {
  name: string;
  /** ISO 3166-1 alpha-2 code. */
  country: string;
  latitude: number;
  longitude: number;
}

/** `GET /api/v1/groups` answer. */
export interface GroupPage {
  items: GroupSummary[];
  nextCursor: string | null;
  /** What `city` was taken to mean; null without `city`. */
  place: SearchPlace | null;
}

/** One of the caller's groups, from `GET /api/v1/me/groups`. */
export interface MyGroup extends GroupSummary {
  role: GroupRole;
  status: 'active' | 'pending';
}

/**
 * The network a group is a chapter of. Not sent by `GET /api/v1/groups/:slug` yet: the group page
 * links to the network once it is.
 */
export interface NetworkRef {
  slug: string;
  name: string;
}

/** How a group's topic votes work. */
export interface PracticeSettings {
  votesPerMember: number;
  votesPerTopic: number;
  agendaTopics: number;
  tallyVisibility: 'live' | 'hidden';
}

/** A group, from `GET /api/v1/groups/:slug`. */
export interface Group {
  id: string;
  slug: string;
  name: string;
  kind: GroupKind;
  /** Markdown source. */
  description: string;
  /** Sanitized HTML rendered from `description` by the API. */
  descriptionHtml: string;
  /** Plain text from the description, at most 200 characters (cut at a word, with …). */
  excerpt: string;
  visibility: GroupVisibility;
  joinPolicy: JoinPolicy;
  joinQuestions: string[];
  /** Absent until the API sends it; null for groups outside any network. */
  network?: NetworkRef | null;
  /** Set while an admin has hidden the group from this instance (members and admins see it). */
  hiddenByAdmin: AdminHide | null;
  viewer: {
    role: GroupRole | null;
    status: MembershipStatus | null;
    canJoin: boolean;
    canManage: boolean;
    /** Hosts, organizers, owner and admins. */
    canCreateEvents?: boolean;
    /** Venues and sponsors: organizers, owner and admins. */
    canManageVenues?: boolean;
    /** Propose, comment on and vote for topics; propose talks (active members). */
    canProposeTopics?: boolean;
    /** Merge and archive topics, run votes, decide talks, add speakers (organizers and up). */
    canManageTopics?: boolean;
    /** The viewer's own settings as a member; null when not a member. */
    settings?: MemberSettings | null;
  };
  /** Whether chat is set up (organizers only; null for everyone else). */
  chat?: { webhook: boolean; commands: boolean } | null;
  /** null for people who may see no more than the name (private groups). */
  details: {
    tags: string[];
    city: string | null;
    country: string | null;
    latitude: number | null;
    longitude: number | null;
    onlineOnly: boolean;
    timeZone: string;
    websiteUrl: string | null;
    chatUrl: string | null;
    codeOfConductUrl: string | null;
    memberCount: number;
    /** The rules of its topic votes. */
    practice?: PracticeSettings;
    organizers: { userId: string; displayName: string; handle: string; role: GroupRole }[];
    createdAt: string;
  } | null;
}

/** A member of a group (directory and join requests). */
export interface Member {
  userId: string;
  displayName: string;
  handle: string;
  tags: string[];
  city: string | null;
  role: GroupRole;
  status: MembershipStatus;
  /** Answers to the join questions; organizers only. */
  answers: string[];
  joinedAt: string;
}

/** A network (a brand with chapters in many cities), from `GET /api/v1/networks/:slug`. */
export interface Network {
  id: string;
  slug: string;
  name: string;
  description: string;
  createdAt: string;
}

/** The next meeting of a chapter. Meetings do not exist yet: the API sends `null` for now. */
export interface NextMeeting {
  startsAt: string;
  /** IANA time zone of the meeting. */
  timeZone: string;
  title: string;
}

/** A member's own settings in a group. */
export interface MemberSettings {
  hiddenInDirectory: boolean;
  meetingMail: 'all' | 'going' | 'none';
}

/** A group of a network. Private chapters hide their place and size from outsiders. */
export interface Chapter {
  slug: string;
  name: string;
  city: string | null;
  country: string | null;
  visibility: GroupVisibility;
  memberCount: number | null;
  nextMeeting?: NextMeeting | null;
}

/** `GET /api/v1/networks/:slug` answer. */
export interface NetworkPage {
  network: Network;
  chapters: Chapter[];
}

/** A city, from `GET /api/v1/places?q=` (suggestions for the city search). */
export interface Place {
  /** GeoNames id. */
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2 code. */
  country: string;
  latitude: number;
  longitude: number;
  timeZone: string;
  population: number;
}

export type EventState = 'draft' | 'published' | 'cancelled' | 'past';
export type RsvpStatus = 'going' | 'waitlisted' | 'not_going';

/** Seats of a meeting: `taken` counts guests too; `left` is null without a limit. */
export interface Seats {
  capacity: number | null;
  taken: number;
  left: number | null;
  waiting: number;
}

/** The viewer's own answer to a meeting. */
export interface MyRsvp {
  status: RsvpStatus;
  guests: number;
  waitlistPosition: number | null;
  /** Shown at the door. */
  checkInCode: string;
  checkedIn: boolean;
}

/** A meeting in a list (`GET /groups/:slug/events`, `/me/events`, a series' `upcoming`). */
export interface EventSummary {
  id: string;
  group: { slug: string; name: string };
  seriesId: string | null;
  title: string;
  startsAt: string;
  endsAt: string;
  /** IANA zone of the meeting. */
  timeZone: string;
  status: EventState;
  cancelReason: string | null;
  online: boolean;
  venueName: string | null;
  seats: Seats;
  myRsvp: MyRsvp | null;
}

export interface EventList {
  items: EventSummary[];
  nextCursor: string | null;
}

/** A venue of a group, from `GET /groups/:slug/venues`. */
export interface Venue {
  id: string;
  name: string;
  address: string;
  room: string | null;
  capacity: number | null;
  /** Plain text; empty when not given. */
  accessibility: string;
  host: string | null;
  latitude: number | null;
  longitude: number | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export const SPONSOR_CONTRIBUTIONS = ['room', 'food', 'speakers', 'money'] as const;
export type SponsorContribution = (typeof SPONSOR_CONTRIBUTIONS)[number];

/** A sponsor of a group, from `GET /groups/:slug/sponsors`. */
export interface Sponsor {
  id: string;
  name: string;
  url: string | null;
  contributions: SponsorContribution[];
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A meeting, from `GET /events/:id`. */
export interface MeetingEvent extends EventSummary {
  description: string;
  /** Sanitized HTML rendered from `description` by the API. */
  descriptionHtml: string;
  venue: Venue | null;
  /** Only for people going, hosts and organizers. */
  onlineUrl: string | null;
  guestLimit: number;
  rsvpOpensAt: string | null;
  rsvpClosesAt: string | null;
  rsvpOpen: boolean;
  sponsors: Sponsor[];
  sequence: number;
  viewer: { canRsvp: boolean; canEdit: boolean; canCheckIn: boolean };
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

/** Someone's answer, from `GET /events/:id/attendees` and the check-in routes. */
export interface Attendee {
  userId: string;
  name: string;
  handle: string;
  status: RsvpStatus;
  guests: number;
  waitlistPosition: number | null;
  /** Hosts and organizers only; null otherwise. */
  checkedInAt: string | null;
}

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEKS_OF_MONTH = [1, 2, 3, 4, -1] as const;

/** "Every month on the 2nd Tuesday at 19:00", in the series' zone. */
export interface Recurrence {
  frequency: 'weekly' | 'monthly';
  interval: number;
  weekday: Weekday;
  /** Monthly only: 1–4, or -1 for the last. */
  weekOfMonth: number | null;
  /** `YYYY-MM-DD`. */
  startDate: string;
  /** `HH:MM`. */
  startTime: string;
  durationMinutes: number;
  until: string | null;
}

/** A recurring meeting, from `GET /series/:id`. */
export interface Series {
  id: string;
  group: { slug: string; name: string };
  title: string;
  description: string;
  recurrence: Recurrence;
  timeZone: string;
  rrule: string;
  venueId: string | null;
  online: boolean;
  capacity: number | null;
  guestLimit: number;
  rsvpOpensDays: number | null;
  rsvpClosesHours: number | null;
  /** Open a topic vote for the next meeting whenever one of the series ends. */
  votingRounds: boolean;
  /** Such a vote closes this many hours before the next meeting. */
  votingClosesHours: number;
  ended: boolean;
  upcoming: EventSummary[];
  mySeriesRsvp: { guests: number } | null;
}

export type UnsubscribeKind =
  | 'announce'
  | 'remind'
  | 'changed'
  | 'promoted'
  | `notify-${'mention' | 'reply' | 'post' | 'meeting' | 'round' | 'member' | 'report'}`
  | 'digest-daily'
  | 'digest-weekly';

/** `GET /unsubscribe?token=` answer. */
export interface UnsubscribeSummary {
  kind: UnsubscribeKind;
  groupName: string;
  /** Mostly hidden: `a***@example.com`. */
  email: string;
  stopped: boolean;
}

/** `POST /me/calendar-feed` answer: the personal feed, shown once. */
export interface CalendarFeed {
  url: string;
  /** The same address as `webcal://`, which calendar apps subscribe to. */
  webcal: string;
}
