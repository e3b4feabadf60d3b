import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { JobQueue } from './job-queue.ts';
import { MAIL_QUEUE, type MailMessage } from './mail-message.ts';
import { mailMessageSchema, renderMail, type ValidMailMessage } from './mail-templates.ts';
import { PermanentJobError } from './permanent-job-error.ts';
import { lazyPackage } from '../lazy-package.ts';

/** nodemailer, loaded with the first mail (a quiet instance may never send one). */
const nodemailerModule = lazyPackage<typeof nodemailer>('nodemailer');

/** How `createMailer` delivers. */
export interface MailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`; without it mails are written as .eml files. */
  smtpUrl?: string | undefined;
  /** The sender, e.g. `Guildhall <noreply@guild.example.com>`. */
  from: string;
  /** Mails without SMTP go to `<dataDir>/mail/`. */
  dataDir: string;
  logger: Logger;
}

/** Renders and delivers mails. */
export interface Mailer {
  /** Renders `message` in its language and delivers it; rejects when delivery fails. */
  send(message: MailMessage): Promise<void>;
  /** Closes the SMTP connections, if any. */
  close(): void;
}

/**
 * A mailer over nodemailer. With an SMTP URL it sends through that server. Without one it writes
 * each mail as an RFC 822 `.eml` file under `<dataDir>/mail/` (names sort by time, e.g.
 * `2026-11-23T16-20-00-123Z-verify-email-1a2b3c4d.eml`) and logs one line with the recipient,
 * subject and link, so a newcomer can verify an account without a mail server.
 *
 * Attachments (a meeting's `.ics`) travel as MIME parts of their own. A message with
 * `listUnsubscribe` gets the RFC 8058 one-click headers `List-Unsubscribe: <url>` and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (mail providers honour them only when the
 * outgoing server signs both headers with DKIM). `replyTo` becomes the `Reply-To` header (a
 * personal message from an organizer: the answer goes to them, the mail still comes from us).
 *
 * An SMTP reply in the 5xx range (e.g. unknown recipient) is thrown as a `PermanentJobError`, so
 * the mail job does not retry a mail the server will never take.
 *
 * @example
 * const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, logger });
 * await mailer.send({ template: 'password-changed', to: 'ada@example.com', locale: 'en', params: { name: 'Ada' } });
 * mailer.close();
 */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) {
    const smtpUrl = options.smtpUrl;
    let transport: Transporter | undefined;
    return {
      async send(message) {
        const valid = mailMessageSchema.parse(message);
        const mail = await renderMail(valid);
        transport ??= nodemailerModule().createTransport(smtpUrl);
        try {
          const info = await transport.sendMail({
            from: options.from,
            to: valid.to,
            ...envelope(valid),
            ...mail
          });
          options.logger.info(
            { template: message.template, messageId: info.messageId },
            'mail sent'
          );
        } catch (error) {
          const code = smtpResponseCode(error);
          if (code !== undefined && code >= 500 && code < 600) {
            throw new PermanentJobError(
              `The mail server refused the ${message.template} mail (${code})`,
              {
                cause: error
              }
            );
          }
          throw error;
        }
      },
      close() {
        transport?.close();
      }
    };
  }

  const mailDir = path.join(options.dataDir, 'mail');
  const fileTransport = () =>
    nodemailerModule().createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let transport: ReturnType<typeof fileTransport> | undefined;
  return {
    async send(message) {
      const valid = mailMessageSchema.parse(message);
      const mail = await renderMail(valid);
      transport ??= fileTransport();
      const info = await transport.sendMail({
        from: options.from,
        to: valid.to,
        ...envelope(valid),
        ...mail
      });
      const raw = info.message;
      if (!Buffer.isBuffer(raw))
        throw new Error('nodemailer did not return the raw message as a buffer');
      await mkdir(mailDir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(
        mailDir,
        `${stamp}-${message.template}-${randomBytes(4).toString('hex')}.eml`
      );
      // The mail may hold a sign-in or reset link: readable by the owner only.
      await writeFile(file, raw, { mode: 0o600, flag: 'wx' });
      options.logger.info(
        { to: message.to, subject: mail.subject, url: message.params.url, file },
        'mail written to file (no SMTP_URL set)'
      );
    },
    close() {
      transport?.close();
    }
  };
}

/**
 * Makes queue `mail` deliver its jobs through `mailer`. A payload that is not a valid
 * `MailMessage` (unknown template, missing or malformed params, bad address) fails its job at
 * once with a `PermanentJobError` naming the problem, instead of retrying forever.
 *
 * @example
 * registerMailJobs(queue, mailer);
 * await queue.start();
 * await queue.enqueue(MAIL_QUEUE, { template: 'verify-email', to, locale, params: { name, url } });
 */
export function registerMailJobs(queue: JobQueue, mailer: Pick<Mailer, 'send'>): void {
  queue.work(MAIL_QUEUE, async (payload) => {
    const parsed = mailMessageSchema.safeParse(payload);
    if (!parsed.success) {
      throw new PermanentJobError(`Malformed mail job payload:\n${z.prettifyError(parsed.error)}`);
    }
    await mailer.send(parsed.data);
  });
}

/** Headers and attachments of a message, in nodemailer's terms. */
function envelope(message: ValidMailMessage): {
  headers: Record<string, string>;
  attachments: { filename: string; content: string; contentType: string }[];
  replyTo?: string;
} {
  const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
  if (message.listUnsubscribe) {
    headers['List-Unsubscribe'] = `<${message.listUnsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const attachments = (message.attachments ?? []).map((a) => ({
    filename: a.filename,
    content: a.content,
    contentType: a.contentType
  }));
  const replyTo = 'replyTo' in message ? message.replyTo : undefined;
  return { headers, attachments, ...(replyTo ? { replyTo } : {}) };
}

function smtpResponseCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('responseCode' in error)) return undefined;
  return typeof error.responseCode === 'number' ? error.responseCode : undefined;
}
