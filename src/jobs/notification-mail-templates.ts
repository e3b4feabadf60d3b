import { z } from 'zod';
import { LOCALES } from '../i18n/i18n.ts';
import type { MailTemplate } from './mail-message.ts';

// The notification mails: one notification at once, and the daily or weekly digest. Their strings
// live under `notifications` in the mail catalogs (see `templateKey`). `renderMail` in
// mail-templates.ts renders them like every other mail.

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const text = z.string().min(1);
/** Notification mails carry no attachments. */
const envelope = {
  to: z.email(),
  locale: z.enum(LOCALES),
  attachments: z.array(z.never()).max(0).optional(),
  listUnsubscribe: httpUrl.optional()
};

/** `notification`: one notification at once — the sentence (already worded), an excerpt, its page. */
export const notificationMailSchema = z.object({
  template: z.literal('notification'),
  ...envelope,
  params: z.object({
    name: z.string(),
    url: httpUrl,
    headline: text.max(1000),
    excerpt: z.string().max(2000).optional(),
    settingsUrl: httpUrl,
    /** Absent for warnings, which cannot be stopped. */
    unsubscribeUrl: httpUrl.optional()
  })
});

/** `notification-digest`: the daily or weekly digest, its items grouped by group (already worded). */
export const notificationDigestMailSchema = z.object({
  template: z.literal('notification-digest'),
  ...envelope,
  params: z.object({
    name: z.string(),
    url: httpUrl,
    frequency: z.enum(['daily', 'weekly']),
    count: z.string().regex(/^\d{1,6}$/),
    digest: text.max(200_000),
    settingsUrl: httpUrl,
    unsubscribeUrl: httpUrl
  })
});

/**
 * Where a template's strings live: meeting and account mails under their own name, notification
 * mails under `notifications.immediate` and `notifications.digest.<daily|weekly>`.
 */
export function templateKey(
  template: MailTemplate,
  params: Record<string, string | undefined>
): string {
  if (template === 'notification') return 'notifications.immediate';
  if (template === 'notification-digest') {
    return `notifications.digest.${params.frequency === 'weekly' ? 'weekly' : 'daily'}`;
  }
  return template;
}

/** A notification's sentence and excerpt, or a digest's items, and the unsubscribe link. */
export function notificationParts(
  key: string,
  params: Record<string, string | undefined>,
  tr: (key: string, replace?: Record<string, string | undefined>) => string
): { notes: string[]; details: []; unsubscribe: { text: string; url: string } | undefined } {
  const notes: string[] = [];
  if (params.headline) notes.push(params.headline);
  if (params.excerpt?.trim()) notes.push(`“${params.excerpt.trim()}”`);
  if (params.digest?.trim()) notes.push(params.digest.trim());
  const unsubscribe = params.unsubscribeUrl
    ? { text: tr(`${key}.unsubscribe`, params), url: params.unsubscribeUrl }
    : undefined;
  return { notes, details: [], unsubscribe };
}
