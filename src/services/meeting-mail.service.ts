import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { toBool } from '../db/values.ts';
import { isTimeZone } from '../domain/places.ts';
import { isLocale, type Locale, mailTranslator } from '../i18n/i18n.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import {
  MAIL_QUEUE,
  type MailAttachment,
  type MailMessage,
  type MailTemplate
} from '../jobs/mail-message.ts';
import { mailMessageSchema } from '../jobs/mail-templates.ts';
import { PermanentJobError } from '../jobs/permanent-job-error.ts';
import { type CalendarMeeting, meetingCalendar } from './calendar/calendar-feed.ts';
import { calendarEntries } from './calendar/meeting-entries.ts';
import { findMeeting, type Meeting } from './event.service.ts';
import { feedbackWindow, meetingAttendees } from './feedback/feedback.service.ts';
import { MEETING_MAIL_QUEUE, type MeetingMailJob } from './meeting-mail-jobs.ts';
import {
  makeUnsubscribeToken,
  type UnsubscribeKind,
  unsubscribeUrls
} from './unsubscribe.service.ts';

/** What the meeting-mail job needs besides the queue it runs on. */
export interface MeetingMailDeps {
  db: Db;
  /** Public origin for links, e.g. `https://guild.example.com` (config BASE_URL). */
  baseUrl: string;
  /** Config SECRET: signs the unsubscribe tokens. */
  secret: string;
  /** The clock (tests pin it). */
  now?: () => Date;
}

const eventId = z.string().min(1).max(200);
const instant = z.iso.datetime({ offset: true });

/**
 * A `MeetingMailJob` as it arrives from the queue. `changed` may carry `previous`, the time before
 * the change, so the mail can say "old → new"; without it the mail gives the new time only.
 */
export const meetingMailJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('announce'), eventId }),
  z.object({ kind: z.literal('remind'), eventId, startsAt: instant }),
  z.object({
    kind: z.literal('promoted'),
    eventId,
    userIds: z.array(z.string().min(1)).max(10_000)
  }),
  z.object({
    kind: z.literal('changed'),
    eventId,
    changes: z.array(z.enum(['time', 'place'])).min(1),
    previous: z
      .object({ startsAt: instant, endsAt: instant, timeZone: z.string().min(1) })
      .optional()
  }),
  z.object({ kind: z.literal('cancelled'), eventId }),
  z.object({ kind: z.literal('agenda'), eventId }),
  z.object({ kind: z.literal('feedback'), eventId })
]) satisfies z.ZodType<MeetingMailJob>;

export type MeetingMailJobPayload = z.output<typeof meetingMailJobSchema>;

/**
 * Makes queue `meeting-mail` work out, when each job runs, who is told, and enqueue one mail per
 * person on the `mail` queue, in their language. A malformed payload fails at once.
 *
 * @example
 * registerMailJobs(queue, mailer);
 * registerMeetingMailJobs(queue, { db, baseUrl: config.baseUrl, secret: config.secret });
 * await queue.start();
 */
export function registerMeetingMailJobs(queue: JobQueue, deps: MeetingMailDeps): void {
  queue.work(MEETING_MAIL_QUEUE, async (payload) => {
    const parsed = meetingMailJobSchema.safeParse(payload);
    if (!parsed.success) {
      throw new PermanentJobError(
        `Malformed meeting-mail job payload:\n${z.prettifyError(parsed.error)}`
      );
    }
    await runMeetingMailJob(queue, deps, parsed.data);
  });
}

interface Recipient {
  id: string;
  email: string;
  name: string;
  locale: Locale;
}

interface MeetingContext {
  meeting: Meeting;
  group: { id: string; name: string; slug: string };
  venue: { name: string; address: string; room: string | null } | null;
}

/**
 * Who hears about a job (see `recipientsOf`), and the mails they get. Returns the number of mails
 * enqueued. Recipient rules:
 *
 * - `announce`: active members with `meeting_mail = 'all'` who have not opted out of `announce`
 *   (scope the group or `*`); only while the meeting is published and has not started.
 * - `remind`: everyone going, unless `meeting_mail = 'none'` or opted out of `remind`; skipped when
 *   the meeting is no longer published, has started, or its start differs from the job's `startsAt`
 *   (it moved, and a new reminder was scheduled).
 * - `promoted`: the listed people who are still going, unless opted out of `promoted`.
 * - `changed`: everyone going, unless opted out of `changed`.
 * - `cancelled`: everyone going or waitlisted, always: no opt-out or mail setting stops a
 *   cancellation, because someone who planned to come must know.
 * - `agenda` (a voting round set the agenda): the same people as `announce` — active members with
 *   `meeting_mail = 'all'` who have not opted out of `announce`; only while the meeting is
 *   published, has not started and has an agenda.
 * - `feedback` (the feedback sweep, an hour after the end): those who attended (`attendees` of
 *   domain/feedback.ts: checked in, or going when nobody was checked in) and are active members,
 *   unless `meeting_mail = 'none'` or opted out of `remind` — asking for feedback is a reminder
 *   about a meeting one went to, so the reminder's setting and link stop it; only while the
 *   meeting is published, has ended, and feedback is still open. The link goes to the feedback form.
 *
 * Unverified addresses and banned members get nothing. The online link is only in mails to people
 * going (reminder, promotion, change), never in announcements or cancellations.
 *
 * Delivery is at least once: a job that fails while enqueuing is retried and may enqueue again.
 */
