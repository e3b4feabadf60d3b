import { Feed } from 'feed';
import ical, { ICalCalendarMethod, ICalEventStatus, type ICalEventData } from 'ical-generator';
import { Temporal } from 'temporal-polyfill';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';
import { isTimeZone } from '../../domain/places.ts';

/** A meeting as calendar apps and feed readers see it. Pure data: the caller decides visibility. */
export interface CalendarMeeting {
  id: string;
  /** Stable across renderings and edits, e.g. `event-<id>@<host>`. */
  uid: string;
  /** Raised by the caller on every change a calendar app should pick up. */
  sequence: number;
  title: string;
  /** Plain text. */
  description: string;
  /** The meeting's page. */
  url: string;
  start: Date;
  end: Date;
  /** IANA zone the meeting is planned in; times are written as wall times in it. */
  timeZone: string;
  status: 'confirmed' | 'cancelled';
  cancelReason?: string | null;
  venue?: { name: string; address: string; room?: string | null } | null;
  /** Only passed when the viewer may see it; never written to Atom. */
  onlineUrl?: string | null;
  /**
   * Whether the meeting (also) takes place online. Lets a viewer who may not see the link still
   * read "Online" as the place; defaults to `Boolean(onlineUrl)`.
   */
  online?: boolean | null;
  organizer?: { name: string; email?: string | null } | null;
  created: Date;
  updated: Date;
  groupName: string;
}

/**
 * Words these outputs add around the user's own text, from the caller's i18n catalog (e.g.
 * `{ cancelled: 'Cancelled', online: 'Online' }` or `{ cancelled: 'Abgesagt', online: 'Online' }`).
 */
export interface CalendarLabels {
  /** Prefix of a cancelled meeting's title, and of the cancel reason: `<cancelled>: <text>`. */
  cancelled: string;
  /** The place of a meeting without venue, and the label of the online link. */
  online: string;
}

export interface MeetingCalendarOptions {
  /** X-WR-CALNAME and NAME. */
  name: string;
  /** X-WR-CALDESC. */
  description?: string;
  /** Formal public identifier for PRODID, e.g. `-//Guildhall//Guildhall 0.1//EN`. */
  productId: string;
  /** How often subscribers should refetch (REFRESH-INTERVAL and X-PUBLISHED-TTL). */
  refreshHours?: number;
  method?: 'PUBLISH';
  labels: CalendarLabels;
}

export interface MeetingsAtomOptions {
  /** The feed's permanent IRI (usually its own URL). */
  id: string;
  title: string;
  /** The HTML page the feed belongs to. */
  link: string;
  /** The feed's own URL. */
  selfLink: string;
  updated: Date;
  /** BCP 47 tag of the labels and date formats (`en`, `de`); becomes `xml:lang`. */
  language: string;
  labels: CalendarLabels;
}

let tzlibZones: ReadonlySet<string> | undefined;
const tzidCache = new Map<string, string | null>();
const vtimezoneCache = new Map<string, string | null>();

/**
 * The TZID to write for `zone`, or null to write the time in UTC (`…Z`). timezones-ical-library
 * canonicalizes aliases (`Asia/Calcutta` → `Asia/Kolkata`), so the TZID is read from its block to
 * keep DTSTART's TZID and the VTIMEZONE's TZID the same. A zone it lacks falls back to UTC: the
 * instant stays right, only the wall-time display is lost.
 */
function tzidFor(zone: string): string | null {
  if (zone === 'UTC' || !isTimeZone(zone)) return null;
  const cached = tzidCache.get(zone);
  if (cached !== undefined) return cached;
  tzlibZones ??= new Set(tzlib_get_timezones(false));
  let tzid: string | null = null;
  if (tzlibZones.has(zone)) {
    const block = tzlib_get_ical_block(zone, false);
    if (Array.isArray(block) && block[0] && block[1]?.startsWith('TZID=')) {
      tzid = block[1].slice('TZID='.length);
      vtimezoneCache.set(tzid, block[0]);
    }
  }
  tzidCache.set(zone, tzid);
  return tzid;
}

