import ICAL from 'ical.js';
import { ACTIVITIES_QUEUE } from './activity/activity.service.ts';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJobQueue } from '../jobs/create-job-queue.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { type Mailer, createMailer, registerMailJobs } from '../jobs/mailer.ts';
import { PgBossJobQueue } from '../jobs/pg-boss-job-queue.ts';
import { insertUser } from '../test/factories.ts';
import { createTestApp, type TestApp } from '../test/test-app.ts';
import { testDialects } from '../test/test-database.ts';
import {
  cancelMeeting,
  createMeeting,
  findMeeting,
  type Meeting,
  updateMeeting
} from './event.service.ts';
import { createGroup, type Group } from './group.service.ts';
import { MEETING_MAIL_QUEUE, type MeetingMailJob } from './meeting-mail-jobs.ts';
import { formatWhen, registerMeetingMailJobs } from './meeting-mail.service.ts';
import { joinGroup } from './membership.service.ts';
import { respond } from './rsvp.service.ts';

// ---------------------------------------------------------------------------------------------
// A real SMTP server on 127.0.0.1, and a small MIME reader for what it receives.

interface Received {
  to: string;
  raw: string;
}

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
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        for (const rcpt of session.envelope.rcptTo) {
          received.push({ to: rcpt.address, raw: Buffer.concat(chunks).toString('utf8') });
        }
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

interface MimePart {
  headers: Map<string, string>;
  /** The media type, lower case, without parameters. */
  type: string;
  /** The decoded body of a leaf part (UTF-8 text). */
  body: string;
  parts: MimePart[];
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

/** RFC 2047 encoded words → text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(decodeQpBytes(text.replaceAll('_', ' '))).toString('utf8')
    );
}

/** Parses a MIME message (RFC 2045/2046) into its tree of parts. */
function parseMime(raw: string): MimePart {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const body = split ? raw.slice(split.index + split[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers.set(
        line.slice(0, colon).trim().toLowerCase(),
        decodeWords(line.slice(colon + 1).trim())
      );
    }
  }
  const contentType = headers.get('content-type') ?? 'text/plain';
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1] ?? '';
    const chunks = body.split(
      new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)
    );
    const parts = chunks
      .slice(1)
      .filter((chunk) => !chunk.startsWith('--'))
      .map((chunk) => parseMime(chunk.replace(/^\r?\n/, '')));
    return { headers, type, body: '', parts };
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let decoded: string;
  if (encoding === 'base64') {
    decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else if (encoding === 'quoted-printable') {
    decoded = Buffer.from(decodeQpBytes(body.replace(/=\r?\n/g, ''))).toString('utf8');
  } else {
    decoded = body;
  }
  return { headers, type, body: decoded.replace(/\r\n/g, '\n'), parts: [] };
}

