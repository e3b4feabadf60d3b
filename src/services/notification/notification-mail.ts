import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { toBool } from '../../db/values.ts';
import { isLocale, type Locale, mailTranslator } from '../../i18n/i18n.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { MAIL_QUEUE, type MailMessage } from '../../jobs/mail-message.ts';
import { mailMessageSchema } from '../../jobs/mail-templates.ts';
import { PermanentJobError } from '../../jobs/permanent-job-error.ts';
import {
  makeUnsubscribeToken,
  notifyUnsubscribeKind,
  type UnsubscribeKind,
  unsubscribeUrls
} from '../unsubscribe.service.ts';
import type { DigestFrequency, NotificationKind } from './notification-kinds.ts';
import { type NotificationPayload, parsePayload } from './notification-payload.ts';

/** What notification mails need: the queue, the public origin and the SECRET for unsubscribe tokens. */
export interface NotificationMailDeps {
  queue: JobQueue;
  baseUrl: string;
  secret: string;
}

/** A recipient as mails need them. */
export interface MailRecipient {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  verified: boolean;
}

const MAIL_PAGE = 500;

type Translate = (key: string, replace?: Record<string, string>) => string;

async function translator(locale: Locale): Promise<Translate> {
  const t = await mailTranslator(locale);
  return (key, replace = {}) => t(key, { replace, interpolation: { escapeValue: false } });
}

/** The sentence of a notification in the reader's language (`notifications.text.<text>`). */
export function headline(tr: Translate, payload: NotificationPayload): string {
  return tr(`notifications.text.${payload.text}`, {
    actor: payload.actor?.displayName ?? '',
    title: payload.title,
    group: payload.group?.name ?? ''
  });
}

function recipientOf(row: {
  user_id: string;
  email: string;
  name: string;
  language: string;
  email_verified: boolean | number;
}): MailRecipient {
  return {
    id: row.user_id,
    email: row.email,
    name: row.name,
    locale: isLocale(row.language) ? row.language : 'en',
    verified: toBool(row.email_verified)
  };
}

async function enqueueChecked(queue: JobQueue, message: MailMessage): Promise<void> {
  const checked = mailMessageSchema.safeParse(message);
  if (!checked.success) {
    throw new PermanentJobError(
      `Cannot build the ${message.template} mail:\n${z.prettifyError(checked.error)}`
    );
  }
  await queue.enqueue(MAIL_QUEUE, message);
}

function unsubscribe(
  deps: NotificationMailDeps,
  userId: string,
  kind: UnsubscribeKind | null
): { page: string; oneClick: string } | undefined {
  if (!kind) return undefined;
  return unsubscribeUrls(
    deps.baseUrl,
    makeUnsubscribeToken(deps.secret, { userId, kind, scope: '*' })
  );
}

/**
 * Mails every `email` notification of an activity that has not been mailed yet, a page at a time:
 * one mail each, in the recipient's language, with a one-click unsubscribe that stops that kind
 * of mail (warnings have none: they cannot be stopped). Unverified addresses get no mail. Marks
 * the rows `mailed_at`. At least once: a crash between enqueue and marking may send a page again.
 */
export async function sendImmediateMails(
  db: Db,
  deps: NotificationMailDeps,
  activityId: string,
  now: Date = new Date()
): Promise<number> {
  let sent = 0;
  for (;;) {
    const rows = await db.kysely
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .select([
        'n.id',
        'n.user_id',
        'n.kind',
        'n.payload',
        'u.email',
        'u.name',
        'u.language',
        'u.email_verified'
      ])
      .where('n.activity_id', '=', activityId)
      .where('n.delivery', '=', 'email')
      .where('n.mailed_at', 'is', null)
      .orderBy('n.id')
      .limit(MAIL_PAGE)
      .execute();
    if (rows.length === 0) return sent;
    for (const row of rows) {
      const person = recipientOf(row);
      if (!person.verified) continue;
      const tr = await translator(person.locale);
      const payload = parsePayload(row.payload);
      const urls = unsubscribe(
        deps,
        person.id,
        notifyUnsubscribeKind(row.kind as NotificationKind)
      );
      await enqueueChecked(deps.queue, {
        template: 'notification',
        to: person.email,
        locale: person.locale,
        params: {
          name: person.name,
          url: `${deps.baseUrl}${payload.path}`,
          headline: headline(tr, payload),
          excerpt: payload.excerpt ?? undefined,
          settingsUrl: `${deps.baseUrl}/settings/notifications`,
          unsubscribeUrl: urls?.page
        },
        listUnsubscribe: urls?.oneClick
      });
      sent += 1;
    }
    await db.kysely
      .updateTable('notifications')
      .set({ mailed_at: now.toISOString() })
      .where(
        'id',
        'in',
        rows.map((r) => r.id)
      )
      .execute();
    if (rows.length < MAIL_PAGE) return sent;
  }
}

/** One item of a digest as the job hands it over. */
export interface DigestItem {
  kind: string;
  payload: string;
}

/** The sections of a digest in their order, and which kinds go into each. */
const SECTIONS: { key: string; kinds: readonly string[] }[] = [
  { key: 'meetings', kinds: ['meeting'] },
  { key: 'rounds', kinds: ['round'] },
  { key: 'posts', kinds: ['post'] },
  { key: 'conversations', kinds: ['mention', 'reply'] },
  { key: 'other', kinds: ['member', 'report', 'moderation'] }
];

/**
 * The digest's body: items grouped by group (items without a group last), each group's items in
 * sections (meetings, agendas and rounds, posts, conversations, other), one line each with its link.
 */
export function digestText(tr: Translate, baseUrl: string, items: readonly DigestItem[]): string {
  const byGroup = new Map<string, { name: string; items: DigestItem[] }>();
  for (const item of items) {
    const payload = parsePayload(item.payload);
    const key = payload.group?.id ?? '';
    const entry = byGroup.get(key) ?? { name: payload.group?.name ?? '', items: [] };
    entry.items.push(item);
    byGroup.set(key, entry);
  }
  const blocks: string[] = [];
  const groups = [...byGroup.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : 0));
  for (const [, group] of groups) {
    const lines = [group.name || tr('notifications.digest.noGroup')];
    for (const section of SECTIONS) {
      const inSection = group.items.filter((i) => section.kinds.includes(i.kind));
      if (inSection.length === 0) continue;
      lines.push('', `${tr(`notifications.digest.sections.${section.key}`)}:`);
      for (const item of inSection) {
        const payload = parsePayload(item.payload);
        lines.push(`• ${headline(tr, payload)}`, `  ${baseUrl}${payload.path}`);
      }
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

/** Enqueues one digest mail (daily or weekly) holding `items`, with its one-click unsubscribe. */
export async function sendDigestMail(
  deps: NotificationMailDeps,
  person: MailRecipient,
  frequency: DigestFrequency,
  items: readonly DigestItem[]
): Promise<void> {
  const tr = await translator(person.locale);
  const urls = unsubscribe(deps, person.id, `digest-${frequency}`);
  await enqueueChecked(deps.queue, {
    template: 'notification-digest',
    to: person.email,
    locale: person.locale,
    params: {
      name: person.name,
      url: `${deps.baseUrl}/notifications`,
      frequency,
      count: String(items.length),
      digest: digestText(tr, deps.baseUrl, items),
      settingsUrl: `${deps.baseUrl}/settings/notifications`,
      unsubscribeUrl: urls?.page
    },
    listUnsubscribe: urls?.oneClick
  });
}