/** ical-generator's `timezone.generator`: the VTIMEZONE block of a TZID chosen by `tzidFor`. */
function vtimezone(tzid: string): string | null {
  return vtimezoneCache.get(tzid) ?? null;
}

/** RFC 5545 TEXT escaping, for the calendar properties ical-generator writes unescaped. */
function icalText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

function zoned(instant: Date, tzid: string | null): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(
    tzid ?? 'UTC'
  );
}

function isOnline(meeting: CalendarMeeting): boolean {
  return meeting.online ?? Boolean(meeting.onlineUrl);
}

function venueText(venue: NonNullable<CalendarMeeting['venue']>): string {
  return [venue.name, venue.room, venue.address]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(', ');
}

/** The place in words: the venue, else the online label. Never the online link. */
function placeText(meeting: CalendarMeeting, labels: CalendarLabels): string | null {
  if (meeting.venue) return venueText(meeting.venue);
  return isOnline(meeting) ? labels.online : null;
}

function titleText(meeting: CalendarMeeting, labels: CalendarLabels): string {
  return meeting.status === 'cancelled' ? `${labels.cancelled}: ${meeting.title}` : meeting.title;
}

function cancelText(meeting: CalendarMeeting, labels: CalendarLabels): string | null {
  const reason = meeting.cancelReason?.trim();
  return meeting.status === 'cancelled' && reason ? `${labels.cancelled}: ${reason}` : null;
}

function eventData(meeting: CalendarMeeting, labels: CalendarLabels): ICalEventData {
  const tzid = tzidFor(meeting.timeZone);
  const onlineUrl = meeting.onlineUrl?.trim();
  const description = [
    cancelText(meeting, labels),
    meeting.description.trim(),
    onlineUrl ? `${labels.online}: ${onlineUrl}` : null,
    meeting.url
  ]
    .filter(Boolean)
    .join('\n\n');
  const location = meeting.venue
    ? venueText(meeting.venue)
    : onlineUrl || placeText(meeting, labels);
  const email = meeting.organizer?.email?.trim();
  return {
    id: meeting.uid,
    sequence: meeting.sequence,
    // Deterministic (same input, same bytes: cacheable, ETag-friendly); RFC 5545 equates DTSTAMP
    // with LAST-MODIFIED when there is no METHOD.
    stamp: meeting.updated,
    created: meeting.created,
    lastModified: meeting.updated,
    // Temporal, not Date: with a Date ical-generator writes the *server's* local wall time.
    start: zoned(meeting.start, tzid),
    end: zoned(meeting.end, tzid),
    timezone: tzid,
    summary: titleText(meeting, labels),
    description,
    location: location || null,
    url: meeting.url,
    status: meeting.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    // ical-generator requires an email for ORGANIZER (a cal-address); a name alone is left out.
    organizer: meeting.organizer && email ? { name: meeting.organizer.name, email } : null
  };
}

/**
 * An RFC 5545 calendar of `meetings` (one element for a single meeting's `.ics`). Times are wall
 * times with TZID and a VTIMEZONE per zone used; UTC meetings are written as `…Z`.
 *
 * @example
 * const ics = meetingCalendar([meeting], {
 *   name: 'Rust Berlin',
 *   productId: '-//Guildhall//Guildhall//EN',
 *   labels: { cancelled: 'Cancelled', online: 'Online' }
 * });
 */
