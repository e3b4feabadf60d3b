import type { Locale } from '../i18n/i18n.ts';

/** The mails Guildhall sends. Each has an English and a German template, HTML and plain text. */
export type MailTemplate =
  | 'verify-email'
  | 'reset-password'
  | 'account-exists'
  | 'change-email'
  | 'password-changed'
  | 'account-deleted'
  | 'test-mail'
  | 'group-invitation'
  | 'join-request'
  | 'meeting-announce'
  | 'meeting-reminder'
  | 'meeting-promoted'
  | 'meeting-changed'
  | 'meeting-cancelled'
  | 'meeting-agenda'
  | 'meeting-feedback'
  | 'notification'
  | 'notification-digest'
  | 'health-outreach';

/** A file sent with a mail, e.g. a meeting's `.ics`. */
export interface MailAttachment {
  /** A plain file name (letters, digits, `.`, `-`, `_`), e.g. `meeting.ics`. */
  filename: string;
  /** The MIME type with parameters, e.g. `text/calendar; charset=utf-8; method=PUBLISH`. */
  contentType: string;
  /** The file's text. */
  content: string;
}

/** What a service hands to the `mail` queue: rendering and sending happen in the job. */
export interface MailMessage {
  template: MailTemplate;
  to: string;
  locale: Locale;
  /** Template variables, e.g. `{ name, url }`; optional ones may be left undefined. */
  params: Record<string, string | undefined>;
  /** Files to attach (a meeting's `.ics`). */
  attachments?: MailAttachment[] | undefined;
  /**
   * The https URL a mail client POSTs to for one-click unsubscribe (RFC 8058). The mailer writes
   * it as `List-Unsubscribe: <url>` together with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
   */
  listUnsubscribe?: string | undefined;
  /** Where replies go instead of the sender (a personal message: the organizer who wrote it). */
  replyTo?: string | undefined;
}

/** The queue name mail jobs travel on. */
export const MAIL_QUEUE = 'mail';