export async function runMeetingMailJob(
  queue: JobQueue,
  deps: MeetingMailDeps,
  job: MeetingMailJobPayload
): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const context = await loadContext(deps.db, job.eventId);
  if (!context) return 0;
  const { meeting } = context;
  const upcoming = meeting.startsAt.getTime() > now.getTime();
  const published = meeting.status === 'published';
  let recipients: Recipient[];
  switch (job.kind) {
    case 'announce':
      if (!published || !upcoming) return 0;
      recipients = await announceRecipients(deps.db, context);
      break;
    case 'remind':
      if (!published || !upcoming) return 0;
      if (meeting.startsAt.getTime() !== Date.parse(job.startsAt)) return 0;
      recipients = await attendeeRecipients(deps.db, context, ['going'], {
        optOut: 'remind',
        respectNone: true
      });
      break;
    case 'promoted':
      if (!published || !upcoming || job.userIds.length === 0) return 0;
      recipients = await attendeeRecipients(deps.db, context, ['going'], {
        optOut: 'promoted',
        userIds: job.userIds
      });
      break;
    case 'changed':
      if (!published || !upcoming) return 0;
      recipients = await attendeeRecipients(deps.db, context, ['going'], { optOut: 'changed' });
      break;
    case 'cancelled':
      if (meeting.status !== 'cancelled' || meeting.endsAt.getTime() <= now.getTime()) return 0;
      recipients = await attendeeRecipients(deps.db, context, ['going', 'waitlisted'], {});
      break;
    case 'agenda':
      if (!published || !upcoming) return 0;
      if ((await agendaItems(deps.db, meeting.id)).length === 0) return 0;
      recipients = await announceRecipients(deps.db, context);
      break;
    case 'feedback':
      if (!published || feedbackWindow(meeting, now) !== null) return 0;
      if (meeting.endsAt.getTime() > now.getTime()) return 0;
      recipients = await feedbackRecipients(deps.db, context);
      break;
  }
  if (recipients.length === 0) return 0;
  // The same entry (UID, URL, description) as the meeting's .ics and the calendar feeds.
  const [entry] = WITH_CALENDAR[job.kind]
    ? await calendarEntries(deps.db, [meeting], {
        baseUrl: deps.baseUrl,
        showOnlineLink: () => WITH_ONLINE_LINK[job.kind]
      })
    : [];
  const perLocale = new Map<Locale, LocaleParts>();
  let sent = 0;
  for (const person of recipients) {
    let parts = perLocale.get(person.locale);
    if (!parts) {
      parts = await localeParts(deps, context, job, entry, person.locale);
      perLocale.set(person.locale, parts);
    }
    const token = makeUnsubscribeToken(deps.secret, {
      userId: person.id,
      kind: UNSUBSCRIBE_KIND[job.kind],
      scope: context.group.id
    });
    const urls = unsubscribeUrls(deps.baseUrl, token);
    const message: MailMessage = {
      template: TEMPLATE[job.kind],
      to: person.email,
      locale: person.locale,
      params: { ...parts.params, name: person.name, unsubscribeUrl: urls.page },
      attachments: parts.attachments,
      listUnsubscribe: urls.oneClick
    };
    const checked = mailMessageSchema.safeParse(message);
    if (!checked.success) {
      throw new PermanentJobError(
        `Cannot build the ${message.template} mail for meeting ${meeting.id}:\n${z.prettifyError(checked.error)}`
      );
    }
    await queue.enqueue(MAIL_QUEUE, message);
    sent += 1;
  }
  return sent;
}

const TEMPLATE: Record<MeetingMailJob['kind'], MailTemplate> = {
  announce: 'meeting-announce',
  remind: 'meeting-reminder',
  promoted: 'meeting-promoted',
  changed: 'meeting-changed',
  cancelled: 'meeting-cancelled',
  agenda: 'meeting-agenda',
  feedback: 'meeting-feedback'
};

