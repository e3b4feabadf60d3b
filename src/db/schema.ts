import type { ColumnType, Generated } from 'kysely';

/**
 * Timestamps are ISO 8601 strings on SQLite and `timestamptz` (Date) on PostgreSQL — the same
 * representation better-auth uses. Read them through `toDate()` from `./values.ts`.
 */
export type Timestamp = ColumnType<Date | string, Date | string, Date | string>;
/** 0/1 on SQLite, boolean on PostgreSQL. Read through `toBool()`. */
export type Bool = ColumnType<boolean | number, boolean | number, boolean | number>;
/** A timestamp that may be null (optional on insert). */
export type NullableTimestamp = ColumnType<
  Date | string | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** A boolean column with a database default (optional on insert). */
export type DefaultBool = ColumnType<
  boolean | number,
  boolean | number | undefined,
  boolean | number
>;

export interface UsersTable {
  id: string;
  name: string;
  email: string;
  email_verified: Bool;
  image: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  handle: string;
  bio: string;
  city: string | null;
  country: string | null;
  time_zone: string;
  language: string;
  /** JSON array of normalized interest tags. */
  tags: string;
  is_admin: Bool;
  open_to_work: DefaultBool;
  /** The member asked not to be listed to organizers when they have gone quiet. */
  health_opt_out: DefaultBool;
  /** Since when an instance admin has suspended the account (null: not suspended). */
  suspended_at: NullableTimestamp;
}

export interface SessionsTable {
  id: string;
  expires_at: Timestamp;
  token: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  ip_address: string | null;
  user_agent: string | null;
  user_id: string;
}

