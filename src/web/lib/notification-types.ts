// The notification API's wire types, as the web UI reads them.
import type { MessageKey } from './i18n.ts';

export const NOTIFICATION_KINDS = [
  'mention',
  'reply',
  'post',
  'meeting',
  'round',
  'member',
  'report',
  'moderation'
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'daily', 'weekly', 'off'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Kinds a member cannot change. */
export const FIXED_KINDS: readonly NotificationKind[] = ['moderation'];

export type NotificationText =
  | 'post'
  | 'postMention'
  | 'comment'
  | 'reply'
  | 'commentMention'
  | 'meetingPublished'
  | 'meetingChanged'
  | 'meetingCancelled'
  | 'roundOpened'
  | 'roundClosed'
  | 'memberJoined'
  | 'reportCreated'
  | 'warned';

/** One notification (`GET /me/notifications`). */
export interface NotificationItem {
  id: string;
  kind: NotificationKind;
  text: NotificationText;
  title: string;
  excerpt: string | null;
  path: string;
  actor: { id: string; handle: string; displayName: string } | null;
  group: { id: string; slug: string; name: string } | null;
  delivery: 'in_app' | 'email' | 'daily' | 'weekly';
  read: boolean;
  createdAt: string;
}

export interface NotificationPage {
  items: NotificationItem[];
  nextCursor: string | null;
}

export type NotificationPreferences = Record<NotificationKind, NotificationChannel>;

/** The catalog key of a notification's sentence. */
export function notificationTextKey(text: NotificationText): MessageKey {
  return `notifications.text.${text}`;
}
