import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, testDialects } from '../test/test-database.ts';
import { createJobQueue } from './create-job-queue.ts';
import type { JobQueue } from './job-queue.ts';
import { MAIL_QUEUE, type MailMessage } from './mail-message.ts';
import { type Mailer, createMailer, registerMailJobs } from './mailer.ts';
import { PermanentJobError } from './permanent-job-error.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** An SMTP server on a free local port that keeps what it receives; REJECTED is refused with 550. */
async function startSmtpServer(): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === REJECTED) {
        callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8')
        });
        callback();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      })
  };
}

const REJECTED = 'nobody@example.com';

/** A header of a raw message, unfolded, with RFC 2047 encoded words decoded. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded
    .split(/\r?\n/)
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (!line) return '';
  return line
    .slice(name.length + 1)
    .trim()
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(decodeQpBytes(text.replaceAll('_', ' '))).toString('utf8')
    );
}

function decodeQpBytes(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i] ?? '', 'utf8'));
    }
  }
  return bytes;
}

/** The decoded bodies of all MIME parts, concatenated. */
function bodies(raw: string): string {
  const parts = [
    ...raw.matchAll(
      /Content-Transfer-Encoding: ([\w-]+)\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)(?=\r?\n--)/gi
    )
  ];
  return parts
    .map(([, encoding = '', body = '']) => {
      switch (encoding.toLowerCase()) {
        case 'base64':
          return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
        case 'quoted-printable':
          return Buffer.from(decodeQpBytes(body.replace(/=\r?\n/g, ''))).toString('utf8');
        default:
          return body;
      }
    })
    .join('\n');
}

function logCapture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }
  );
  return { logger, lines };
}

const verifyUrl = (who: string): string =>
  `https://guild.example.com/verify?token=${who}-0123456789abcdef&next=%2F`;

function verifyMail(to: string, locale: 'en' | 'de', name: string): MailMessage {
  return {
    template: 'verify-email',
    to,
    locale,
    params: { name, url: verifyUrl(name.toLowerCase()) }
  };
}

describe('createMailer over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let mailer: Mailer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp.close();
  });
  beforeEach(() => {
    smtp.received.length = 0;
    mailer = createMailer({
      smtpUrl: smtp.url,
      from: 'Guildhall <noreply@guild.example.com>',
      dataDir: '/nonexistent',
      logger: pino({ enabled: false })
    });
  });
  afterEach(() => {
    mailer.close();
  });

  it('delivers the mail in English and in German', async () => {
    await mailer.send(verifyMail('ada@example.com', 'en', 'Ada'));
    await mailer.send(verifyMail('grete@example.de', 'de', 'Grete'));
    expect(smtp.received).toHaveLength(2);
    const [en, de] = smtp.received;

    expect(en?.from).toBe('noreply@guild.example.com');
    expect(en?.to).toEqual(['ada@example.com']);
    expect(header(en?.raw ?? '', 'To')).toBe('ada@example.com');
    expect(header(en?.raw ?? '', 'Subject')).toBe('Confirm your email address');
    expect(header(en?.raw ?? '', 'Auto-Submitted')).toBe('auto-generated');
    expect(bodies(en?.raw ?? '')).toContain(verifyUrl('ada'));
    expect(bodies(en?.raw ?? '')).toContain('Hi Ada,');

    expect(de?.to).toEqual(['grete@example.de']);
    expect(header(de?.raw ?? '', 'Subject')).toBe('Bestätige deine E-Mail-Adresse');
    const deBody = bodies(de?.raw ?? '');
    expect(deBody).toContain(verifyUrl('grete'));
    expect(deBody).toContain('Hallo Grete,');
    expect(deBody).toContain('<html lang="de"');
    expect(deBody).toContain('Du erhältst diese E-Mail');
  });

  it('turns a permanent SMTP refusal (5xx) into a PermanentJobError', async () => {
    await expect(mailer.send(verifyMail(REJECTED, 'en', 'Nobody'))).rejects.toBeInstanceOf(
      PermanentJobError
    );
    expect(smtp.received).toHaveLength(0);
  });

  it('lets a connection failure through as an ordinary error, so the job retries', async () => {
    const unreachable = createMailer({
      smtpUrl: 'smtp://127.0.0.1:1',
      from: 'noreply@guild.example.com',
      dataDir: '/nonexistent',
      logger: pino({ enabled: false })
    });
    try {
      const error: unknown = await unreachable
        .send(verifyMail('ada@example.com', 'en', 'Ada'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(PermanentJobError);
    } finally {
      unreachable.close();
    }
  });
});

