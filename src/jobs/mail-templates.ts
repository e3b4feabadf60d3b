import { z } from 'zod';
import { LOCALES, type Locale, mailTranslator } from '../i18n/i18n.ts';
import { healthOutreachMailSchema, healthOutreachParts } from './health-mail-templates.ts';
import type { MailMessage, MailTemplate } from './mail-message.ts';
import {
  notificationDigestMailSchema,
  notificationMailSchema,
  notificationParts,
  templateKey
} from './notification-mail-templates.ts';

/** A mail ready for the transport: subject line, plain-text body and HTML body. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Every template, in the order they are documented. */
export const MAIL_TEMPLATES = [
  'verify-email',
  'reset-password',
  'account-exists',
  'change-email',
  'password-changed',
  'account-deleted',
  'test-mail',
  'group-invitation',
  'join-request',
  'meeting-announce',
  'meeting-reminder',
  'meeting-promoted',
  'meeting-changed',
  'meeting-cancelled',
  'meeting-agenda',
  'meeting-feedback',
  'notification',
  'notification-digest',
  'health-outreach'
] as const satisfies readonly MailTemplate[];

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const name = z.string();
const text = z.string().min(1);
const recipient = z.email();
const locale = z.enum(LOCALES);

/** Attachments are our own files (a meeting's .ics): a plain name, a plain MIME type, text. */
const attachment = z.object({
  filename: z.string().regex(/^[\w.-]{1,100}$/, { message: 'must be a plain file name' }),
  contentType: z
    .string()
    .regex(/^[a-z]+\/[\w.+-]+(; ?[\w-]+=[\w.-]+)*$/i, { message: 'must be a MIME type' }),
  content: z.string().max(512 * 1024)
});

/** What every message may carry besides its template's params. */
const envelope = {
  to: recipient,
  locale,
  attachments: z.array(attachment).max(5).optional(),
  listUnsubscribe: httpUrl.optional(),
  replyTo: recipient.optional()
};

/**
 * Params of every mail about a meeting: the meeting page (`url`), its group, title, local time
 * (`when`, already formatted for the recipient), place in words, and the web page that stops this
 * kind of mail (`unsubscribeUrl`). `onlineUrl` is only passed for people going.
 */
const meetingParams = {
  name,
  url: httpUrl,
  groupName: text,
  title: text,
  when: text,
  place: text.optional(),
  onlineUrl: httpUrl.optional(),
  unsubscribeUrl: httpUrl
};

/** Which parts of a meeting changed, as the `changes` param of `meeting-changed`. */
const MEETING_CHANGES = ['time', 'place', 'time,place'] as const;

/**
 * The shape of a `MailMessage` with the params each template needs: `name` everywhere, `url` for
 * every mail with a link, `newEmail` for `change-email`, the meeting params (`meetingParams`) for
 * `meeting-*` (plus `agenda`, the items one a line, for `meeting-agenda`; `meeting-feedback`
 * links the feedback form; `health-outreach` carries an organizer's own words and a `replyTo`).
 * Extra params are dropped. Attachments, `listUnsubscribe` and `replyTo` are optional everywhere.
 */
export const mailMessageSchema = z.discriminatedUnion('template', [
  z.object({
    template: z.literal('verify-email'),
    ...envelope,
    params: z.object({ name, url: httpUrl })
  }),
  z.object({
    template: z.literal('reset-password'),
    ...envelope,
    params: z.object({ name, url: httpUrl })
  }),
  z.object({
    template: z.literal('account-exists'),
    ...envelope,
    params: z.object({ name, url: httpUrl })
  }),
  z.object({
    template: z.literal('change-email'),
    ...envelope,
    params: z.object({ name, url: httpUrl, newEmail: recipient })
  }),
  z.object({
    template: z.literal('password-changed'),
    ...envelope,
    params: z.object({ name })
  }),
  z.object({
    template: z.literal('account-deleted'),
    ...envelope,
    params: z.object({ name })
  }),
  z.object({
    template: z.literal('test-mail'),
    ...envelope,
    params: z.object({ name })
  }),
  z.object({
    template: z.literal('group-invitation'),
    ...envelope,
    params: z.object({ name, url: httpUrl, groupName: name, inviterName: name })
  }),
  z.object({
    template: z.literal('join-request'),
    ...envelope,
    params: z.object({ name, url: httpUrl, groupName: name, applicantName: name })
  }),
  z.object({
    template: z.literal('meeting-announce'),
    ...envelope,
    // Announcements go to members who are not going (yet): never the online link.
    params: z.object({ ...meetingParams, onlineUrl: z.never().optional() })
  }),
  z.object({
    template: z.literal('meeting-reminder'),
    ...envelope,
    params: z.object(meetingParams)
  }),
  z.object({
    template: z.literal('meeting-promoted'),
    ...envelope,
    params: z.object(meetingParams)
  }),
  z.object({
    template: z.literal('meeting-changed'),
    ...envelope,
    params: z.object({
      ...meetingParams,
      changes: z.enum(MEETING_CHANGES),
      /** The time before the change, formatted like `when` (when known). */
      oldWhen: text.optional()
    })
  }),
  z.object({
    template: z.literal('meeting-cancelled'),
    ...envelope,
    // Cancellations also reach the waitlist: never the online link.
    params: z.object({
      ...meetingParams,
      onlineUrl: z.never().optional(),
      reason: z.string().optional()
    })
  }),
  z.object({
    template: z.literal('meeting-agenda'),
    ...envelope,
    // Like announcements, the agenda goes to members who may not be going: never the online link.
    params: z.object({
      ...meetingParams,
      onlineUrl: z.never().optional(),
      /** The agenda, one item a line, already worded for the recipient's language. */
      agenda: text.max(20_000)
    })
  }),
  z.object({
    template: z.literal('meeting-feedback'),
    ...envelope,
    // After the meeting, to those who attended: the link (`url`) is the feedback form.
    params: z.object({ ...meetingParams, onlineUrl: z.never().optional() })
  }),
  notificationMailSchema,
  notificationDigestMailSchema,
  healthOutreachMailSchema
]) satisfies z.ZodType<MailMessage>;

