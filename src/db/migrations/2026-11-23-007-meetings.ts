import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

// Meetings: venues and sponsors of a group, recurring series, events (meetings), RSVPs with a
// waitlist and check-in, series-wide RSVPs, personal calendar feeds and mail opt-outs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .createTable('venues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('room', 'text')
    .addColumn('capacity', 'integer')
    .addColumn('accessibility', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('host', 'text')
    .addColumn('latitude', 'real')
    .addColumn('longitude', 'real')
    .addColumn('archived', t.bool, (c) => c.notNull().defaultTo(t.false))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('venues_group_idx').on('venues').column('group_id').execute();

  await db.schema
    .createTable('sponsors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('contributions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('archived', t.bool, (c) => c.notNull().defaultTo(t.false))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sponsors_group_idx').on('sponsors').column('group_id').execute();

  await db.schema
    .createTable('series')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rrule', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('venue_id', 'text', (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('online_url', 'text')
    .addColumn('capacity', 'integer')
    .addColumn('guest_limit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rsvp_opens_days', 'integer')
    .addColumn('rsvp_closes_hours', 'integer')
    .addColumn('materialized_until', t.timestamp, (c) => c.notNull())
    .addColumn('ended', t.bool, (c) => c.notNull().defaultTo(t.false))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('series_group_idx').on('series').column('group_id').execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('series_id', 'text', (c) => c.references('series.id').onDelete('set null'))
    // The start the series rule gave this occurrence, kept when the meeting itself moves, so the
    // rule never creates it twice (a skipped occurrence is a cancelled row).
    .addColumn('occurrence_start', t.timestamp)
    .addColumn('detached', t.bool, (c) => c.notNull().defaultTo(t.false))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('starts_at', t.timestamp, (c) => c.notNull())
    .addColumn('ends_at', t.timestamp, (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('venue_id', 'text', (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('online_url', 'text')
    .addColumn('capacity', 'integer')
    .addColumn('guest_limit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rsvp_opens_at', t.timestamp)
    .addColumn('rsvp_closes_at', t.timestamp)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cancel_reason', 'text')
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    // Seats taken (people going plus their guests) and people waiting, kept in the RSVP's own
    // write transaction.
    .addColumn('going_seats', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('waitlist_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('published_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('events_group_start_idx')
    .on('events')
    .columns(['group_id', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('events_series_occurrence_idx')
    .on('events')
    .columns(['series_id', 'occurrence_start'])
    .unique()
    .execute();
  await db.schema.createIndex('events_start_idx').on('events').column('starts_at').execute();

  await db.schema
    .createTable('event_sponsors')
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('sponsor_id', 'text', (c) =>
      c.notNull().references('sponsors.id').onDelete('cascade')
    )
    .addPrimaryKeyConstraint('event_sponsors_pk', ['event_id', 'sponsor_id'])
    .execute();

  await db.schema
    .createTable('rsvps')
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('guests', 'integer', (c) => c.notNull().defaultTo(0))
    // Order on the waitlist: first come, first served.
    .addColumn('queue_no', 'integer')
    .addColumn('check_in_code', 'text', (c) => c.notNull().unique())
    .addColumn('checked_in_at', t.timestamp)
    .addColumn('from_series', t.bool, (c) => c.notNull().defaultTo(t.false))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('rsvps_pk', ['event_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('rsvps_event_status_idx')
    .on('rsvps')
    .columns(['event_id', 'status', 'queue_no'])
    .execute();
  await db.schema
    .createIndex('rsvps_user_idx')
    .on('rsvps')
    .columns(['user_id', 'event_id'])
    .execute();

  await db.schema
    .createTable('series_rsvps')
    .addColumn('series_id', 'text', (c) => c.notNull().references('series.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('guests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('series_rsvps_pk', ['series_id', 'user_id'])
    .execute();

  // Which meeting mails a member wants from a group: every new meeting, only those they RSVP to,
  // or none.
  await db.schema
    .alterTable('memberships')
    .addColumn('meeting_mail', 'text', (c) => c.notNull().defaultTo('all'))
    .execute();

  await db.schema
    .createTable('calendar_feeds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('calendar_feeds_user_idx')
    .on('calendar_feeds')
    .column('user_id')
    .execute();

  // Kinds of mail a person turned off (`scope` is a group id, or '*' for every group).
  await db.schema
    .createTable('mail_opt_outs')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_opt_outs_pk', ['user_id', 'kind', 'scope'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'mail_opt_outs',
    'calendar_feeds',
    'series_rsvps',
    'rsvps',
    'event_sponsors',
    'events',
    'series',
    'sponsors',
    'venues'
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('memberships').dropColumn('meeting_mail').execute();
}
