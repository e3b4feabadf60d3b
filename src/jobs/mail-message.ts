import type { Locale } from '../i18n/i18n.ts';

/** The mails Guildhall sends. Each has an English and a German template, HTML and plain text. */
export type MailTemplate =
  | 'verify-email'
  | 'reset-password'
  | 'account-exists'
  | 'change-email'
  | 'password-changed'
  | 'group-invitation'
  | 'join-request';

/** What a service hands to the `mail` queue: rendering and sending happen in the job. */
export interface MailMessage {
  template: MailTemplate;
  to: string;
  locale: Locale;
  /** Template variables, e.g. `{ name, url }`. */
  params: Record<string, string>;
}

/** The queue name mail jobs travel on. */
export const MAIL_QUEUE = 'mail';
