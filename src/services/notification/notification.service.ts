import type { Db } from '../../db/database.ts';
import { toDate } from '../../db/values.ts';
import type { CreatedCursor } from '../created-cursor.ts';
import {
  DEFAULT_CHANNELS,
  FIXED_KINDS,
  NOTIFICATION_KINDS,
  type NotificationChannel,
  type NotificationDelivery,
  type NotificationKind,
  isNotificationChannel
} from './notification-kinds.ts';
import { type NotificationPayload, parsePayload } from './notification-payload.ts';

/** A notification as its owner sees it. */
export interface Notification extends NotificationPayload {
  id: string;
  kind: NotificationKind;
  delivery: NotificationDelivery;
  read: boolean;
  createdAt: Date;
}

/**
 * One page of a person's notifications, newest first (by time, then id), after `cursor`;
 * `unreadOnly` lists only unread ones. `next` is where the following page starts, or null.
 */
export async function listNotifications(
  db: Db,
  userId: string,
  options: { cursor: CreatedCursor | null; limit: number; unreadOnly: boolean }
): Promise<{ items: Notification[]; next: CreatedCursor | null }> {
  let query = db.kysely
    .selectFrom('notifications')
    .select(['id', 'kind', 'payload', 'delivery', 'read_at', 'created_at'])
    .where('user_id', '=', userId);
  if (options.unreadOnly) query = query.where('read_at', 'is', null);
  if (options.cursor) {
    const at = options.cursor.createdAt.toISOString();
    const id = options.cursor.id;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])])
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map((row) => ({
    ...parsePayload(row.payload),
    id: row.id,
    kind: row.kind as NotificationKind,
    delivery: row.delivery as NotificationDelivery,
    read: row.read_at !== null,
    createdAt: toDate(row.created_at)
  }));
  const last = items.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/** How many unread notifications a person has: one count over `notifications_unread_idx`. */
export async function unreadCount(db: Db, userId: string): Promise<number> {
  const row = await db.kysely
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks one of a person's notifications read; false when it is not theirs (or does not exist). */
export async function markRead(
  db: Db,
  userId: string,
  id: string,
  now = new Date()
): Promise<boolean> {
  const found = await db.kysely
    .selectFrom('notifications')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!found) return false;
  await db.kysely
    .updateTable('notifications')
    .set({ read_at: now.toISOString() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .execute();
  return true;
}

/** Marks every unread notification of a person read; returns how many changed. */
export async function markAllRead(db: Db, userId: string, now = new Date()): Promise<number> {
  const result = await db.kysely
    .updateTable('notifications')
    .set({ read_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A person's channel per kind (stored choices over the defaults), every kind present. */
export type NotificationPreferences = Record<NotificationKind, NotificationChannel>;

/** Every kind's channel for a person: what they chose, else the default. */
export async function getPreferences(db: Db, userId: string): Promise<NotificationPreferences> {
  const rows = await db.kysely
    .selectFrom('notification_preferences')
    .select(['kind', 'channel'])
    .where('user_id', '=', userId)
    .execute();
  const out: NotificationPreferences = { ...DEFAULT_CHANNELS };
  for (const row of rows) {
    const kind = row.kind as NotificationKind;
    if (
      NOTIFICATION_KINDS.includes(kind) &&
      !FIXED_KINDS.includes(kind) &&
      isNotificationChannel(row.channel)
    ) {
      out[kind] = row.channel;
    }
  }
  return out;
}

/**
 * Stores the given kinds' channels (the others stay as they are) and returns them all. Fixed kinds
 * (`moderation`) are the caller's to refuse; they are never stored here.
 */
export async function setPreferences(
  db: Db,
  userId: string,
  changes: Partial<Record<NotificationKind, NotificationChannel>>
): Promise<NotificationPreferences> {
  const rows = Object.entries(changes)
    .filter(([kind]) => !FIXED_KINDS.includes(kind as NotificationKind))
    .map(([kind, channel]) => ({ user_id: userId, kind, channel }));
  if (rows.length > 0) {
    await db.kysely
      .insertInto('notification_preferences')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'kind'])
          .doUpdateSet((eb) => ({ channel: eb.ref('excluded.channel') }))
      )
      .execute();
  }
  return getPreferences(db, userId);
}