describe('createMailer without SMTP', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-mail-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes an .eml file under dataDir/mail and logs recipient, subject and link', async () => {
    const { logger, lines } = logCapture();
    const mailer = createMailer({ from: 'Guildhall <noreply@localhost>', dataDir, logger });
    await mailer.send(verifyMail('ada@example.com', 'de', 'Ada'));
    await mailer.send({
      template: 'reset-password',
      to: 'ada@example.com',
      locale: 'en',
      params: { name: 'Ada', url: 'https://guild.example.com/reset?token=r1' }
    });
    mailer.close();

    const files = readdirSync(path.join(dataDir, 'mail'));
    expect(files).toHaveLength(2);
    expect(
      files.every((f) => /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[a-z-]+-[0-9a-f]{8}\.eml$/.test(f))
    ).toBe(true);
    const sorted = [...files].sort();
    expect(sorted[0]).toContain('-verify-email-');
    expect(sorted[1]).toContain('-reset-password-');

    const file = path.join(dataDir, 'mail', sorted[0] ?? '');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const raw = readFileSync(file, 'utf8');
    expect(header(raw, 'To')).toBe('ada@example.com');
    expect(header(raw, 'From')).toBe('Guildhall <noreply@localhost>');
    expect(header(raw, 'Subject')).toBe('Bestätige deine E-Mail-Adresse');
    expect(header(raw, 'Content-Type')).toMatch(/^multipart\/alternative/);
    expect(bodies(raw)).toContain(verifyUrl('ada'));

    const info = lines.filter((l) => l.msg === 'mail written to file (no SMTP_URL set)');
    expect(info).toHaveLength(2);
    expect(info[0]).toMatchObject({
      level: 30,
      to: 'ada@example.com',
      subject: 'Bestätige deine E-Mail-Adresse',
      url: verifyUrl('ada')
    });
    expect(info[1]).toMatchObject({
      subject: 'Reset your password',
      url: 'https://guild.example.com/reset?token=r1'
    });
  });
});

/** The state of every job on the mail queue, whichever queue implementation holds it. */
async function mailJobStates(t: TestDatabase): Promise<string[]> {
  if (t.dialect === 'sqlite') {
    const rows = await t.db.kysely
      .selectFrom('jobs')
      .select('state')
      .where('queue', '=', MAIL_QUEUE)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.state);
  }
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string }>(
      'SELECT state FROM pgboss.job WHERE name = $1 ORDER BY created_on',
      [MAIL_QUEUE]
    );
    return rows.map((r) => (r.state === 'completed' ? 'done' : r.state));
  } finally {
    await client.end();
  }
}

for (const dialect of testDialects()) {
  describe(`mail jobs on ${dialect}`, () => {
    let t: TestDatabase;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let queue: JobQueue;
    let mailer: Mailer;

    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      smtp = await startSmtpServer();
      const logger = pino({ enabled: false });
      mailer = createMailer({
        smtpUrl: smtp.url,
        from: 'noreply@guild.example.com',
        dataDir: t.dataDir,
        logger
      });
      queue = createJobQueue(t.db, { databaseUrl: t.url, logger });
      registerMailJobs(queue, mailer);
      await queue.start();
    });
    afterAll(async () => {
      await queue.stop();
      mailer.close();
      await smtp.close();
      await t.dispose();
    });

    it('delivers enqueued mails in both languages', async () => {
      await queue.enqueue(MAIL_QUEUE, verifyMail('ada@example.com', 'en', 'Ada'));
      await queue.enqueue(MAIL_QUEUE, {
        template: 'change-email',
        to: 'grete.neu@example.de',
        locale: 'de',
        params: {
          name: 'Grete',
          url: 'https://guild.example.com/confirm?t=1',
          newEmail: 'grete.neu@example.de'
        }
      } satisfies MailMessage);
      await queue.idle(20_000);

      const byRecipient = new Map(smtp.received.map((m) => [m.to.join(','), m]));
      expect(header(byRecipient.get('ada@example.com')?.raw ?? '', 'Subject')).toBe(
        'Confirm your email address'
      );
      const de = byRecipient.get('grete.neu@example.de')?.raw ?? '';
      expect(header(de, 'Subject')).toBe('Bestätige deine neue E-Mail-Adresse');
      expect(bodies(de)).toContain('https://guild.example.com/confirm?t=1');
      expect(await mailJobStates(t)).toEqual(['done', 'done']);
    });

    it('fails a malformed mail job at once instead of retrying it', async () => {
      smtp.received.length = 0;
      await queue.enqueue(MAIL_QUEUE, {
        template: 'verify-email',
        to: 'ada@example.com',
        locale: 'en',
        params: {}
      });
      await queue.idle(20_000);
      expect(smtp.received).toHaveLength(0);
      expect(await mailJobStates(t)).toEqual(['done', 'done', 'failed']);
    });
  });
}
