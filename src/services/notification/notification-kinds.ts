// The kinds of notification, the channels a member picks per kind, and the defaults.

/** Every kind of notification; each is a preference key. */
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

/** How a member hears about a kind: in the app only, a mail at once, a digest, or not at all. */
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'daily', 'weekly', 'off'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** How a notification row was delivered (`off` never makes a row). */
export type NotificationDelivery = Exclude<NotificationChannel, 'off'>;

/** The digest frequencies. */
export const DIGEST_FREQUENCIES = ['daily', 'weekly'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

/**
 * The channel of each kind until a member chooses another. Things addressed to one person
 * (mentions, replies, reports to review, meetings that concern them) come by mail at once;
 * the stream of new posts comes in the daily digest; closed rounds and new members only in
 * the app. `moderation` (a warning) is always in the app and by mail.
 */
export const DEFAULT_CHANNELS: Readonly<Record<NotificationKind, NotificationChannel>> = {
  mention: 'email',
  reply: 'email',
  post: 'daily',
  meeting: 'email',
  round: 'in_app',
  member: 'in_app',
  report: 'email',
  moderation: 'email'
};

/** Kinds a member cannot change (a warning always reaches them). */
export const FIXED_KINDS: readonly NotificationKind[] = ['moderation'];

export function isNotificationKind(value: string): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

export function isNotificationChannel(value: string): value is NotificationChannel {
  return (NOTIFICATION_CHANNELS as readonly string[]).includes(value);
}
