// Where a person's data lives: every column that names a user (a foreign key to users.id) is
// either exported to them, or listed with the reason it is not. A test reads the schema's foreign
// keys and fails when a new one is in neither list.
import type { Database } from '../../db/schema.ts';

/** A table and the column in it that names a user. */
export interface PersonColumn {
  table: keyof Database;
  column: string;
}

/** One section of a data export: the rows of `table` whose `column` is the person. */
export interface ExportSource extends PersonColumn {
  /** The section's key in the export. */
  section: string;
  /** Columns left out: secrets (password hashes, token digests) that are of no use to anyone. */
  omit?: readonly string[];
}

/** What a data export holds, section by section. */
export const EXPORTED: readonly ExportSource[] = [
  { section: 'account', table: 'users', column: 'id' },
  {
    section: 'logins',
    table: 'accounts',
    column: 'user_id',
    omit: ['password', 'access_token', 'refresh_token', 'id_token']
  },
  { section: 'sessions', table: 'sessions', column: 'user_id', omit: ['token'] },
  { section: 'apiTokens', table: 'api_tokens', column: 'user_id', omit: ['token_hash'] },
  { section: 'calendarFeeds', table: 'calendar_feeds', column: 'user_id', omit: ['token_hash'] },
  { section: 'chatAccounts', table: 'chat_accounts', column: 'user_id' },
  { section: 'mailOptOuts', table: 'mail_opt_outs', column: 'user_id' },
  { section: 'notificationPreferences', table: 'notification_preferences', column: 'user_id' },
  { section: 'digestCursors', table: 'digest_cursors', column: 'user_id' },
  { section: 'notifications', table: 'notifications', column: 'user_id' },
  { section: 'memberships', table: 'memberships', column: 'user_id' },
  { section: 'groupsCreated', table: 'groups', column: 'created_by' },
  {
    section: 'invitationsSent',
    table: 'group_invitations',
    column: 'invited_by',
    omit: ['token_hash']
  },
  {
    section: 'invitationsAccepted',
    table: 'group_invitations',
    column: 'accepted_by',
    omit: ['token_hash']
  },
  { section: 'seriesCreated', table: 'series', column: 'created_by' },
  { section: 'meetingsCreated', table: 'events', column: 'created_by' },
  { section: 'rsvps', table: 'rsvps', column: 'user_id' },
  { section: 'seriesRsvps', table: 'series_rsvps', column: 'user_id' },
  { section: 'topicsProposed', table: 'topics', column: 'proposed_by' },
  { section: 'topicComments', table: 'topic_comments', column: 'author_id' },
  { section: 'votes', table: 'votes', column: 'user_id' },
  { section: 'speakerProfiles', table: 'speakers', column: 'user_id' },
  { section: 'talksSubmitted', table: 'talks', column: 'submitted_by' },
  { section: 'pollsCreated', table: 'polls', column: 'created_by' },
  { section: 'pollBallots', table: 'poll_ballots', column: 'user_id' },
  { section: 'pollChoices', table: 'poll_choices', column: 'user_id' },
  { section: 'questions', table: 'questions', column: 'author_id' },
  { section: 'questionUpvotes', table: 'question_votes', column: 'user_id' },
  { section: 'raisedHands', table: 'hands', column: 'user_id' },
  { section: 'kudosGiven', table: 'kudos', column: 'from_user_id' },
  { section: 'kudosReceived', table: 'kudos', column: 'to_user_id' },
  { section: 'feedback', table: 'feedback', column: 'user_id' },
  { section: 'posts', table: 'posts', column: 'author_id' },
  { section: 'postComments', table: 'post_comments', column: 'author_id' },
  { section: 'reactions', table: 'reactions', column: 'user_id' },
  { section: 'reportsMade', table: 'reports', column: 'reporter_id' },
  { section: 'organizerMessages', table: 'health_outreach', column: 'user_id' }
];

/** Columns that name a user but are not exported to them, each with the reason. */
export const NOT_EXPORTED: readonly (PersonColumn & { why: string })[] = [
  {
    table: 'audit_entries',
    column: 'actor_id',
    why: "a group's record of what its organizers did; kept by the group"
  },
  {
    table: 'audit_entries',
    column: 'subject_user_id',
    why: "a group's moderation record; its details can name the people who reported"
  },
  {
    table: 'reports',
    column: 'subject_user_id',
    why: 'reports about the person would name who reported them'
  },
  { table: 'reports', column: 'resolved_by', why: 'moderation work done for a group' },
  { table: 'voting_rounds', column: 'opened_by', why: 'organizer work done for a group' },
  { table: 'voting_rounds', column: 'overridden_by', why: 'organizer work done for a group' },
  { table: 'talks', column: 'decided_by', why: 'organizer work done for a group' },
  { table: 'agenda_items', column: 'moderator_id', why: 'organizer work done for a group' },
  { table: 'meeting_rooms', column: 'opened_by', why: 'host work done for a group' },
  { table: 'meeting_rooms', column: 'closed_by', why: 'host work done for a group' },
  { table: 'hands', column: 'lowered_by', why: 'host work done for a group' },
  { table: 'webhooks', column: 'created_by', why: "a group's integration, holding its secret" },
  { table: 'health_outreach', column: 'sent_by', why: 'organizer work done for a group' },
  {
    table: 'activities',
    column: 'actor_id',
    why: 'what others were told about; the posts, answers and votes behind it are exported'
  },
  {
    table: 'notifications',
    column: 'actor_id',
    why: "other people's notifications about what the person did"
  },
  {
    table: 'membership_log',
    column: 'user_id',
    why: 'joins and leaves counted for the health dashboard; the memberships are exported'
  },
  {
    table: 'health_signals',
    column: 'user_id',
    why: 'daily counts derived from the exported posts, answers and votes'
  },
  {
    table: 'health_members',
    column: 'user_id',
    why: 'a summary derived from the exported posts, answers and votes'
  }
];