function leaves(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

/** One received mail, read. */
interface Mail {
  to: string;
  header(name: string): string;
  subject: string;
  text: string;
  html: string;
  /** The attached .ics, or undefined. */
  calendar: MimePart | undefined;
}

function readMail(received: Received): Mail {
  const root = parseMime(received.raw);
  const all = leaves(root);
  const find = (type: string) =>
    all.find(
      (p) =>
        p.type === type && !(p.headers.get('content-disposition') ?? '').startsWith('attachment')
    );
  return {
    to: received.to,
    header: (name) => root.headers.get(name.toLowerCase()) ?? '',
    subject: root.headers.get('subject') ?? '',
    text: find('text/plain')?.body ?? '',
    html: find('text/html')?.body ?? '',
    calendar: all.find((p) => p.type === 'text/calendar')
  };
}

function parseIcs(ics: string): { calendar: ICAL.Component; event: ICAL.Event } {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const events = calendar.getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  return { calendar, event: new ICAL.Event(events[0]) };
}

/** The wall time of `instant` in Berlin, e.g. `{ hour: 19, minute: 0 }`. */
function berlinWallTime(instant: Date): { hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23'
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { hour: get('hour'), minute: get('minute') };
}

/** The token of the one-click URL in `List-Unsubscribe: <url>`. */
function listUnsubscribeUrl(mail: Mail): URL {
  const match = /^<(https?:\/\/[^>]+)>$/.exec(mail.header('List-Unsubscribe'));
  if (!match?.[1]) throw new Error(`no List-Unsubscribe URL in the mail to ${mail.to}`);
  return new URL(match[1]);
}

/** The link to the web page `/unsubscribe?token=…` in the plain-text body. */
function pageUnsubscribeUrl(mail: Mail): URL {
  const match = /^(https?:\/\/\S+\/unsubscribe\?token=\S+)$/m.exec(mail.text);
  if (!match?.[1]) throw new Error(`no unsubscribe link in the body of the mail to ${mail.to}`);
  return new URL(match[1]);
}

// ---------------------------------------------------------------------------------------------

const ONLINE = 'https://meet.example/r/rust-room?pwd=42';
const DAY = 24 * 3600_000;

/** A whole hour, `days` from now. */
function hoursAhead(days: number): Date {
  const at = new Date(Date.now() + days * DAY);
  at.setUTCMinutes(0, 0, 0);
  return at;
}

for (const dialect of testDialects()) {
  describe(`meeting mails through SMTP on ${dialect}`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let queue: JobQueue;
    let mailer: Mailer;
    let group: Group;
    let venueId: string;

    const db = () => t.testDb.db;
    const email = (id: string) => `${id}@example.org`;

    /** Runs every due job, then returns the mails received since the last call, by recipient. */
    async function deliver(): Promise<Map<string, Mail>> {
      await queue.idle(30_000);
      const mails = smtp.received.splice(0).map(readMail);
      const byRecipient = new Map<string, Mail>();
      for (const mail of mails) {
        expect(byRecipient.has(mail.to), `two mails to ${mail.to}`).toBe(false);
        byRecipient.set(mail.to, mail);
      }
      return byRecipient;
    }

    function recipients(mails: Map<string, Mail>): string[] {
      return [...mails.keys()].sort();
    }

    function only(mails: Map<string, Mail>, who: string): Mail {
      const mail = mails.get(email(who));
      if (!mail) throw new Error(`no mail to ${who}; got ${recipients(mails).join(', ')}`);
      return mail;
    }

    async function meetingWith(
      title: string,
      startsAt: Date,
      extra: { capacity?: number } = {}
    ): Promise<Meeting> {
      return createMeeting(db(), queue, group.id, 'olga', {
        title,
        description: 'Talks, then pizza.',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
        timeZone: 'Europe/Berlin',
        venueId,
        onlineUrl: ONLINE,
        capacity: extra.capacity ?? null,
        publish: true
      });
    }

    async function enqueue(job: MeetingMailJob | Record<string, unknown>): Promise<void> {
      await queue.enqueue(MEETING_MAIL_QUEUE, job);
    }

    function unsubscribeRequest(url: URL, options: { body?: string; contentType?: string } = {}) {
      // As a mail provider's server posts it: no cookie, no Origin, no log-in.
      return t.app.inject({
        method: 'POST',
        url: `${url.pathname}${url.search}`,
        headers: { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' },
        payload: options.body ?? 'List-Unsubscribe=One-Click'
      });
    }

    beforeAll(async () => {
      t = await createTestApp(dialect);
      smtp = await startSmtpServer();
      const logger = pino({ enabled: false });
      mailer = createMailer({
        smtpUrl: smtp.url,
        from: 'Guildhall <noreply@guildhall.test>',
        dataDir: t.testDb.dataDir,
        logger
      });
      // Each meeting mail takes two hops (meeting-mail job, then mail job): poll pg-boss quickly.
      queue =
        dialect === 'postgres'
          ? new PgBossJobQueue({
              connectionString: t.testDb.url,
              logger,
              pollingIntervalSeconds: 0.5
            })
          : createJobQueue(db(), { databaseUrl: t.testDb.url, logger });
      registerMailJobs(queue, mailer);
      registerMeetingMailJobs(queue, {
        db: db(),
        baseUrl: t.config.baseUrl,
        secret: t.config.secret
      });
      // Meeting changes nudge activity dispatch; this test reads mails only, so the nudges just drain.
      queue.work(ACTIVITIES_QUEUE, () => Promise.resolve());
      await queue.start();

      await insertUser(db(), 'olga', { name: 'Olga Organizer' });
      await insertUser(db(), 'ada', { name: 'Ada' });
      await insertUser(db(), 'grete', { name: 'Grete', language: 'de' });
      await insertUser(db(), 'gina', { name: 'Gina Going-Only' });
      await insertUser(db(), 'nora', { name: 'Nora No-Mail' });
      await insertUser(db(), 'wanda', { name: 'Wanda Waiting' });
      group = await createGroup(db(), 'olga', {
        slug: 'rust-berlin',
        name: 'Rust Berlin',
        kind: 'meetup',
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      for (const id of ['ada', 'grete', 'gina', 'nora', 'wanda']) {
        await joinGroup(db(), group, id, []);
      }
      const setMail = (id: string, value: string) =>
        db()
          .kysely.updateTable('memberships')
          .set({ meeting_mail: value })
          .where('group_id', '=', group.id)
          .where('user_id', '=', id)
          .execute();
      await setMail('gina', 'going');
      await setMail('nora', 'none');
      await setMail('wanda', 'going');
      venueId = 'venue-cbase';
      const at = new Date().toISOString();
      await db()
        .kysely.insertInto('venues')
        .values({
          id: venueId,
          group_id: group.id,
          name: 'c-base',
          address: 'Rungestraße 20, 10179 Berlin',
          room: 'Main hall',
          capacity: null,
          host: null,
          latitude: null,
          longitude: null,
          archived: dialect === 'sqlite' ? 0 : false,
          created_at: at,
          updated_at: at
        })
        .execute();
    });

    afterAll(async () => {
      await queue.stop();
      mailer.close();
      await smtp.close();
      await t.close();
    });

    beforeEach(() => {
      smtp.received.length = 0;
    });

    let meetingA: Meeting;

    it('announces a meeting to members who want every meeting, in their language', async () => {
      meetingA = await meetingWith('Rust & Pizza', hoursAhead(3));
      const mails = await deliver();
      // Gina only wants mail about meetings she goes to, Nora none, Wanda 'going' too.
      expect(recipients(mails)).toEqual([email('ada'), email('grete'), email('olga')]);

      const ada = only(mails, 'ada');
      expect(ada.subject).toBe('New meeting of Rust Berlin: Rust & Pizza');
      expect(ada.text).toContain('Hi Ada,');
      const when = formatWhen(meetingA.startsAt, meetingA.endsAt, 'Europe/Berlin', 'en');
      expect(ada.text).toContain(`When: ${when}\n`);
      expect(when).toMatch(/^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), /);
      expect(when).toContain('(Europe/Berlin)');
      expect(ada.text).toContain(
        'Where: c-base, Main hall, Rungestraße 20, 10179 Berlin, and online'
      );
      expect(ada.text).toContain(`${t.config.baseUrl}/groups/rust-berlin/events/${meetingA.id}\n`);
      expect(ada.calendar).toBeUndefined();

      const grete = only(mails, 'grete');
      expect(grete.subject).toBe('Neues Treffen von Rust Berlin: Rust & Pizza');
      expect(grete.text).toContain('Hallo Grete,');
      expect(grete.text).toContain(
        `Wann: ${formatWhen(meetingA.startsAt, meetingA.endsAt, 'Europe/Berlin', 'de')}\n`
      );
      expect(grete.text).toMatch(
        /Wann: (Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), /
      );
      expect(grete.html).toContain('<html lang="de"');
      expect(grete.text).toContain('Keine Mails mehr zu neuen Treffen von Rust Berlin');

      for (const mail of mails.values()) {
        // Never the online link in an announcement.
        expect(mail.text).not.toContain(ONLINE);
        expect(mail.html).not.toContain('meet.example');
        expect(mail.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
        const oneClick = listUnsubscribeUrl(mail);
        expect(`${oneClick.origin}${oneClick.pathname}`).toBe(
          `${t.config.baseUrl}/api/v1/unsubscribe`
        );
        const page = pageUnsubscribeUrl(mail);
        expect(`${page.origin}${page.pathname}`).toBe(`${t.config.baseUrl}/unsubscribe`);
        expect(page.searchParams.get('token')).toBe(oneClick.searchParams.get('token'));
      }
    });

    it('reminds everyone going, with the .ics in the meeting zone and the online link', async () => {
      for (const id of ['ada', 'grete', 'gina', 'nora']) {
        await respond(db(), queue, meetingA.id, id, { going: true, guests: 0 });
      }
      await enqueue({
        kind: 'remind',
        eventId: meetingA.id,
        startsAt: meetingA.startsAt.toISOString()
      });
      const mails = await deliver();
      // Nora set her meeting mail to none.
      expect(recipients(mails)).toEqual([email('ada'), email('gina'), email('grete')]);

      const ada = only(mails, 'ada');
      expect(ada.subject).toBe('Reminder: Rust & Pizza');
      expect(ada.text).toContain(`Join online: ${ONLINE}\n`);
      expect(ada.html).toContain(`href="${ONLINE.replaceAll('&', '&amp;')}"`);
      expect(ada.header('List-Unsubscribe')).toMatch(
        /^<http:\/\/guildhall\.test\/api\/v1\/unsubscribe\?token=/
      );

      const calendar = ada.calendar;
      expect(calendar).toBeDefined();
      const contentType = calendar?.headers.get('content-type') ?? '';
      expect(contentType).toMatch(/^text\/calendar;/);
      expect(contentType).toMatch(/method=PUBLISH/);
      expect(calendar?.headers.get('content-disposition') ?? '').toMatch(
        /^attachment; filename=.*\.ics/
      );
      const { calendar: ics, event } = parseIcs(calendar?.body ?? '');
      expect(ics.getFirstPropertyValue('method')).toBe('PUBLISH');
      expect(event.uid).toBe(`event-${meetingA.id}@guildhall.test`);
      expect(event.summary).toBe('Rust & Pizza');
      expect(event.startDate.zone.tzid).toBe('Europe/Berlin');
      expect({ hour: event.startDate.hour, minute: event.startDate.minute }).toEqual(
        berlinWallTime(meetingA.startsAt)
      );
      expect(event.startDate.toJSDate().toISOString()).toBe(meetingA.startsAt.toISOString());
      expect(event.description).toContain(ONLINE);

      const grete = only(mails, 'grete');
      expect(grete.subject).toBe('Erinnerung: Rust & Pizza');
      expect(grete.text).toContain(`Online teilnehmen: ${ONLINE}\n`);
      expect(grete.text).toContain('Den Kalendereintrag findest du im Anhang.');
      expect(grete.calendar).toBeDefined();
    });

    it('tells people going about a new time, and skips the reminder for the old one', async () => {
      const before = (await findMeeting(db(), meetingA.id)) as Meeting;
      const startsAt = new Date(before.startsAt.getTime() + 3600_000);
      meetingA = await updateMeeting(db(), queue, before, {
        startsAt,
        endsAt: new Date(before.endsAt.getTime() + 3600_000)
      });
      const changed = await deliver();
      // A change reaches everyone going; Nora's "none" only stops announcements and reminders.
      expect(recipients(changed)).toEqual([
        email('ada'),
        email('gina'),
        email('grete'),
        email('nora')
      ]);
      const ada = only(changed, 'ada');
      expect(ada.subject).toBe('Changed: Rust & Pizza');
      const newWhen = formatWhen(meetingA.startsAt, meetingA.endsAt, 'Europe/Berlin', 'en');
      const oldWhen = formatWhen(before.startsAt, before.endsAt, 'Europe/Berlin', 'en');
      expect(ada.text).toContain(`Time changed: ${oldWhen} → ${newWhen}\n`);
      expect(ada.text).toContain(`Join online: ${ONLINE}\n`);
      const { event } = parseIcs(ada.calendar?.body ?? '');
      expect(event.startDate.toJSDate().toISOString()).toBe(startsAt.toISOString());
      expect(event.sequence).toBe(meetingA.sequence);
      expect(meetingA.sequence).toBeGreaterThan(0);
      expect(only(changed, 'grete').subject).toBe('Geändert: Rust & Pizza');

      // The reminder scheduled for the old start finds the meeting moved: nothing is sent.
      await enqueue({
        kind: 'remind',
        eventId: meetingA.id,
        startsAt: before.startsAt.toISOString()
      });
      expect(recipients(await deliver())).toEqual([]);
      // The one for the new start is sent.
      await enqueue({ kind: 'remind', eventId: meetingA.id, startsAt: startsAt.toISOString() });
      expect(recipients(await deliver())).toEqual([email('ada'), email('gina'), email('grete')]);

      // With the old time in the job, the mail says old → new.
      await enqueue({
        kind: 'changed',
        eventId: meetingA.id,
        changes: ['time'],
        previous: {
          startsAt: before.startsAt.toISOString(),
          endsAt: before.endsAt.toISOString(),
          timeZone: 'Europe/Berlin'
        }
      });
      const withOld = await deliver();
      const oldDe = formatWhen(before.startsAt, before.endsAt, 'Europe/Berlin', 'de');
      const newDe = formatWhen(meetingA.startsAt, meetingA.endsAt, 'Europe/Berlin', 'de');
      expect(only(withOld, 'grete').text).toContain(`Zeit geändert: ${oldDe} → ${newDe}\n`);
    });

    it('tells of a new place with the new venue', async () => {
      const before = (await findMeeting(db(), meetingA.id)) as Meeting;
      meetingA = await updateMeeting(db(), queue, before, { venueId: null, onlineUrl: ONLINE });
      const mails = await deliver();
      expect(only(mails, 'ada').text).toContain('New place: Online\n');
      expect(only(mails, 'grete').text).toContain('Neuer Ort: Online\n');
    });

    let meetingB: Meeting;

    it('tells someone promoted from the waitlist, with the .ics and the online link', async () => {
      meetingB = await meetingWith('Small Workshop', hoursAhead(5), { capacity: 1 });
      await deliver(); // the announcement
      await respond(db(), queue, meetingB.id, 'ada', { going: true, guests: 0 });
      await respond(db(), queue, meetingB.id, 'grete', { going: true, guests: 0 });
      await respond(db(), queue, meetingB.id, 'wanda', { going: true, guests: 0 });
      expect(recipients(await deliver())).toEqual([]);

      await respond(db(), queue, meetingB.id, 'ada', { going: false, guests: 0 });
      const mails = await deliver();
      expect(recipients(mails)).toEqual([email('grete')]);
      const grete = only(mails, 'grete');
      expect(grete.subject).toBe('Du bist dabei: Ein Platz für Small Workshop ist frei geworden');
      expect(grete.text).toContain('Du bist jetzt angemeldet.');
      expect(grete.text).toContain(`Online teilnehmen: ${ONLINE}\n`);
      expect(grete.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const { event } = parseIcs(grete.calendar?.body ?? '');
      expect(event.uid).toBe(`event-${meetingB.id}@guildhall.test`);
    });

    it('tells everyone going or waiting of a cancellation, whatever they opted out of', async () => {
      // Wanda (waitlisted) has stopped every kind of mail she can stop.
      for (const kind of ['announce', 'remind', 'changed', 'promoted']) {
        await db()
          .kysely.insertInto('mail_opt_outs')
          .values({ user_id: 'wanda', kind, scope: '*', created_at: new Date().toISOString() })
          .execute();
      }
      const current = (await findMeeting(db(), meetingB.id)) as Meeting;
      await cancelMeeting(db(), queue, current, 'The speaker is ill.');
      const mails = await deliver();
      expect(recipients(mails)).toEqual([email('grete'), email('wanda')]);

      const wanda = only(mails, 'wanda');
      expect(wanda.subject).toBe('Cancelled: Small Workshop');
      expect(wanda.text).toContain('The organizers wrote: The speaker is ill.');
      expect(wanda.text).toContain('Cancellations are always sent');
      const { event } = parseIcs(wanda.calendar?.body ?? '');
      expect(event.component.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(event.sequence).toBeGreaterThan(0);
      for (const mail of mails.values()) {
        expect(mail.text).not.toContain(ONLINE);
        expect(mail.html).not.toContain('meet.example');
        expect(mail.calendar?.body ?? '').not.toContain('meet.example');
        expect(mail.header('List-Unsubscribe')).not.toBe('');
      }
      const grete = only(mails, 'grete');
      expect(grete.subject).toBe('Abgesagt: Small Workshop');
      expect(grete.text).toContain(
        'Die Organisatorinnen und Organisatoren schreiben: The speaker is ill.'
      );
    });

    it('stops reminders for whoever uses the one-click link, without logging in', async () => {
      await enqueue({
        kind: 'remind',
        eventId: meetingA.id,
        startsAt: meetingA.startsAt.toISOString()
      });
      const first = await deliver();
      const ada = only(first, 'ada');

      const res = await unsubscribeRequest(listUnsubscribeUrl(ada));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        kind: 'remind',
        groupName: 'Rust Berlin',
        email: 'a***@example.org',
        stopped: true
      });
      // Doing it again is harmless.
      expect((await unsubscribeRequest(listUnsubscribeUrl(ada))).statusCode).toBe(200);

      await enqueue({
        kind: 'remind',
        eventId: meetingA.id,
        startsAt: meetingA.startsAt.toISOString()
      });
      expect(recipients(await deliver())).toEqual([email('gina'), email('grete')]);
      // Other kinds of mail still reach Ada.
      await enqueue({ kind: 'changed', eventId: meetingA.id, changes: ['place'] });
      expect(recipients(await deliver())).toContain(email('ada'));
    });

    it('stops announcements from the link in the body (the web page posts the token)', async () => {
      await meetingWith('Rust & Coffee', hoursAhead(7));
      const grete = only(await deliver(), 'grete');
      const token = pageUnsubscribeUrl(grete).searchParams.get('token') ?? '';

      const seen = await t.request({
        method: 'GET',
        url: `/api/v1/unsubscribe?token=${encodeURIComponent(token)}`
      });
      expect(seen.statusCode).toBe(200);
      expect(seen.json()).toEqual({
        kind: 'announce',
        groupName: 'Rust Berlin',
        email: 'g***@example.org',
        stopped: false
      });
      const done = await t.request({ method: 'POST', url: '/api/v1/unsubscribe', body: { token } });
      expect(done.statusCode).toBe(200);
      expect(done.json().stopped).toBe(true);

      await meetingWith('Rust & Tea', hoursAhead(8));
      expect(recipients(await deliver())).toEqual([email('ada'), email('olga')]);
    });

    it('refuses a forged or altered token and stops nothing', async () => {
      await enqueue({
        kind: 'remind',
        eventId: meetingA.id,
        startsAt: meetingA.startsAt.toISOString()
      });
      const gina = only(await deliver(), 'gina');
      const url = listUnsubscribeUrl(gina);
      const token = url.searchParams.get('token') ?? '';
      const [payload = '', signature = ''] = token.split('.');
      // Gina's signature on a claim of another kind; her claim with a changed signature; junk.
      const otherKind = Buffer.from(JSON.stringify(['gina', 'changed', group.id])).toString(
        'base64url'
      );
      const flipped = `${signature.slice(0, 5)}${signature[5] === 'x' ? 'y' : 'x'}${signature.slice(6)}`;
      for (const bad of [`${otherKind}.${signature}`, `${payload}.${flipped}`, 'garbage']) {
        url.searchParams.set('token', bad);
        const res = await unsubscribeRequest(url);
        expect(res.statusCode, bad).toBe(400);
        expect(res.json().errors).toEqual([{ field: 'token', message: expect.any(String) }]);
      }
      await enqueue({
        kind: 'remind',
        eventId: meetingA.id,
        startsAt: meetingA.startsAt.toISOString()
      });
      expect(recipients(await deliver())).toContain(email('gina'));
    });

    it('asks those who attended for feedback, respecting what they stopped', async () => {
      // Ended two hours ago; checked in: Olga, Ada (stopped reminders above), Grete, Nora (no
      // meeting mail), Wanda (stopped everything); Gina was going but did not come. Grete, whose
      // link set her meeting mail to none above, turns it back on.
      await db()
        .kysely.updateTable('memberships')
        .set({ meeting_mail: 'all' })
        .where('group_id', '=', group.id)
        .where('user_id', '=', 'grete')
        .execute();
      const startsAt = new Date(Date.now() - 4 * 3600_000);
      const past = await meetingWith('Rust & Retro', startsAt);
      await deliver();
      const at = new Date().toISOString();
      const rsvp = (id: string, checkedIn: boolean) => ({
        event_id: past.id,
        user_id: id,
        status: 'going',
        check_in_code: `code-${id}`,
        checked_in_at: checkedIn ? at : null,
        created_at: at,
        updated_at: at
      });
      await db()
        .kysely.insertInto('rsvps')
        .values([
          ...['olga', 'ada', 'grete', 'nora', 'wanda'].map((id) => rsvp(id, true)),
          rsvp('gina', false)
        ])
        .execute();
      await enqueue({ kind: 'feedback', eventId: past.id });
      const mails = await deliver();
      expect(recipients(mails)).toEqual([email('grete'), email('olga')]);

      const form = `${t.config.baseUrl}/groups/rust-berlin/events/${past.id}/feedback`;
      const olga = only(mails, 'olga');
      expect(olga.subject).toBe('How was Rust & Retro? (Rust Berlin)');
      expect(olga.text).toContain('Hi Olga Organizer,');
      expect(olga.text).toContain(`Give feedback:\n${form}\n`);
      expect(olga.html).toContain(`href="${form}"`);
      expect(olga.calendar).toBeUndefined();
      expect(olga.text).not.toContain(ONLINE);
      expect(olga.text).toContain(
        'Stop reminders and feedback requests for meetings of Rust Berlin'
      );
      const grete = only(mails, 'grete');
      expect(grete.subject).toBe('Wie war Rust & Retro? (Rust Berlin)');
      expect(grete.text).toContain('Hallo Grete,');
      expect(grete.text).toContain(`Feedback geben:\n${form}\n`);

      // Its one-click link stops reminders (and with them feedback requests) of the group.
      expect(olga.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const oneClick = listUnsubscribeUrl(olga);
      expect(pageUnsubscribeUrl(olga).searchParams.get('token')).toBe(
        oneClick.searchParams.get('token')
      );
      const res = await unsubscribeRequest(oneClick);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ kind: 'remind', groupName: 'Rust Berlin', stopped: true });
      await enqueue({ kind: 'feedback', eventId: past.id });
      expect(recipients(await deliver())).toEqual([email('grete')]);
    });
  });
}
