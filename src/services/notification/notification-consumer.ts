import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { dbBool } from '../../db/values.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Activity, ActivityConsumer } from '../activity/activity.service.ts';
import {
  DEFAULT_CHANNELS,
  FIXED_KINDS,
  isNotificationChannel,
  type NotificationChannel
} from './notification-kinds.ts';
import { sendImmediateMails } from './notification-mail.ts';
import { type Audience, audiencesOf } from './notification-payload.ts';

/** What turning activities into notifications needs beyond the database. */
export interface NotificationConsumerDeps {
  queue: JobQueue;
  baseUrl: string;
  secret: string;
}

/** Recipients are read and inserted this many at a time, so a big group never builds one huge batch. */
export const RECIPIENT_PAGE = 500;

/**
 * Turns activities into notifications for the people they concern (see `audiencesOf`): one row per
 * person and activity, delivered by the person's channel for the kind (`off`: no row). Rows are
 * inserted a page at a time with `on conflict (activity_id, user_id) do nothing`, so a second
 * dispatch changes nothing. Then every `email` row of the activity not yet mailed gets one mail
 * (in the recipient's language, with one-click unsubscribe) and its `mailed_at`.
 *
 * @example
 * await dispatchActivities(db, [notificationConsumer(db, { queue, baseUrl, secret })]);
 */
export function notificationConsumer(db: Db, deps: NotificationConsumerDeps): ActivityConsumer {
  return async (activity) => {
    const parentAuthorId = await parentCommentAuthor(db, activity);
    for (const audience of audiencesOf(activity, parentAuthorId)) {
      await notifyAudience(db, activity, audience);
    }
    await sendImmediateMails(db, deps, activity.id);
  };
}

async function parentCommentAuthor(db: Db, activity: Activity): Promise<string | null> {
  if (activity.kind !== 'comment.created' || !activity.payload.comment.parentId) return null;
  const row = await db.kysely
    .selectFrom('post_comments')
    .select('author_id')
    .where('id', '=', activity.payload.comment.parentId)
    .executeTakeFirst();
  return row?.author_id ?? null;
}

interface RecipientRow {
  id: string;
  channel: string | null;
}

/** One page of an audience's people after `after` (by id), with their stored channel for the kind. */
async function recipientPage(
  db: Db,
  audience: Audience,
  after: string,
  limit: number
): Promise<RecipientRow[]> {
  if (audience.userIds?.length === 0) return [];
  if (audience.groupId !== null) {
    let query = db.kysely
      .selectFrom('memberships as m')
      .leftJoin('notification_preferences as p', (join) =>
        join.onRef('p.user_id', '=', 'm.user_id').on('p.kind', '=', audience.kind)
      )
      .select(['m.user_id as id', 'p.channel'])
      .where('m.group_id', '=', audience.groupId)
      .where('m.status', '=', 'active')
      .where('m.user_id', '>', after);
    if (audience.roles) query = query.where('m.role', 'in', [...audience.roles]);
    if (audience.userIds) query = query.where('m.user_id', 'in', [...audience.userIds]);
    if (audience.exclude.length > 0)
      query = query.where('m.user_id', 'not in', [...audience.exclude]);
    return query.orderBy('m.user_id').limit(limit).execute();
  }
  let query = db.kysely
    .selectFrom('users as u')
    .leftJoin('notification_preferences as p', (join) =>
      join.onRef('p.user_id', '=', 'u.id').on('p.kind', '=', audience.kind)
    )
    .select(['u.id', 'p.channel'])
    .where('u.id', '>', after);
  if (audience.admins) query = query.where('u.is_admin', '=', dbBool(db, true));
  else if (!audience.userIds) return [];
  if (audience.userIds) query = query.where('u.id', 'in', [...audience.userIds]);
  if (audience.exclude.length > 0) query = query.where('u.id', 'not in', [...audience.exclude]);
  return query.orderBy('u.id').limit(limit).execute();
}

/** The channel a person's stored preference (or the default) gives a kind. */
export function channelFor(kind: Audience['kind'], stored: string | null): NotificationChannel {
  if (FIXED_KINDS.includes(kind)) return DEFAULT_CHANNELS[kind];
  return stored !== null && isNotificationChannel(stored) ? stored : DEFAULT_CHANNELS[kind];
}

async function notifyAudience(db: Db, activity: Activity, audience: Audience): Promise<void> {
  const payload = JSON.stringify(audience.payload);
  const createdAt = new Date().toISOString();
  let after = '';
  for (;;) {
    const page = await recipientPage(db, audience, after, RECIPIENT_PAGE);
    const rows = page
      .map((r) => ({ userId: r.id, channel: channelFor(audience.kind, r.channel) }))
      .filter((r) => r.channel !== 'off')
      .map((r) => ({
        id: randomUUID(),
        user_id: r.userId,
        activity_id: activity.id,
        kind: audience.kind,
        group_id: activity.groupId,
        actor_id: activity.actorId,
        subject_type: activity.subjectType,
        subject_id: activity.subjectId,
        payload,
        delivery: r.channel,
        created_at: createdAt,
        read_at: null,
        mailed_at: null
      }));
    if (rows.length > 0) {
      await db.kysely
        .insertInto('notifications')
        .values(rows)
        .onConflict((oc) => oc.columns(['activity_id', 'user_id']).doNothing())
        .execute();
    }
    const last = page.at(-1);
    if (!last || page.length < RECIPIENT_PAGE) return;
    after = last.id;
  }
}