/**
 * The kind a mail's unsubscribe link stops. Cancellations cannot be stopped; their link stops the
 * group's announcements (what brought the person to the meeting).
 */
const UNSUBSCRIBE_KIND: Record<MeetingMailJob['kind'], UnsubscribeKind> = {
  announce: 'announce',
  remind: 'remind',
  promoted: 'promoted',
  changed: 'changed',
  cancelled: 'announce',
  agenda: 'announce',
  feedback: 'remind'
};

/** Whether the online link goes into this kind of mail (only people going get it). */
const WITH_ONLINE_LINK: Record<MeetingMailJob['kind'], boolean> = {
  announce: false,
  remind: true,
  promoted: true,
  changed: true,
  cancelled: false,
  agenda: false,
  feedback: false
};

/** Whether this kind of mail carries the meeting's .ics. */
const WITH_CALENDAR: Record<MeetingMailJob['kind'], boolean> = {
  announce: false,
  remind: true,
  promoted: true,
  changed: true,
  cancelled: true,
  agenda: false,
  feedback: false
};

async function loadContext(db: Db, id: string): Promise<MeetingContext | null> {
  const meeting = await findMeeting(db, id);
  if (!meeting) return null;
  const group = await db.kysely
    .selectFrom('groups')
    .select(['id', 'name', 'slug'])
    .where('id', '=', meeting.groupId)
    .executeTakeFirst();
  if (!group) return null;
  const venue = meeting.venueId
    ? ((await db.kysely
        .selectFrom('venues')
        .select(['name', 'address', 'room'])
        .where('id', '=', meeting.venueId)
        .executeTakeFirst()) ?? null)
    : null;
  return { meeting, group, venue };
}

function recipient(row: { id: string; email: string; name: string; language: string }): Recipient {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    locale: isLocale(row.language) ? row.language : 'en'
  };
}