/** A `MailMessage` whose params have been checked against its template. */
export type ValidMailMessage = z.output<typeof mailMessageSchema>;

/**
 * Renders a mail in the message's language from the `mail` catalogs (`src/i18n/locales/<locale>/mail.json`).
 * Every interpolated value is HTML-escaped in the HTML body; the plain-text body carries the link
 * on a line of its own. Mails about a meeting add its facts (what, when, where, online link) as a
 * small table, and a link that stops this kind of mail. Throws a `ZodError` when the params do not
 * fit the template.
 *
 * @example
 * const mail = await renderMail({
 *   template: 'verify-email',
 *   to: 'ada@example.com',
 *   locale: 'de',
 *   params: { name: 'Ada', url: 'https://guild.example.com/verify?token=abc' }
 * });
 * mail.subject; // 'Bestätige deine E-Mail-Adresse'
 */
export async function renderMail(message: MailMessage): Promise<RenderedMail> {
  const valid = mailMessageSchema.parse(message);
  const t = await mailTranslator(valid.locale);
  const tr: Translate = (key, replace = {}) =>
    t(key, { replace, interpolation: { escapeValue: false } });

  const params: Record<string, string | undefined> = valid.params;
  const key = templateKey(valid.template, params);
  const name = params.name?.trim();
  const greeting = name ? tr('layout.greeting', { name }) : tr('layout.greetingNoName');
  const link =
    'url' in valid.params
      ? { url: valid.params.url, action: tr(`${key}.action`), hint: tr('layout.linkHint') }
      : undefined;
  const meeting = key.startsWith('meeting-')
    ? meetingParts(key, params, tr)
    : key.startsWith('notifications.')
      ? notificationParts(key, params, tr)
      : key === 'health-outreach'
        ? healthOutreachParts(params)
        : undefined;
  const content: MailContent = {
    locale: valid.locale,
    subject: tr(`${key}.subject`, params),
    greeting,
    intro: tr(`${key}.intro`, params),
    notes: meeting?.notes ?? [],
    details: meeting?.details ?? [],
    link,
    outro: tr(`${key}.outro`, params),
    footer: tr(`${key}.footer`, params),
    unsubscribe: meeting?.unsubscribe,
    settings: params.settingsUrl
      ? { text: tr('notifications.mailSettings'), url: params.settingsUrl }
      : undefined
  };
  return { subject: content.subject, text: renderText(content), html: renderHtml(content) };
}

type Translate = (key: string, replace?: Record<string, string | undefined>) => string;

interface Detail {
  label: string;
  value: string;
  /** Set when the value is a link. */
  href?: string;
}

/** The meeting facts, the notes of a change or cancellation, and the unsubscribe link. */
function meetingParts(
  key: string,
  params: Record<string, string | undefined>,
  tr: Translate
): Pick<MailContent, 'notes' | 'details' | 'unsubscribe'> {
  const notes: string[] = [];
  if (key === 'meeting-changed') {
    const changes = params.changes?.split(',') ?? [];
    if (changes.includes('time')) {
      notes.push(
        params.oldWhen
          ? tr('meeting-changed.timeChanged', params)
          : tr('meeting-changed.timeNew', params)
      );
    }
    if (changes.includes('place')) {
      notes.push(
        params.place
          ? tr('meeting-changed.placeChanged', params)
          : tr('meeting-changed.placeRemoved', params)
      );
    }
  }
  if (key === 'meeting-cancelled' && params.reason?.trim()) {
    notes.push(tr('meeting-cancelled.reason', { reason: params.reason.trim() }));
  }
  if (key === 'meeting-agenda' && params.agenda?.trim()) notes.push(params.agenda.trim());
  const details: Detail[] = [
    { label: tr('meeting.what'), value: params.title ?? '' },
    { label: tr('meeting.when'), value: params.when ?? '' }
  ];
  if (params.place) details.push({ label: tr('meeting.where'), value: params.place });
  if (params.onlineUrl) {
    details.push({
      label: tr('meeting.onlineLink'),
      value: params.onlineUrl,
      href: params.onlineUrl
    });
  }
  const unsubscribe = params.unsubscribeUrl
    ? { text: tr(`${key}.unsubscribe`, params), url: params.unsubscribeUrl }
    : undefined;
  return { notes, details, unsubscribe };
}

