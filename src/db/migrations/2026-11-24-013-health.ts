import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.ts';

// Community health: a log of every change to a group's active membership (members over time),
// and the daily aggregates a job keeps up to date so the organizers' dashboard never scans the
// raw tables: who did what on which day, per-day membership changes, per-meeting attendance,
// each member's participation tier and whether they have gone quiet, and weekly active members
// of the whole instance. Plus the organizers' personal messages to quiet members, and the
// settings: public figures, the tier window, the quiet period, a member's opt-out of the list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .alterTable('groups')
    .addColumn('health_public', t.bool, (c) => c.notNull().defaultTo(t.false))
    .execute();
  await db.schema
    .alterTable('groups')
    .addColumn('health_window_days', 'integer', (c) => c.notNull().defaultTo(180))
    .execute();
  await db.schema
    .alterTable('groups')
    .addColumn('health_quiet_days', 'integer', (c) => c.notNull().defaultTo(90))
    .execute();
  // A member who does not want organizers to see them on the "gone quiet" list.
  await db.schema
    .alterTable('users')
    .addColumn('health_opt_out', t.bool, (c) => c.notNull().defaultTo(t.false))
    .execute();

  // +1 when someone becomes an active member, -1 when an active member leaves, is removed or banned.
  await db.schema
    .createTable('membership_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('delta', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('membership_log_group_idx')
    .on('membership_log')
    .columns(['group_id', 'created_at'])
    .execute();
  // Today's active members joined when their membership was made.
  await sql`
    insert into membership_log (id, group_id, user_id, delta, created_at)
    select 'joined:' || group_id || ':' || user_id, group_id, user_id, 1, created_at
    from memberships where status = 'active'
  `.execute(db);

  // One row per member, day (UTC, YYYY-MM-DD) and kind of participation, with how often.
  await db.schema
    .createTable('health_signals')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('signal', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('health_signals_pk', ['group_id', 'day', 'user_id', 'signal'])
    .execute();
  await db.schema
    .createIndex('health_signals_day_idx')
    .on('health_signals')
    .column('day')
    .execute();
  await db.schema
    .createIndex('health_signals_user_idx')
    .on('health_signals')
    .columns(['group_id', 'user_id', 'day'])
    .execute();

  // Per group and day: membership changes and counts of contributions.
  await db.schema
    .createTable('health_days')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('joins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('leaves', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('topics_proposed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('votes_cast', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('poll_answers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('posts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('health_days_pk', ['group_id', 'day'])
    .execute();

  // Per meeting that has taken place: RSVPs against attendance, newcomers, talks, feedback.
  await db.schema
    .createTable('health_meetings')
    .addColumn('event_id', 'text', (c) =>
      c.primaryKey().references('events.id').onDelete('cascade')
    )
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('starts_at', t.timestamp, (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer')
    .addColumn('going', 'integer', (c) => c.notNull())
    .addColumn('checked_in', 'integer', (c) => c.notNull())
    // Whether anyone was checked in: without check-ins, attendance is taken from "going".
    .addColumn('check_in_used', t.bool, (c) => c.notNull())
    .addColumn('waitlisted', 'integer', (c) => c.notNull())
    .addColumn('new_attendees', 'integer', (c) => c.notNull())
    .addColumn('returning_attendees', 'integer', (c) => c.notNull())
    .addColumn('member_talks', 'integer', (c) => c.notNull())
    .addColumn('guest_talks', 'integer', (c) => c.notNull())
    .addColumn('feedback_count', 'integer', (c) => c.notNull())
    .addColumn('rating_count', 'integer', (c) => c.notNull())
    .addColumn('rating_sum', 'integer', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('health_meetings_group_idx')
    .on('health_meetings')
    .columns(['group_id', 'starts_at'])
    .execute();

  // Per active member: tier in the current and the previous window, and the gone-quiet verdict.
  await db.schema
    .createTable('health_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('tier', 'text', (c) => c.notNull()) // audience | contributor | core
    .addColumn('previous_tier', 'text') // null: not a member during the previous window
    .addColumn('last_active_day', 'text') // YYYY-MM-DD of the latest signal, null: none
    .addColumn('attended_of_six', 'integer', (c) => c.notNull())
    .addColumn('quiet', t.bool, (c) => c.notNull())
    .addColumn('computed_on', 'text', (c) => c.notNull()) // YYYY-MM-DD
    .addPrimaryKeyConstraint('health_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('health_members_tier_idx')
    .on('health_members')
    .columns(['group_id', 'tier'])
    .execute();
  await db.schema
    .createIndex('health_members_quiet_idx')
    .on('health_members')
    .columns(['group_id', 'quiet'])
    .execute();

  // Distinct members active anywhere on the instance, per ISO week (YYYY-Www).
  await db.schema
    .createTable('health_weeks')
    .addColumn('week', 'text', (c) => c.primaryKey())
    .addColumn('active_members', 'integer', (c) => c.notNull())
    .execute();

  // How far the rollup has come (key: what, value: an ISO instant or a day).
  await db.schema
    .createTable('health_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  // An organizer's personal message to a member who has gone quiet.
  await db.schema
    .createTable('health_outreach')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('sent_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('health_outreach_member_idx')
    .on('health_outreach')
    .columns(['group_id', 'user_id', 'created_at'])
    .execute();
}