export interface AccountsTable {
  id: string;
  account_id: string;
  provider_id: string;
  user_id: string;
  access_token: string | null;
  refresh_token: string | null;
  id_token: string | null;
  access_token_expires_at: Timestamp | null;
  refresh_token_expires_at: Timestamp | null;
  scope: string | null;
  password: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VerificationsTable {
  id: string;
  identifier: string;
  value: string;
  expires_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** `read` or `write` (write includes read). */
  scope: string;
  /** First characters of the token, shown so a person can tell tokens apart. */
  prefix: string;
  /** SHA-256 of the whole token, hex. */
  token_hash: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
}

export interface JobsTable {
  id: Generated<number>;
  queue: string;
  payload: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: Timestamp;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface InstanceSettingsTable {
  key: string;
  /** JSON-encoded value. */
  value: string;
}

export interface NetworksTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  created_at: Timestamp;
}

export interface GroupsTable {
  id: string;
  slug: string;
  name: string;
  /** `meetup` or `practice` (Community of Practice). */
  kind: string;
  description: Generated<string>;
  /** Plain text from the description, made when the group is written ('' for older rows). */
  excerpt: Generated<string>;
  /** JSON array of normalized tags (also rows of group_tags, for filtering). */
  tags: Generated<string>;
  city: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  online_only: DefaultBool;
  time_zone: string;
  website_url: string | null;
  chat_url: string | null;
  code_of_conduct_url: string | null;
  /** Days a job lead stays on the board. */
  job_lead_days: Generated<number>;
  /** `public`, `private` or `hidden`. */
  visibility: string;
  /** `open`, `approval` or `invitation`. */
  join_policy: string;
  /** JSON array of questions applicants answer. */
  join_questions: Generated<string>;
  network_id: string | null;
  /** Active members, kept in step with memberships inside the same transaction. */
  member_count: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Dot votes each member has per voting round. */
  votes_per_member: Generated<number>;
  /** At most this many of a member's votes on one topic. */
  votes_per_topic: Generated<number>;
  /** How many top topics a closing round puts on the agenda (K). */
  agenda_topics: Generated<number>;
  /** `live` (everyone sees the tally) or `hidden` (until the round closes). */
  tally_visibility: Generated<string>;
  /** Slack-compatible incoming-webhook URL the agenda is posted to when a round closes. */
  chat_webhook_url: string | null;
  /** Signing secret of the group's Slack-compatible app (slash commands); never sent out. */
  chat_signing_secret: string | null;
  /** Whether the health figures without names (members, meetings, attendance) are public. */
  health_public: DefaultBool;
  /** The participation window of the 90-9-1 tiers, in days. */
  health_window_days: Generated<number>;
  /** How long a regular must have stayed away to be listed as gone quiet, in days. */
  health_quiet_days: Generated<number>;
  /**
   * Since when an instance admin has hidden the group from this instance (null: not hidden): a
   * takedown organizers cannot undo, unlike `visibility`.
   */
  hidden_by_admin_at: NullableTimestamp;
  /** Why the admin hid the group (shown to its members); null when not hidden. */
  hidden_by_admin_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface GroupTagsTable {
  group_id: string;
  tag: string;
}

export interface MembershipsTable {
  group_id: string;
  user_id: string;
  /** `owner`, `organizer`, `host` or `member`. */
  role: string;
  /** `pending`, `active` or `banned`. */
  status: string;
  /** JSON array of answers to the group's join questions. */
  answers: Generated<string>;
  hidden_in_directory: DefaultBool;
  /** Which meeting mails the member wants: `all`, `going` (only meetings they RSVP to) or `none`. */
  meeting_mail: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditEntriesTable {
  id: string;
  group_id: string | null;
  actor_id: string | null;
  action: string;
  subject_user_id: string | null;
  /** JSON object with what changed. */
  details: Generated<string>;
  created_at: Timestamp;
}

export interface GroupInvitationsTable {
  id: string;
  group_id: string;
  email: string;
  /** SHA-256 of the token in the mailed link, hex. */
  token_hash: string;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_by: string | null;
  accepted_at: Timestamp | null;
}

export interface VenuesTable {
  id: string;
  group_id: string;
  name: string;
  address: string;
  room: string | null;
  capacity: number | null;
  accessibility: Generated<string>;
  /** Who hosts the group there (a company, a university). */
  host: string | null;
  latitude: number | null;
  longitude: number | null;
  archived: DefaultBool;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SponsorsTable {
  id: string;
  group_id: string;
  name: string;
  url: string | null;
  /** JSON array of `room`, `food`, `speakers`, `money`. */
  contributions: Generated<string>;
  archived: DefaultBool;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SeriesTable {
  id: string;
  group_id: string;
  title: string;
  description: Generated<string>;
  /** RFC 5545 text: DTSTART;TZID=… and RRULE:… */
  rrule: string;
  time_zone: string;
  duration_minutes: number;
  venue_id: string | null;
  online_url: string | null;
  capacity: number | null;
  guest_limit: Generated<number>;
  /** RSVP opens this many days before each meeting (null: when it is published). */
  rsvp_opens_days: number | null;
  /** RSVP closes this many hours before each meeting (null: at its start). */
  rsvp_closes_hours: number | null;
  /** Occurrences exist as events up to this instant. */
  materialized_until: Timestamp;
  ended: DefaultBool;
  /** Open a voting round for the next meeting whenever one of the series ends. */
  voting_rounds: DefaultBool;
  /** Such a round closes this many hours before the next meeting starts. */
  voting_closes_hours: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EventsTable {
  id: string;
  group_id: string;
  series_id: string | null;
  /** The start the series rule gave this occurrence (null for a one-off meeting). */
  occurrence_start: Timestamp | null;
  /** Edited on its own: series edits leave it alone. */
  detached: DefaultBool;
  title: string;
  description: Generated<string>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  time_zone: string;
  venue_id: string | null;
  online_url: string | null;
  capacity: number | null;
  guest_limit: Generated<number>;
  rsvp_opens_at: Timestamp | null;
  rsvp_closes_at: Timestamp | null;
  /** `draft`, `published` or `cancelled` (a meeting is past once it has ended). */
  status: string;
  cancel_reason: string | null;
  /** iCalendar SEQUENCE: raised on every change attendees should see. */
  sequence: Generated<number>;
  going_seats: Generated<number>;
  waitlist_count: Generated<number>;
  /** When attendees were asked for feedback (once per meeting). */
  feedback_requested_at: ColumnType<
    Date | string | null,
    Date | string | null | undefined,
    Date | string | null
  >;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: Timestamp | null;
}

export interface EventSponsorsTable {
  event_id: string;
  sponsor_id: string;
}

export interface RsvpsTable {
  event_id: string;
  user_id: string;
  /** `going`, `waitlisted` or `not_going`. */
  status: string;
  guests: Generated<number>;
  /** Place in line while waitlisted (lower comes first). */
  queue_no: number | null;
  check_in_code: string;
  checked_in_at: Timestamp | null;
  from_series: DefaultBool;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SeriesRsvpsTable {
  series_id: string;
  user_id: string;
  guests: Generated<number>;
  created_at: Timestamp;
}

export interface CalendarFeedsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: Timestamp;
}

export interface MailOptOutsTable {
  user_id: string;
  kind: string;
  /** A group id, or `*` for every group. */
  scope: string;
  created_at: Timestamp;
}

/** A backlog item a member proposes for a meeting (Community of Practice). */
export interface TopicsTable {
  id: string;
  group_id: string;
  title: string;
  /** Markdown. */
  description: Generated<string>;
  link_url: string | null;
  /** `present` (the proposer can present it) or `explain` (they want it explained). */
  wants: string;
  /** `open`, `scheduled`, `discussed`, `archived` or `withdrawn`. */
  status: string;
  proposed_by: string | null;
  /** The meeting it is scheduled for (and was discussed at). */
  event_id: string | null;
  /** The topic this duplicate was merged into (status `archived`). */
  merged_into: string | null;
  /** Markdown notes added after the meeting. */
  notes: Generated<string>;
  /** JSON array of `{ title, url }` added after the meeting. */
  links: Generated<string>;
  comment_count: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TopicCommentsTable {
  id: string;
  topic_id: string;
  author_id: string | null;
  /** Markdown. */
  body: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Dot voting on a group's open topics ahead of one meeting. */
export interface VotingRoundsTable {
  id: string;
  group_id: string;
  event_id: string;
  /** `open` or `closed`. */
  status: string;
  opens_at: Timestamp;
  closes_at: Timestamp;
  votes_per_member: number;
  votes_per_topic: number;
  agenda_topics: number;
  /** `live` or `hidden`. */
  tally_visibility: string;
  /** JSON array of picked topic ids in agenda order. */
  picked: Generated<string>;
  override_reason: string | null;
  overridden_by: string | null;
  overridden_at: Timestamp | null;
  /** Who opened it by hand (null: opened automatically by its series). */
  opened_by: string | null;
  closed_at: Timestamp | null;
  created_at: Timestamp;
}

/** How many of one member's dots sit on one topic in one round. */
export interface VotesTable {
  round_id: string;
  topic_id: string;
  user_id: string;
  count: number;
  updated_at: Timestamp;
}

/** Someone who gives talks in a group: a member, or an invited guest (user_id null). */
export interface SpeakersTable {
  id: string;
  group_id: string;
  user_id: string | null;
  name: string;
  bio: Generated<string>;
  company: string | null;
  /** Private to organizers. */
  contact: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A talk proposal (call for talks) and, once accepted, a talk at a meeting. */
export interface TalksTable {
  id: string;
  group_id: string;
  speaker_id: string;
  submitted_by: string | null;
  title: string;
  abstract: Generated<string>;
  duration_minutes: number;
  /** `beginner`, `intermediate` or `advanced`. */
  level: string;
  /** `proposed`, `accepted`, `declined`, `later` or `withdrawn`. */
  status: string;
  event_id: string | null;
  decision_note: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  slides_url: string | null;
  recording_url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One ordered item of a meeting's agenda. */
export interface AgendaItemsTable {
  id: string;
  event_id: string;
  position: number;
  /** `talk`, `topic`, `break` or `networking`. */
  kind: string;
  title: string;
  duration_minutes: number;
  talk_id: string | null;
  topic_id: string | null;
  moderator_id: string | null;
  round_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A chat account (Slack-compatible team + user) linked to a Guildhall account, per group. */
export interface ChatAccountsTable {
  group_id: string;
  team_id: string;
  chat_user_id: string;
  user_id: string;
  created_at: Timestamp;
}

/** A one-time link that ties a chat account to the Guildhall account that opens it. */
export interface ChatLinkTokensTable {
  token_hash: string;
  group_id: string;
  team_id: string;
  chat_user_id: string;
  expires_at: Timestamp;
  created_at: Timestamp;
}

/** A poll in a group, or in one of its meetings (`event_id`), where hosts launch it live. */
export interface PollsTable {
  id: string;
  group_id: string;
  event_id: string | null;
  question: string;
  /** `single` or `multiple`. */
  choice: string;
  /** Anonymous polls keep only option counts: who chose what is never stored. */
  anonymous: Bool;
  /** `live` (results while open) or `closed` (results once closed). */
  results: string;
  /** `draft`, `open` or `closed`. */
  status: string;
  closes_at: Timestamp | null;
  opened_at: Timestamp | null;
  closed_at: Timestamp | null;
  ballot_count: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PollOptionsTable {
  id: string;
  poll_id: string;
  position: number;
  label: string;
  votes: Generated<number>;
}

/** That a member answered a poll (one ballot each). */
export interface PollBallotsTable {
  poll_id: string;
  user_id: string;
  created_at: Timestamp;
}

/** Who chose which option — named polls only. */
export interface PollChoicesTable {
  poll_id: string;
  option_id: string;
  user_id: string;
}

/** A meeting's live room and the counter of its event log. */
export interface MeetingRoomsTable {
  event_id: string;
  /** Opened early by a host (the room opens by itself at the meeting's start). */
  opened_at: Timestamp | null;
  opened_by: string | null;
  /** Closed by a host (else it closes at the meeting's end). */
  closed_at: Timestamp | null;
  closed_by: string | null;
  last_seq: Generated<number>;
  created_at: Timestamp;
}

/** One entry of a room's event log: what the live room sends, replayable by `seq`. */
export interface RoomEventsTable {
  event_id: string;
  seq: number;
  kind: string;
  /** JSON of the changed thing, as the room keeps it (see services/room/room-event-types.ts). */
  payload: string;
  created_at: Timestamp;
}

/** A question asked in a meeting's live Q&A. */
export interface QuestionsTable {
  id: string;
  event_id: string;
  author_id: string | null;
  /** Shown to nobody but its author. */
  anonymous: Bool;
  body: string;
  /** `open`, `answered` or `hidden`. */
  status: string;
  upvotes: Generated<number>;
  /** The backlog topic a host made of it. */
  topic_id: string | null;
  /** The board post a host made of it. */
  post_id: ColumnType<string | null, string | null | undefined, string | null>;
  answered_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface QuestionVotesTable {
  question_id: string;
  user_id: string;
  created_at: Timestamp;
}

/** A raised hand in a meeting's room; lowered by its owner or a host. */
export interface HandsTable {
  id: string;
  event_id: string;
  user_id: string;
  raised_at: Timestamp;
  lowered_at: Timestamp | null;
  lowered_by: string | null;
}

/** Thanks to a member (`to_user_id`) or a speaker (`to_speaker_id`), in a meeting or a group. */
export interface KudosTable {
  id: string;
  group_id: string;
  event_id: string | null;
  from_user_id: string | null;
  to_user_id: string | null;
  to_speaker_id: string | null;
  message: string;
  created_at: Timestamp;
}

/** One attendee's feedback on a meeting. */
export interface FeedbackTable {
  id: string;
  event_id: string;
  user_id: string;
  /** 1–5, or null when they rated only agenda items. */
  rating: number | null;
  comment: Generated<string>;
  /** What they would like to talk about next time. */
  next_time: Generated<string>;
  /** The backlog topic an organizer made of `next_time`. */
  next_time_topic_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Feedback on one agenda item (a talk, a topic). */
export interface FeedbackItemsTable {
  feedback_id: string;
  agenda_item_id: string;
  rating: number | null;
  comment: Generated<string>;
  /** The speaker sees the comment without the author's name. */
  anonymous: DefaultBool;
}

/** A post on a group's board. */
export interface PostsTable {
  id: string;
  group_id: string;
  author_id: string | null;
  /** `help`, `job`, `announcement`, `discussion` or `kudos`. */
  kind: string;
  title: string;
  body: string;
  link_url: string | null;
  link_title: string | null;
  link_description: string | null;
  /** `pending`, `ok` or `failed`; null without a link. */
  link_status: string | null;
  /** `visible`, `hidden` (by moderators) or `removed`. */
  status: string;
  solved_at: Timestamp | null;
  pinned_at: Timestamp | null;
  /** When a job lead leaves the board. */
  expires_at: Timestamp | null;
  comment_count: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  edited_at: Timestamp | null;
}

/** A comment on a post; `parent_id` makes it a reply to a top-level comment (one level). */
export interface PostCommentsTable {
  id: string;
  post_id: string;
  parent_id: string | null;
  author_id: string | null;
  body: string;
  /** `visible`, `hidden` or `removed`. */
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  edited_at: Timestamp | null;
}

/** A member's reaction to a post or a comment. */
export interface ReactionsTable {
  /** `post` or `comment`. */
  subject_type: string;
  subject_id: string;
  user_id: string;
  reaction: string;
  created_at: Timestamp;
}

/** The outbox of changes others may hear about (see services/activity). */
export interface ActivitiesTable {
  id: string;
  group_id: string | null;
  kind: string;
  actor_id: string | null;
  subject_type: string;
  subject_id: string;
  /** JSON, typed per kind in services/activity/activity-types.ts. */
  payload: string;
  created_at: Timestamp;
  dispatched_at: Timestamp | null;
}

/** Something one person is told about. */
export interface NotificationsTable {
  id: string;
  user_id: string;
  activity_id: string | null;
  kind: string;
  group_id: string | null;
  actor_id: string | null;
  subject_type: string;
  subject_id: string;
  /** JSON: what the list shows. */
  payload: string;
  /** `in_app`, `email`, `daily` or `weekly`. */
  delivery: string;
  created_at: Timestamp;
  read_at: Timestamp | null;
  mailed_at: Timestamp | null;
}

/** How a member wants to hear about one kind of notification. */
export interface NotificationPreferencesTable {
  user_id: string;
  kind: string;
  /** `in_app`, `email`, `daily`, `weekly` or `off`. */
  channel: string;
}

/** The last digest of a frequency a member got. */
export interface DigestCursorsTable {
  user_id: string;
  /** `daily` or `weekly`. */
  frequency: string;
  last_sent_at: Timestamp;
}

/** An outgoing webhook of a group. */
export interface WebhooksTable {
  id: string;
  group_id: string;
  url: string;
  /** `guildhall` (JSON with the activity) or `chat` (Slack/Teams/Mattermost-compatible text). */
  format: string;
  /** JSON array of activity kinds. */
  events: string;
  secret: string;
  /** `active` or `disabled`. */
  status: string;
  failure_count: Generated<number>;
  disabled_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One delivery of an activity (or a test) to a webhook, with its attempts. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  activity_id: string | null;
  kind: string;
  body: string;
  /** `pending`, `delivered` or `failed`. */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A report of a post, a comment or a profile. */
export interface ReportsTable {
  id: string;
  group_id: string | null;
  /** `post`, `comment` or `profile`. */
  subject_type: string;
  subject_id: string;
  subject_user_id: string | null;
  reporter_id: string | null;
  /** `spam`, `harassment`, `off_topic` or `other`. */
  reason: string;
  details: string;
  /** `open`, `resolved` or `dismissed`. */
  status: string;
  /** `hide`, `warn`, `remove`, `ban` or `dismiss`. */
  resolution: string | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  created_at: Timestamp;
}

/** +1 when someone becomes an active member, -1 when an active member leaves or is removed. */
export interface MembershipLogTable {
  id: string;
  group_id: string;
  user_id: string | null;
  delta: number;
  created_at: Timestamp;
}

/** How often a member took part in one way on one UTC day (`day`: YYYY-MM-DD). */
export interface HealthSignalsTable {
  group_id: string;
  day: string;
  user_id: string;
  /** One of `HEALTH_SIGNALS` in domain/health.ts. */
  signal: string;
  count: number;
}

/** A group's membership changes and contributions on one UTC day. */
export interface HealthDaysTable {
  group_id: string;
  day: string;
  joins: Generated<number>;
  leaves: Generated<number>;
  topics_proposed: Generated<number>;
  votes_cast: Generated<number>;
  poll_answers: Generated<number>;
  posts: Generated<number>;
  comments: Generated<number>;
}

/** One meeting that has taken place, rolled up. */
export interface HealthMeetingsTable {
  event_id: string;
  group_id: string;
  starts_at: Timestamp;
  title: string;
  capacity: number | null;
  going: number;
  checked_in: number;
  /** Whether anyone was checked in; without check-ins attendance is read from "going". */
  check_in_used: Bool;
  waitlisted: number;
  new_attendees: number;
  returning_attendees: number;
  member_talks: number;
  guest_talks: number;
  feedback_count: number;
  rating_count: number;
  rating_sum: number;
  updated_at: Timestamp;
}

/** An active member's participation tier now and in the previous window, and the quiet verdict. */
export interface HealthMembersTable {
  group_id: string;
  user_id: string;
  /** audience | contributor | core */
  tier: string;
  /** The tier in the previous window; null when they were not a member then. */
  previous_tier: string | null;
  last_active_day: string | null;
  /** Of the group's six meetings before the quiet period, how many they attended. */
  attended_of_six: number;
  quiet: Bool;
  computed_on: string;
}

/** Distinct members active anywhere on the instance in one ISO week (`week`: YYYY-Www). */
export interface HealthWeeksTable {
  week: string;
  active_members: number;
}

/** How far the health rollup has come. */
export interface HealthStateTable {
  key: string;
  value: string;
}

/** An organizer's personal message to a member who has gone quiet (the body is not kept). */
export interface HealthOutreachTable {
  id: string;
  group_id: string;
  user_id: string;
  sent_by: string | null;
  subject: string;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  accounts: AccountsTable;
  verifications: VerificationsTable;
  api_tokens: ApiTokensTable;
  jobs: JobsTable;
  instance_settings: InstanceSettingsTable;
  networks: NetworksTable;
  groups: GroupsTable;
  group_tags: GroupTagsTable;
  memberships: MembershipsTable;
  audit_entries: AuditEntriesTable;
  group_invitations: GroupInvitationsTable;
  venues: VenuesTable;
  sponsors: SponsorsTable;
  series: SeriesTable;
  events: EventsTable;
  event_sponsors: EventSponsorsTable;
  rsvps: RsvpsTable;
  series_rsvps: SeriesRsvpsTable;
  calendar_feeds: CalendarFeedsTable;
  mail_opt_outs: MailOptOutsTable;
  topics: TopicsTable;
  topic_comments: TopicCommentsTable;
  voting_rounds: VotingRoundsTable;
  votes: VotesTable;
  speakers: SpeakersTable;
  talks: TalksTable;
  agenda_items: AgendaItemsTable;
  chat_accounts: ChatAccountsTable;
  chat_link_tokens: ChatLinkTokensTable;
  polls: PollsTable;
  poll_options: PollOptionsTable;
  poll_ballots: PollBallotsTable;
  poll_choices: PollChoicesTable;
  meeting_rooms: MeetingRoomsTable;
  room_events: RoomEventsTable;
  questions: QuestionsTable;
  question_votes: QuestionVotesTable;
  hands: HandsTable;
  kudos: KudosTable;
  feedback: FeedbackTable;
  feedback_items: FeedbackItemsTable;
  posts: PostsTable;
  post_comments: PostCommentsTable;
  reactions: ReactionsTable;
  activities: ActivitiesTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  digest_cursors: DigestCursorsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  reports: ReportsTable;
  membership_log: MembershipLogTable;
  health_signals: HealthSignalsTable;
  health_days: HealthDaysTable;
  health_meetings: HealthMeetingsTable;
  health_members: HealthMembersTable;
  health_weeks: HealthWeeksTable;
  health_state: HealthStateTable;
  health_outreach: HealthOutreachTable;
}
