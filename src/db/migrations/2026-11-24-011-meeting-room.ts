import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

// The meeting room: polls (in a group or a meeting), the live room of a running meeting with its
// event log (Server-Sent Events replay from it), questions and their upvotes, raised hands, kudos,
// and the feedback attendees give afterwards.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .createTable('polls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.references('events.id').onDelete('cascade'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('choice', 'text', (c) => c.notNull()) // single | multiple
    .addColumn('anonymous', t.bool, (c) => c.notNull())
    .addColumn('results', 'text', (c) => c.notNull()) // live | closed
    .addColumn('status', 'text', (c) => c.notNull()) // draft | open | closed
    .addColumn('closes_at', t.timestamp)
    .addColumn('opened_at', t.timestamp)
    .addColumn('closed_at', t.timestamp)
    .addColumn('ballot_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('polls_group_idx')
    .on('polls')
    .columns(['group_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('polls_event_idx').on('polls').column('event_id').execute();
  await db.schema
    .createIndex('polls_due_idx')
    .on('polls')
    .columns(['status', 'closes_at'])
    .execute();

  await db.schema
    .createTable('poll_options')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('poll_id', 'text', (c) => c.notNull().references('polls.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('votes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('poll_options_poll_idx')
    .on('poll_options')
    .columns(['poll_id', 'position'])
    .unique()
    .execute();

  // Who answered a poll: one row per member, the guard against a second ballot.
  await db.schema
    .createTable('poll_ballots')
    .addColumn('poll_id', 'text', (c) => c.notNull().references('polls.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('poll_ballots_pk', ['poll_id', 'user_id'])
    .execute();
  // Who chose what, for named polls only: an anonymous poll keeps nothing but the option counts.
  await db.schema
    .createTable('poll_choices')
    .addColumn('poll_id', 'text', (c) => c.notNull().references('polls.id').onDelete('cascade'))
    .addColumn('option_id', 'text', (c) =>
      c.notNull().references('poll_options.id').onDelete('cascade')
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('poll_choices_pk', ['poll_id', 'option_id', 'user_id'])
    .execute();

  // A meeting's live room. `last_seq` numbers its event log; a writer bumps it under the row's lock,
  // so sequence order is commit order and a client resuming after seq N misses nothing.
  await db.schema
    .createTable('meeting_rooms')
    .addColumn('event_id', 'text', (c) =>
      c.primaryKey().references('events.id').onDelete('cascade')
    )
    .addColumn('opened_at', t.timestamp)
    .addColumn('opened_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('closed_at', t.timestamp)
    .addColumn('closed_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('room_events')
    .addColumn('event_id', 'text', (c) =>
      c.notNull().references('meeting_rooms.event_id').onDelete('cascade')
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('room_events_pk', ['event_id', 'seq'])
    .execute();

  await db.schema
    .createTable('questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('anonymous', t.bool, (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // open | answered | hidden
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('topic_id', 'text', (c) => c.references('topics.id').onDelete('set null'))
    .addColumn('answered_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('questions_event_idx')
    .on('questions')
    .columns(['event_id', 'status'])
    .execute();
  await db.schema
    .createTable('question_votes')
    .addColumn('question_id', 'text', (c) =>
      c.notNull().references('questions.id').onDelete('cascade')
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('question_votes_pk', ['question_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('question_votes_user_idx')
    .on('question_votes')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('hands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('raised_at', t.timestamp, (c) => c.notNull())
    .addColumn('lowered_at', t.timestamp)
    .addColumn('lowered_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('hands_event_idx')
    .on('hands')
    .columns(['event_id', 'lowered_at', 'raised_at'])
    .execute();

  await db.schema
    .createTable('kudos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.references('events.id').onDelete('cascade'))
    .addColumn('from_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('to_user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('to_speaker_id', 'text', (c) => c.references('speakers.id').onDelete('cascade'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kudos_event_idx').on('kudos').column('event_id').execute();
  await db.schema.createIndex('kudos_to_user_idx').on('kudos').column('to_user_id').execute();
  await db.schema.createIndex('kudos_to_speaker_idx').on('kudos').column('to_speaker_id').execute();

  await db.schema
    .createTable('feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('rating', 'integer') // 1–5, or null when only items were rated
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('next_time', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('next_time_topic_id', 'text', (c) => c.references('topics.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_event_user_idx')
    .on('feedback')
    .columns(['event_id', 'user_id'])
    .unique()
    .execute();
  await db.schema.createIndex('feedback_user_idx').on('feedback').column('user_id').execute();
  await db.schema
    .createTable('feedback_items')
    .addColumn('feedback_id', 'text', (c) =>
      c.notNull().references('feedback.id').onDelete('cascade')
    )
    .addColumn('agenda_item_id', 'text', (c) =>
      c.notNull().references('agenda_items.id').onDelete('cascade')
    )
    .addColumn('rating', 'integer')
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    // The comment reaches the speaker without the author's name (organizers still see it).
    .addColumn('anonymous', t.bool, (c) => c.notNull().defaultTo(t.false))
    .addPrimaryKeyConstraint('feedback_items_pk', ['feedback_id', 'agenda_item_id'])
    .execute();
  await db.schema
    .createIndex('feedback_items_item_idx')
    .on('feedback_items')
    .column('agenda_item_id')
    .execute();

  // When attendees were asked for feedback (the mail goes once per meeting).
  await db.schema.alterTable('events').addColumn('feedback_requested_at', t.timestamp).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('feedback_requested_at').execute();
  for (const table of [
    'feedback_items',
    'feedback',
    'kudos',
    'hands',
    'question_votes',
    'questions',
    'room_events',
    'meeting_rooms',
    'poll_choices',
    'poll_ballots',
    'poll_options',
    'polls'
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
