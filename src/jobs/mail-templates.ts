import { z } from 'zod';
import { LOCALES, type Locale, mailTranslator } from '../i18n/i18n.ts';
import type { MailMessage, MailTemplate } from './mail-message.ts';

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
  'group-invitation',
  'join-request'
] as const satisfies readonly MailTemplate[];

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const name = z.string();
const recipient = z.email();
const locale = z.enum(LOCALES);

/**
 * The shape of a `MailMessage` with the params each template needs: `name` everywhere, `url` for
 * every mail with a link, `newEmail` for `change-email`. Extra params are dropped.
 */
export const mailMessageSchema = z.discriminatedUnion('template', [
  z.object({
    template: z.literal('verify-email'),
    to: recipient,
    locale,
    params: z.object({ name, url: httpUrl })
  }),
  z.object({
    template: z.literal('reset-password'),
    to: recipient,
    locale,
    params: z.object({ name, url: httpUrl })
  }),
  z.object({
    template: z.literal('account-exists'),
    to: recipient,
    locale,
    params: z.object({ name, url: httpUrl })
  }),
  z.object({
    template: z.literal('change-email'),
    to: recipient,
    locale,
    params: z.object({ name, url: httpUrl, newEmail: recipient })
  }),
  z.object({
    template: z.literal('password-changed'),
    to: recipient,
    locale,
    params: z.object({ name })
  }),
  z.object({
    template: z.literal('group-invitation'),
    to: recipient,
    locale,
    params: z.object({ name, url: httpUrl, groupName: name, inviterName: name })
  }),
  z.object({
    template: z.literal('join-request'),
    to: recipient,
    locale,
    params: z.object({ name, url: httpUrl, groupName: name, applicantName: name })
  })
]) satisfies z.ZodType<MailMessage>;

/** A `MailMessage` whose params have been checked against its template. */
export type ValidMailMessage = z.output<typeof mailMessageSchema>;

/**
 * Renders a mail in the message's language from the `mail` catalogs (`src/i18n/locales/<locale>/mail.json`).
 * Every interpolated value is HTML-escaped in the HTML body; the plain-text body carries the link
 * on a line of its own. Throws a `ZodError` when the params do not fit the template.
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
  const tr = (key: string, replace: Record<string, string> = {}): string =>
    t(key, { replace, interpolation: { escapeValue: false } });

  const params: Record<string, string> = valid.params;
  const key = valid.template;
  const greeting = params.name?.trim()
    ? tr('layout.greeting', { name: params.name.trim() })
    : tr('layout.greetingNoName');
  const link =
    'url' in valid.params
      ? { url: valid.params.url, action: tr(`${key}.action`), hint: tr('layout.linkHint') }
      : undefined;
  const content: MailContent = {
    locale: valid.locale,
    subject: tr(`${key}.subject`, params),
    greeting,
    intro: tr(`${key}.intro`, params),
    link,
    outro: tr(`${key}.outro`, params),
    footer: tr(`${key}.footer`, params)
  };
  return { subject: content.subject, text: renderText(content), html: renderHtml(content) };
}

interface MailContent {
  locale: Locale;
  subject: string;
  greeting: string;
  intro: string;
  link: { url: string; action: string; hint: string } | undefined;
  outro: string;
  footer: string;
}

function renderText(c: MailContent): string {
  const lines = [c.greeting, '', c.intro, ''];
  if (c.link) lines.push(`${c.link.action}:`, c.link.url, '');
  lines.push(c.outro, '', '-- ', c.footer, '');
  return lines.join('\n');
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function renderHtml(c: MailContent): string {
  const p = (text: string, style = ''): string =>
    `<p style="margin:0 0 16px;${style}">${escapeHtml(text)}</p>`;
  const link = c.link
    ? [
        `<p style="margin:24px 0;"><a href="${escapeHtml(c.link.url)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:#1d4ed8;color:#ffffff;font-weight:600;text-decoration:none;">${escapeHtml(c.link.action)}</a></p>`,
        `<p style="margin:0 0 16px;font-size:14px;color:#52525b;">${escapeHtml(c.link.hint)}<br><a href="${escapeHtml(c.link.url)}" style="color:#1d4ed8;word-break:break-all;">${escapeHtml(c.link.url)}</a></p>`
      ].join('\n')
    : '';
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
${p(c.greeting)}
${p(c.intro)}
${link}
${p(c.outro)}
<hr style="border:none;border-top:1px solid #e4e4e7;margin:24px 0 16px;">
${p(c.footer, 'font-size:13px;color:#52525b;')}
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
