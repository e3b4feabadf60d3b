import { z } from 'zod';
import {
  DEFAULT_CHANNELS,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS
} from '../../../services/notification/notification-kinds.ts';
import { NOTIFICATION_TEXTS } from '../../../services/notification/notification-payload.ts';

export const NOTIFICATION_PAGE_MAX = 100;

export const notificationListQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(NOTIFICATION_PAGE_MAX).optional(),
  unread: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: 'true: only unread notifications' })
});

export const notificationIdParams = z.object({ id: z.string().min(1).max(200) });

const kind = z.enum(NOTIFICATION_KINDS);
const channel = z.enum(NOTIFICATION_CHANNELS);

export const notificationSchema = z
  .object({
    id: z.string(),
    kind,
    text: z.enum(NOTIFICATION_TEXTS).meta({
      description:
        'Which sentence describes it (the web and mail catalogs word it with actor, title and group)'
    }),
    title: z.string(),
    excerpt: z.string().nullable(),
    path: z.string().meta({ description: 'Site-relative link', example: '/groups/rust/board/1' }),
    actor: z.object({ id: z.string(), handle: z.string(), displayName: z.string() }).nullable(),
    group: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
    delivery: z.enum(['in_app', 'email', 'daily', 'weekly']),
    read: z.boolean(),
    createdAt: z.string()
  })
  .meta({ id: 'Notification' });

export const notificationPage = z
  .object({ items: z.array(notificationSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'NotificationPage' });

export const unreadCountSchema = z.object({ unread: z.number().int().min(0) });

export const readAllSchema = z.object({ marked: z.number().int().min(0) });

export const preferencesSchema = z
  .object(
    Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, channel])) as Record<
      (typeof NOTIFICATION_KINDS)[number],
      typeof channel
    >
  )
  .meta({
    id: 'NotificationPreferences',
    description: `Every kind with its channel. Defaults: ${Object.entries(DEFAULT_CHANNELS)
      .map(([k, c]) => `${k} ${c}`)
      .join(', ')}. moderation (warnings) is always in the app and by mail.`
  });

/** `PUT /me/notification-preferences`: the kinds to change; `moderation` only as it is. */
export const preferencesBody = z
  .strictObject(
    Object.fromEntries(
      NOTIFICATION_KINDS.map((k) => [k, k === 'moderation' ? z.string().max(20) : channel])
    ) as Record<(typeof NOTIFICATION_KINDS)[number], typeof channel>
  )
  .partial()
  .meta({ id: 'NotificationPreferencesUpdate' });
