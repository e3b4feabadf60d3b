import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.ts';

// Community of Practice: a group's topic backlog with comments, dot-voting rounds tied to a
// meeting, the agenda of a meeting, talk proposals and speakers, and the chat (Slack-compatible)
// link of a group. Voting settings live on the group, automatic rounds on the series.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .alterTable('groups')
    .addColumn('votes_per_member', 'integer', (c) => c.notNull().defaultTo(3))
    .execute();
  await db.schema
    .alterTable('groups')
    .addColumn('votes_per_topic', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('groups')
    .addColumn('agenda_topics', 'integer', (c) => c.notNull().defaultTo(2))
    .execute();
  await db.schema
    .alterTable('groups')
    .addColumn('tally_visibility', 'text', (c) => c.notNull().defaultTo('live'))
    .execute();
  await db.schema.alterTable('groups').addColumn('chat_webhook_url', 'text').execute();
  await db.schema.alterTable('groups').addColumn('chat_signing_secret', 'text').execute();

  await db.schema
    .alterTable('series')
    .addColumn('voting_rounds', t.bool, (c) => c.notNull().defaultTo(t.false))
    .execute();
  await db.schema
    .alterTable('series')
    .addColumn('voting_closes_hours', 'integer', (c) => c.notNull().defaultTo(24))
    .execute();

  await db.schema
    .createTable('topics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('link_url', 'text')
    // 'present': the proposer can present it; 'explain': they want someone to explain it.
    .addColumn('wants', 'text', (c) => c.notNull())
    // open → scheduled (for event_id) → discussed, or archived; withdrawn by the proposer.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('event_id', 'text', (c) => c.references('events.id').onDelete('set null'))
    .addColumn('merged_into', 'text', (c) => c.references('topics.id').onDelete('set null'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('links', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('topics_group_status_idx')
    .on('topics')
    .columns(['group_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('topics_event_idx').on('topics').column('event_id').execute();

  await db.schema
    .createTable('topic_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('topic_id', 'text', (c) => c.notNull().references('topics.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('topic_comments_topic_idx')
    .on('topic_comments')
    .columns(['topic_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('voting_rounds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull()) // 'open' | 'closed'
    .addColumn('opens_at', t.timestamp, (c) => c.notNull())
    .addColumn('closes_at', t.timestamp, (c) => c.notNull())
    // The group's settings when the round opened: a round's rules never change under it.
    .addColumn('votes_per_member', 'integer', (c) => c.notNull())
    .addColumn('votes_per_topic', 'integer', (c) => c.notNull())
    .addColumn('agenda_topics', 'integer', (c) => c.notNull())
    .addColumn('tally_visibility', 'text', (c) => c.notNull())
    // JSON array of the picked topic ids, in agenda order (set at close, or by an override).
    .addColumn('picked', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('override_reason', 'text')
    .addColumn('overridden_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('overridden_at', t.timestamp)
    .addColumn('opened_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('closed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('voting_rounds_event_idx')
    .on('voting_rounds')
    .column('event_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('voting_rounds_group_idx')
    .on('voting_rounds')
    .columns(['group_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('voting_rounds_due_idx')
    .on('voting_rounds')
    .columns(['status', 'closes_at'])
    .execute();

  await db.schema
    .createTable('votes')
    .addColumn('round_id', 'text', (c) =>
      c.notNull().references('voting_rounds.id').onDelete('cascade')
    )
    .addColumn('topic_id', 'text', (c) => c.notNull().references('topics.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('votes_pk', ['round_id', 'topic_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('votes_user_idx')
    .on('votes')
    .columns(['round_id', 'user_id'])
    .execute();
  await db.schema.createIndex('votes_topic_idx').on('votes').column('topic_id').execute();

  await db.schema
    .createTable('speakers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    // A member who speaks; null for an invited speaker who is not a member.
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('company', 'text')
    // How organizers reach an invited speaker; never shown to members.
    .addColumn('contact', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('speakers_group_idx').on('speakers').column('group_id').execute();
  await db.schema
    .createIndex('speakers_member_idx')
    .on('speakers')
    .columns(['group_id', 'user_id'])
    .unique()
    .where(sql.ref('user_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('talks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('speaker_id', 'text', (c) =>
      c.notNull().references('speakers.id').onDelete('cascade')
    )
    .addColumn('submitted_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('abstract', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull()) // beginner | intermediate | advanced
    // proposed → accepted (into event_id) | declined | later; withdrawn by the speaker.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.references('events.id').onDelete('set null'))
    .addColumn('decision_note', 'text')
    .addColumn('decided_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', t.timestamp)
    .addColumn('slides_url', 'text')
    .addColumn('recording_url', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('talks_group_status_idx')
    .on('talks')
    .columns(['group_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('talks_speaker_idx').on('talks').column('speaker_id').execute();
  await db.schema.createIndex('talks_event_idx').on('talks').column('event_id').execute();

  await db.schema
    .createTable('agenda_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // talk | topic | break | networking
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('talk_id', 'text', (c) => c.references('talks.id').onDelete('set null'))
    .addColumn('topic_id', 'text', (c) => c.references('topics.id').onDelete('set null'))
    // Who leads a topic discussion (a member); a talk's speaker comes from the talk.
    .addColumn('moderator_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    // The voting round that put this topic here (null when placed by hand).
    .addColumn('round_id', 'text', (c) => c.references('voting_rounds.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('agenda_items_event_idx')
    .on('agenda_items')
    .columns(['event_id', 'position'])
    .execute();

  await db.schema
    .createTable('chat_accounts')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('chat_user_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_accounts_pk', ['group_id', 'team_id', 'chat_user_id'])
    .execute();

  await db.schema
    .createTable('chat_link_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('chat_user_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'chat_link_tokens',
    'chat_accounts',
    'agenda_items',
    'talks',
    'speakers',
    'votes',
    'voting_rounds',
    'topic_comments',
    'topics'
  ]) {
    await db.schema.dropTable(table).execute();
  }
  for (const column of ['voting_closes_hours', 'voting_rounds']) {
    await db.schema.alterTable('series').dropColumn(column).execute();
  }
  for (const column of [
    'chat_signing_secret',
    'chat_webhook_url',
    'tally_visibility',
    'agenda_topics',
    'votes_per_topic',
    'votes_per_member'
  ]) {
    await db.schema.alterTable('groups').dropColumn(column).execute();
  }
}