/** People who opted out of `kind` for this group or for every group. */
async function optedOut(db: Db, kind: UnsubscribeKind, groupId: string): Promise<Set<string>> {
  const rows = await db.kysely
    .selectFrom('mail_opt_outs')
    .select('user_id')
    .where('kind', '=', kind)
    .where('scope', 'in', [groupId, '*'])
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

async function announceRecipients(db: Db, { group }: MeetingContext): Promise<Recipient[]> {
  const rows = await db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.language', 'u.email_verified'])
    .where('m.group_id', '=', group.id)
    .where('m.status', '=', 'active')
    .where('m.meeting_mail', '=', 'all')
    .orderBy('u.id')
    .execute();
  const out = await optedOut(db, 'announce', group.id);
  return rows.filter((r) => toBool(r.email_verified) && !out.has(r.id)).map(recipient);
}

async function attendeeRecipients(
  db: Db,
  { meeting, group }: MeetingContext,
  statuses: ('going' | 'waitlisted')[],
  options: { optOut?: UnsubscribeKind; respectNone?: boolean; userIds?: string[] }
): Promise<Recipient[]> {
  let query = db.kysely
    .selectFrom('rsvps as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .leftJoin('memberships as m', (join) =>
      join.onRef('m.user_id', '=', 'r.user_id').on('m.group_id', '=', group.id)
    )
    .select([
      'u.id',
      'u.email',
      'u.name',
      'u.language',
      'u.email_verified',
      'm.status as membership',
      'm.meeting_mail'
    ])
    .where('r.event_id', '=', meeting.id)
    .where('r.status', 'in', statuses);
  if (options.userIds) query = query.where('r.user_id', 'in', options.userIds);
  const rows = await query.orderBy('u.id').execute();
  const out = options.optOut ? await optedOut(db, options.optOut, group.id) : new Set<string>();
  return rows
    .filter(
      (r) =>
        toBool(r.email_verified) &&
        r.membership !== 'banned' &&
        !(options.respectNone && r.meeting_mail === 'none') &&
        !out.has(r.id)
    )
    .map(recipient);
}

/**
 * Those who attended a meeting (see `meetingAttendees`), as recipients of the feedback request:
 * verified, active members, not `meeting_mail = 'none'`, not opted out of `remind`.
 */
async function feedbackRecipients(
  db: Db,
  { meeting, group }: MeetingContext
): Promise<Recipient[]> {
  const ids = await meetingAttendees(db, meeting.id);
  if (ids.length === 0) return [];
  const rows = await db.kysely
    .selectFrom('users as u')
    .innerJoin('memberships as m', (join) =>
      join.onRef('m.user_id', '=', 'u.id').on('m.group_id', '=', group.id)
    )
    .select(['u.id', 'u.email', 'u.name', 'u.language', 'u.email_verified', 'm.meeting_mail'])
    .where('u.id', 'in', ids)
    .where('m.status', '=', 'active')
    .orderBy('u.id')
    .execute();
  const out = await optedOut(db, 'remind', group.id);
  return rows
    .filter((r) => toBool(r.email_verified) && r.meeting_mail !== 'none' && !out.has(r.id))
    .map(recipient);
}

interface LocaleParts {
  params: Record<string, string | undefined>;
  attachments: MailAttachment[] | undefined;
}

/** Everything of a mail that depends on the language only (not on the person). */
async function localeParts(
  deps: MeetingMailDeps,
  { meeting, group, venue }: MeetingContext,
  job: MeetingMailJobPayload,
  entry: CalendarMeeting | undefined,
  locale: Locale
): Promise<LocaleParts> {
  const t = await mailTranslator(locale);
  const tr = (key: string, replace: Record<string, string> = {}): string =>
    t(key, { replace, interpolation: { escapeValue: false } });
  const meetingUrl = `${deps.baseUrl}/groups/${encodeURIComponent(group.slug)}/events/${encodeURIComponent(meeting.id)}`;
  // The feedback request links the form; every other mail the meeting.
  const url = job.kind === 'feedback' ? `${meetingUrl}/feedback` : meetingUrl;
  const onlineUrl =
    WITH_ONLINE_LINK[job.kind] && isHttpUrl(meeting.onlineUrl) ? meeting.onlineUrl : undefined;
  const params: Record<string, string | undefined> = {
    url,
    groupName: group.name,
    title: meeting.title,
    when: formatWhen(meeting.startsAt, meeting.endsAt, meeting.timeZone, locale),
    place: placeText(venue, Boolean(meeting.onlineUrl), tr),
    onlineUrl
  };
  if (job.kind === 'changed') {
    params.changes = job.changes.includes('time')
      ? job.changes.includes('place')
        ? 'time,place'
        : 'time'
      : 'place';
    if (job.previous) {
      params.oldWhen = formatWhen(
        new Date(job.previous.startsAt),
        new Date(job.previous.endsAt),
        job.previous.timeZone,
        locale
      );
    }
  }
  if (job.kind === 'cancelled') params.reason = meeting.cancelReason ?? undefined;
  if (job.kind === 'agenda') {
    params.agenda = (await agendaItems(deps.db, meeting.id))
      .map((item, index) =>
        tr('meeting-agenda.item', {
          number: String(index + 1),
          title: item.title,
          minutes: String(item.duration_minutes)
        })
      )
      .join('\n');
  }

  let attachments: MailAttachment[] | undefined;
  if (entry) {
    const ics = meetingCalendar([entry], {
      name: group.name,
      productId: '-//Guildhall//Meetings//EN',
      method: 'PUBLISH',
      labels: { cancelled: tr('meeting.cancelled'), online: tr('meeting.online') }
    });
    attachments = [
      {
        filename: 'meeting.ics',
        contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
        content: ics
      }
    ];
  }
  return { params, attachments };
}

/**
 * The meeting's time in its own zone, for `locale`, with the weekday and the zone's name, e.g.
 * `Thursday, December 3, 2026, 7:00 – 9:00 PM (Europe/Berlin)` or
 * `Donnerstag, 3. Dezember 2026, 19:00–21:00 Uhr (Europe/Berlin)`.
 */
export function formatWhen(start: Date, end: Date, timeZone: string, locale: Locale): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit'
  });
  return `${format.formatRange(start, end)} (${zone})`;
}

/** A meeting's agenda items in order. */
async function agendaItems(
  db: Db,
  eventId: string
): Promise<{ title: string; duration_minutes: number }[]> {
  return db.kysely
    .selectFrom('agenda_items')
    .select(['title', 'duration_minutes'])
    .where('event_id', '=', eventId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
}

function placeText(
  venue: MeetingContext['venue'],
  online: boolean,
  tr: (key: string, replace?: Record<string, string>) => string
): string | undefined {
  const venueText = venue
    ? [venue.name, venue.room, venue.address]
        .map((part) => part?.trim())
        .filter(Boolean)
        .join(', ')
    : '';
  if (venueText && online) return tr('meeting.venueAndOnline', { venue: venueText });
  if (venueText) return venueText;
  return online ? tr('meeting.online') : undefined;
}

function isHttpUrl(value: string | null): value is string {
  if (!value) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
