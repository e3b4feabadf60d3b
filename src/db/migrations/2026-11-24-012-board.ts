import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

// Growing together: the group board (posts, comments, reactions, link previews), "open to work",
// the activity outbox that notifications and webhooks read, notifications and their preferences,
// digest cursors, outgoing webhooks with their delivery log, and moderation reports.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .alterTable('users')
    .addColumn('open_to_work', t.bool, (c) => c.notNull().defaultTo(t.false))
    .execute();

  // How many days a job lead stays on the board before it expires.
  await db.schema
    .alterTable('groups')
    .addColumn('job_lead_days', 'integer', (c) => c.notNull().defaultTo(30))
    .execute();

  await db.schema
    .createTable('posts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull()) // help | job | announcement | discussion | kudos
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link_url', 'text')
    .addColumn('link_title', 'text')
    .addColumn('link_description', 'text')
    .addColumn('link_status', 'text') // pending | ok | failed (null without a link)
    .addColumn('status', 'text', (c) => c.notNull()) // visible | hidden | removed
    .addColumn('solved_at', t.timestamp)
    .addColumn('pinned_at', t.timestamp)
    .addColumn('expires_at', t.timestamp)
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('edited_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('posts_group_idx')
    .on('posts')
    .columns(['group_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('posts_author_idx').on('posts').column('author_id').execute();
  await db.schema.createIndex('posts_expires_idx').on('posts').column('expires_at').execute();

  // A question from a meeting's Q&A that a host turned into a board post.
  await db.schema
    .alterTable('questions')
    .addColumn('post_id', 'text', (c) => c.references('posts.id').onDelete('set null'))
    .execute();

  // One level of replies: `parent_id` points at a top-level comment of the same post.
  await db.schema
    .createTable('post_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('parent_id', 'text', (c) => c.references('post_comments.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // visible | hidden | removed
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('edited_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('post_comments_post_idx')
    .on('post_comments')
    .columns(['post_id', 'created_at'])
    .execute();

  // A member's reaction to a post or a comment; one row per (subject, member, reaction).
  await db.schema
    .createTable('reactions')
    .addColumn('subject_type', 'text', (c) => c.notNull()) // post | comment
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reaction', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('reactions_pk', ['subject_type', 'subject_id', 'user_id', 'reaction'])
    .execute();

  // The outbox: every change others may hear about, written in the change's own transaction.
  // Dispatch (notifications, webhook deliveries) claims rows by setting `dispatched_at`.
  await db.schema
    .createTable('activities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull()) // JSON
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('dispatched_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('activities_pending_idx')
    .on('activities')
    .columns(['dispatched_at', 'created_at'])
    .execute();
  await db.schema
    .createIndex('activities_group_idx')
    .on('activities')
    .columns(['group_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('activity_id', 'text', (c) => c.references('activities.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull()) // JSON: what the list shows
    .addColumn('delivery', 'text', (c) => c.notNull()) // in_app | email | daily | weekly
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('read_at', t.timestamp)
    .addColumn('mailed_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('notifications_user_idx')
    .on('notifications')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('notifications_unread_idx')
    .on('notifications')
    .columns(['user_id', 'read_at'])
    .execute();
  // The digest sweep: who has daily or weekly items not mailed yet.
  await db.schema
    .createIndex('notifications_digest_idx')
    .on('notifications')
    .columns(['delivery', 'mailed_at', 'user_id'])
    .execute();
  await db.schema
    .createIndex('notifications_activity_user_idx')
    .on('notifications')
    .columns(['activity_id', 'user_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull()) // in_app | email | daily | weekly | off
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'kind'])
    .execute();

  // The last digest each member got, per frequency: the next one holds what came after it.
  await db.schema
    .createTable('digest_cursors')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('frequency', 'text', (c) => c.notNull()) // daily | weekly
    .addColumn('last_sent_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('digest_cursors_pk', ['user_id', 'frequency'])
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull()) // guildhall | chat
    .addColumn('events', 'text', (c) => c.notNull()) // JSON array of activity kinds
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // active | disabled
    .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled_at', t.timestamp)
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_group_idx').on('webhooks').column('group_id').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) =>
      c.notNull().references('webhooks.id').onDelete('cascade')
    )
    .addColumn('activity_id', 'text', (c) => c.references('activities.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull()) // the exact JSON sent
    .addColumn('status', 'text', (c) => c.notNull()) // pending | delivered | failed
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.timestamp)
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_webhook_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_activity_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'activity_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();

  // A report of a post, a comment or a profile. Group reports go to the group's organizers;
  // profile reports (no group) to instance admins.
  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('subject_type', 'text', (c) => c.notNull()) // post | comment | profile
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('subject_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reporter_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull()) // spam | harassment | off_topic | other
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // open | resolved | dismissed
    .addColumn('resolution', 'text') // hide | warn | remove | ban | dismiss
    .addColumn('resolution_note', 'text')
    .addColumn('resolved_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('resolved_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reports_group_idx')
    .on('reports')
    .columns(['group_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('reports_subject_idx')
    .on('reports')
    .columns(['subject_type', 'subject_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('questions').dropColumn('post_id').execute();
  for (const table of [
    'reports',
    'webhook_deliveries',
    'webhooks',
    'digest_cursors',
    'notification_preferences',
    'notifications',
    'activities',
    'reactions',
    'post_comments',
    'posts'
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('users').dropColumn('open_to_work').execute();
  await db.schema.alterTable('groups').dropColumn('job_lead_days').execute();
}