interface MailContent {
  locale: Locale;
  subject: string;
  greeting: string;
  intro: string;
  /** Paragraphs after the intro (what changed, why a meeting was cancelled). */
  notes: string[];
  /** Label–value rows (a meeting's what, when, where). */
  details: Detail[];
  link: { url: string; action: string; hint: string } | undefined;
  outro: string;
  footer: string;
  /** A link that stops this kind of mail. */
  unsubscribe: { text: string; url: string } | undefined;
  /** A link to the notification settings. */
  settings?: { text: string; url: string } | undefined;
}

function renderText(c: MailContent): string {
  const lines = [c.greeting, '', c.intro, ''];
  for (const note of c.notes) lines.push(note, '');
  if (c.details.length > 0) {
    for (const d of c.details) lines.push(`${d.label}: ${d.value}`);
    lines.push('');
  }
  if (c.link) lines.push(`${c.link.action}:`, c.link.url, '');
  lines.push(c.outro, '', '-- ', c.footer, '');
  if (c.unsubscribe) lines.push(c.unsubscribe.text, c.unsubscribe.url, '');
  if (c.settings) lines.push(c.settings.text, c.settings.url, '');
  return lines.join('\n');
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function renderHtml(c: MailContent): string {
  const p = (text: string, style = ''): string =>
    `<p style="margin:0 0 16px;${style}">${escapeHtml(text)}</p>`;
  const notes = c.notes.map((note) => p(note, 'white-space:pre-line;')).join('\n');
  const details =
    c.details.length > 0
      ? [
          '<table style="border-collapse:collapse;margin:0 0 16px;">',
          ...c.details.map((d) => {
            const value = d.href
              ? `<a href="${escapeHtml(d.href)}" style="color:#1d4ed8;word-break:break-all;">${escapeHtml(d.value)}</a>`
              : escapeHtml(d.value);
            return `<tr><th scope="row" style="padding:4px 16px 4px 0;text-align:left;vertical-align:top;font-weight:600;">${escapeHtml(d.label)}</th><td style="padding:4px 0;vertical-align:top;">${value}</td></tr>`;
          }),
          '</table>'
        ].join('\n')
      : '';
  const link = c.link
    ? [
        `<p style="margin:24px 0;"><a href="${escapeHtml(c.link.url)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:#1d4ed8;color:#ffffff;font-weight:600;text-decoration:none;">${escapeHtml(c.link.action)}</a></p>`,
        `<p style="margin:0 0 16px;font-size:14px;color:#52525b;">${escapeHtml(c.link.hint)}<br><a href="${escapeHtml(c.link.url)}" style="color:#1d4ed8;word-break:break-all;">${escapeHtml(c.link.url)}</a></p>`
      ].join('\n')
    : '';
  const unsubscribe = c.unsubscribe
    ? `\n<p style="margin:0 0 16px;font-size:13px;color:#52525b;"><a href="${escapeHtml(c.unsubscribe.url)}" style="color:#52525b;">${escapeHtml(c.unsubscribe.text)}</a></p>`
    : '';
  const settings = c.settings
    ? `\n<p style="margin:0 0 16px;font-size:13px;color:#52525b;"><a href="${escapeHtml(c.settings.url)}" style="color:#52525b;">${escapeHtml(c.settings.text)}</a></p>`
    : '';
  const body = [p(c.greeting), p(c.intro), notes, details, link, p(c.outro)]
    .filter(Boolean)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${c.locale}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(c.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f5;">
<div role="article" aria-roledescription="email" aria-label="${escapeHtml(c.subject)}" lang="${c.locale}" style="max-width:560px;margin:0 auto;padding:32px 24px;background:#ffffff;color:#18181b;${FONT};font-size:16px;line-height:1.5;">
${body}
<hr style="border:none;border-top:1px solid #e4e4e7;margin:24px 0 16px;">
${p(c.footer, 'font-size:13px;color:#52525b;')}${unsubscribe}${settings}
</div>
</body>
</html>
`;
}

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