export function meetingCalendar(
  meetings: CalendarMeeting[],
  options: MeetingCalendarOptions
): string {
  const calendar = ical({
    // ical-generator writes PRODID as `-` + this value, and NAME/X-WR-CALNAME unescaped.
    prodId: icalText(options.productId.replace(/^-/, '')),
    name: icalText(options.name),
    description: options.description ? icalText(options.description) : null,
    method: options.method === 'PUBLISH' ? ICalCalendarMethod.PUBLISH : null,
    // No calendar-wide zone: with one, ical-generator writes DTSTAMP/CREATED/LAST-MODIFIED as
    // floating local times. The generator still runs for every event's zone.
    timezone: { name: null, generator: vtimezone }
  });
  for (const meeting of meetings) calendar.createEvent(eventData(meeting, options.labels));
  const ics = calendar.toString();
  if (!options.refreshHours || options.refreshHours <= 0) return ics;
  // Not ical-generator's `ttl`: it writes these after the VTIMEZONEs, but RFC 5545 wants every
  // calendar property before the first component.
  const ttl = refreshDuration(options.refreshHours);
  const at = ics.search(/\r\n(BEGIN|END):V/);
  return `${ics.slice(0, at)}\r\nREFRESH-INTERVAL;VALUE=DURATION:${ttl}\r\nX-PUBLISHED-TTL:${ttl}${ics.slice(at)}`;
}

/** `hours` as an RFC 5545 duration: `PT6H`, or whole minutes (`PT90M`) when not whole hours. */
function refreshDuration(hours: number): string {
  const minutes = Math.max(1, Math.round(hours * 60));
  return minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * xml-js (under `feed`) turns `&amp;` back into `&` before escaping text, which would corrupt a
 * literal `&amp;`; doubling every `&` first makes that step an exact inverse.
 */
function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;');
}

function xmlAttribute(value: string): string {
  return value.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function whenText(meeting: CalendarMeeting, language: string): string {
  const format = new Intl.DateTimeFormat(language, {
    timeZone: isTimeZone(meeting.timeZone) ? meeting.timeZone : 'UTC',
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short'
  });
  return format.formatRange(meeting.start, meeting.end);
}

const ATOM_ROOT = '<feed xmlns="http://www.w3.org/2005/Atom">';

/**
 * An Atom 1.0 feed with an entry per meeting: its (localized) date and time in the meeting's zone
 * and its place as summary. The online link is never included: feeds are public.
 *
 * @example
 * const xml = meetingsAtom(meetings, {
 *   id: 'https://guildhall.example/groups/rust-berlin/meetings.atom',
 *   title: 'Rust Berlin',
 *   link: 'https://guildhall.example/groups/rust-berlin',
 *   selfLink: 'https://guildhall.example/groups/rust-berlin/meetings.atom',
 *   updated: new Date(),
 *   language: 'en',
 *   labels: { cancelled: 'Cancelled', online: 'Online' }
 * });
 */
export function meetingsAtom(meetings: CalendarMeeting[], options: MeetingsAtomOptions): string {
  const feed = new Feed({
    id: xmlText(options.id),
    title: xmlText(options.title),
    link: options.link,
    feed: options.selfLink,
    updated: options.updated,
    generator: false
  });
  for (const meeting of meetings) {
    const lines = [
      whenText(meeting, options.language),
      placeText(meeting, options.labels),
      cancelText(meeting, options.labels)
    ].filter((line): line is string => Boolean(line));
    // `feed` writes entry titles and summaries as type="html" CDATA: escaping makes the user's text
    // display as typed (and keeps `]]>`, which xml-js splits only once, out of the CDATA).
    feed.addItem({
      id: meeting.url,
      link: meeting.url,
      title: escapeHtml(titleText(meeting, options.labels)),
      description: lines.map(escapeHtml).join('<br>'),
      date: meeting.updated,
      published: meeting.created,
      author: [{ name: xmlText(meeting.groupName) }]
    });
  }
  const xml = feed.atom1();
  // `feed` writes `language` into RSS only; Atom carries it as xml:lang on the root.
  if (!xml.includes(ATOM_ROOT)) throw new Error('feed: unexpected Atom root element');
  return xml.replace(
    ATOM_ROOT,
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlAttribute(options.language)}">`
  );
}
