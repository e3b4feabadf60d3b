import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
// xml-js comes with `feed` (not a direct dependency); its xml2js runs sax in strict mode, so it
// rejects XML that is not well-formed (checked below against a broken document).
import { xml2js, type Element } from 'xml-js';
import {
  meetingCalendar,
  meetingsAtom,
  type CalendarLabels,
  type CalendarMeeting,
  type MeetingCalendarOptions
} from './calendar-feed.ts';

const en: CalendarLabels = { cancelled: 'Cancelled', online: 'Online' };
const de: CalendarLabels = { cancelled: 'Abgesagt', online: 'Online' };
const ONLINE = 'https://meet.example/r/secret-room?pwd=42&x=1';

function meeting(overrides: Partial<CalendarMeeting> = {}): CalendarMeeting {
  return {
    id: 'm1',
    uid: 'event-m1@guildhall.example',
    sequence: 0,
    title: 'Rust Meetup',
    description: 'Talks and pizza.',
    url: 'https://guildhall.example/groups/rust-berlin/events/m1',
    start: new Date('2026-01-15T18:00:00Z'),
    end: new Date('2026-01-15T20:00:00Z'),
    timeZone: 'Europe/Berlin',
    status: 'confirmed',
    venue: { name: 'c-base', address: 'Rungestraße 20, 10179 Berlin', room: 'Main hall' },
    organizer: { name: 'Ada Organizer', email: 'ada@example.org' },
    created: new Date('2025-12-01T09:00:00Z'),
    updated: new Date('2025-12-02T10:30:00Z'),
    groupName: 'Rust Berlin',
    ...overrides
  };
}

const calendarOptions: MeetingCalendarOptions = {
  name: 'Rust Berlin',
  productId: '-//Guildhall//Guildhall//EN',
  labels: en
};

function parse(ics: string): { calendar: ICAL.Component; events: ICAL.Event[] } {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return {
    calendar,
    events: calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component))
  };
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function pair<T>(items: T[]): [T, T] {
  expect(items).toHaveLength(2);
  return [items[0] as T, items[1] as T];
}

function text(component: ICAL.Component, property: string): string | null {
  const value = component.getFirstPropertyValue(property);
  return value === null ? null : String(value);
}

describe('meetingCalendar', () => {
  it('writes wall times in the meeting zone with a VTIMEZONE, right in winter and summer', () => {
    const winter = meeting({ uid: 'w@x', start: new Date('2026-01-15T18:00:00Z') });
    const summer = meeting({
      uid: 's@x',
      start: new Date('2026-07-16T17:00:00Z'),
      end: new Date('2026-07-16T19:00:00Z')
    });
    const ics = meetingCalendar([winter, summer], calendarOptions);

    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20260115T190000\r\n');
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20260716T190000\r\n');
    // Only the VTIMEZONE in the file can resolve the zone: ical.js knows no Europe/Berlin itself.
    expect(ICAL.TimezoneService.has('Europe/Berlin')).toBe(false);
    const { calendar, events } = parse(ics);
    const zones = calendar.getAllSubcomponents('vtimezone');
    expect(zones.map((zone) => text(zone, 'tzid'))).toEqual(['Europe/Berlin']);

    const [w, s] = pair(events);
    expect(w.startDate.zone.tzid).toBe('Europe/Berlin');
    expect(w.startDate.hour).toBe(19);
    expect(w.startDate.toJSDate().toISOString()).toBe('2026-01-15T18:00:00.000Z');
    expect(w.endDate.toJSDate().toISOString()).toBe('2026-01-15T20:00:00.000Z');
    expect(s.startDate.hour).toBe(19);
    expect(s.startDate.toJSDate().toISOString()).toBe('2026-07-16T17:00:00.000Z');
    expect(s.endDate.toJSDate().toISOString()).toBe('2026-07-16T19:00:00.000Z');
  });

  it('writes one VTIMEZONE per zone, with the TZID the zone library uses for aliases', () => {
    const ics = meetingCalendar(
      [
        meeting({ uid: 'a@x' }),
        meeting({ uid: 'b@x', timeZone: 'Asia/Calcutta' }),
        meeting({ uid: 'c@x', timeZone: 'America/New_York' })
      ],
      calendarOptions
    );
    const { calendar, events } = parse(ics);
    expect(
      calendar
        .getAllSubcomponents('vtimezone')
        .map((zone) => text(zone, 'tzid'))
        .sort()
    ).toEqual(['America/New_York', 'Asia/Kolkata', 'Europe/Berlin']);
    expect(events.map((event) => event.startDate.zone.tzid)).toEqual([
      'Europe/Berlin',
      'Asia/Kolkata',
      'America/New_York'
    ]);
    expect(events.map((event) => event.startDate.toString())).toEqual([
      '2026-01-15T19:00:00',
      '2026-01-15T23:30:00',
      '2026-01-15T13:00:00'
    ]);
    for (const event of events) {
      expect(event.startDate.toJSDate().toISOString()).toBe('2026-01-15T18:00:00.000Z');
    }
  });

  it('writes UTC meetings as UTC times without a VTIMEZONE', () => {
    const ics = meetingCalendar([meeting({ timeZone: 'UTC' })], calendarOptions);
    expect(ics).toContain('DTSTART:20260115T180000Z\r\n');
    expect(ics).not.toContain('BEGIN:VTIMEZONE');
    expect(only(parse(ics).events).startDate.toJSDate().toISOString()).toBe(
      '2026-01-15T18:00:00.000Z'
    );
  });

  it('falls back to UTC times for a zone it cannot describe, keeping the instant', () => {
    const ics = meetingCalendar([meeting({ timeZone: 'Mars/Olympus_Mons' })], calendarOptions);
    expect(ics).toContain('DTSTART:20260115T180000Z\r\n');
    expect(ics).not.toContain('TZID');
  });

  it('is deterministic: same UID, SEQUENCE and bytes on every rendering', () => {
    const input = meeting({ sequence: 3 });
    const first = meetingCalendar([input], calendarOptions);
    expect(meetingCalendar([{ ...input }], calendarOptions)).toBe(first);
    const event = only(parse(first).events);
    expect(event.uid).toBe('event-m1@guildhall.example');
    expect(event.sequence).toBe(3);
    expect(event.component.getFirstPropertyValue('dtstamp')?.toString()).toBe(
      '2025-12-02T10:30:00Z'
    );
    expect(event.component.getFirstPropertyValue('created')?.toString()).toBe(
      '2025-12-01T09:00:00Z'
    );
    expect(event.component.getFirstPropertyValue('last-modified')?.toString()).toBe(
      '2025-12-02T10:30:00Z'
    );
  });

  it('marks status, and prefixes cancelled titles and reasons with the caller’s label', () => {
    const ics = meetingCalendar(
      [
        meeting({ uid: 'ok@x' }),
        meeting({ uid: 'no@x', status: 'cancelled', cancelReason: 'Sprecher krank' })
      ],
      { ...calendarOptions, labels: de }
    );
    const [confirmed, cancelled] = pair(parse(ics).events);
    expect(text(confirmed.component, 'status')).toBe('CONFIRMED');
    expect(confirmed.summary).toBe('Rust Meetup');
    expect(text(cancelled.component, 'status')).toBe('CANCELLED');
    expect(cancelled.summary).toBe('Abgesagt: Rust Meetup');
    expect(cancelled.description.startsWith('Abgesagt: Sprecher krank\n\n')).toBe(true);
    expect(ics).not.toContain('Cancelled');
  });

  it('leaves the online link out entirely unless it is given', () => {
    const hidden = meetingCalendar(
      [meeting({ online: true }), meeting({ uid: 'v@x', venue: null, online: true })],
      calendarOptions
    );
    expect(hidden).not.toContain('meet.example');
    const [hybrid, online] = pair(parse(hidden).events);
    expect(hybrid.location).toBe('c-base, Main hall, Rungestraße 20, 10179 Berlin');
    expect(online.location).toBe('Online');
    expect(text(online.component, 'url')).toBe(
      'https://guildhall.example/groups/rust-berlin/events/m1'
    );

    const [hybridShown, onlineShown] = pair(
      parse(
        meetingCalendar(
          [meeting({ onlineUrl: ONLINE }), meeting({ uid: 'v@x', venue: null, onlineUrl: ONLINE })],
          calendarOptions
        )
      ).events
    );
    expect(hybridShown.location).toBe('c-base, Main hall, Rungestraße 20, 10179 Berlin');
    expect(hybridShown.description).toContain(`Online: ${ONLINE}`);
    expect(onlineShown.location).toBe(ONLINE);
  });

  it('keeps commas, semicolons, newlines, backslashes, umlauts and emoji through a round trip', () => {
    const title = 'Grüße, Björn; 🦀 Rust\\Ferris & <friends>';
    const description =
      'Zeile eins, mit Komma; und Semikolon\nZeile zwei: Ärger 🎉\n\n\\n ist kein Umbruch';
    const venue = { name: 'Café "Zur Größe"; Hof 2', address: 'Straße 1,\n12345 Köln', room: null };
    const ics = meetingCalendar([meeting({ title, description, venue })], {
      ...calendarOptions,
      name: 'Köln, Bonn; 🦀',
      description: 'Zeile 1\nZeile 2, mit Komma'
    });
    const { calendar, events } = parse(ics);
    const event = only(events);
    expect(event.summary).toBe(title);
    expect(event.description.startsWith(`${description}\n\n`)).toBe(true);
    expect(event.location).toBe('Café "Zur Größe"; Hof 2, Straße 1,\n12345 Köln');
    // ical.js reads X- and RFC 7986 calendar properties as raw values, so check the TEXT escaping
    // (which ical-generator leaves to the caller for these) on the wire.
    expect(ics).toContain('\r\nNAME:Köln\\, Bonn\\; 🦀\r\n');
    expect(ics).toContain('\r\nX-WR-CALNAME:Köln\\, Bonn\\; 🦀\r\n');
    expect(ics).toContain('\r\nX-WR-CALDESC:Zeile 1\\nZeile 2\\, mit Komma\r\n');
    expect(text(calendar, 'prodid')).toBe('-//Guildhall//Guildhall//EN');
  });

  it('folds lines at 75 octets with CRLF, without splitting characters', () => {
    const description = `${'Ä🦀 lange Beschreibung, '.repeat(20)}Ende`;
    const ics = meetingCalendar([meeting({ description })], calendarOptions);
    expect(ics.endsWith('END:VCALENDAR')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.split('\r\n');
    expect(lines.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\uFFFD');
    }
    expect(only(parse(ics).events).description.startsWith(`${description}\n\n`)).toBe(true);
  });

  it('writes ORGANIZER only with an email address', () => {
    const ics = meetingCalendar(
      [meeting(), meeting({ uid: 'n@x', organizer: { name: 'No Mail', email: null } })],
      calendarOptions
    );
    const [withMail, withoutMail] = pair(parse(ics).events);
    expect(text(withMail.component, 'organizer')).toBe('mailto:ada@example.org');
    expect(withMail.component.getFirstProperty('organizer')?.getParameter('cn')).toBe(
      'Ada Organizer'
    );
    expect(withoutMail.component.getFirstProperty('organizer')).toBeNull();
    expect(ics).not.toContain('No Mail');
  });

  it('writes METHOD and the refresh interval before the first component', () => {
    const ics = meetingCalendar([meeting()], {
      ...calendarOptions,
      method: 'PUBLISH',
      refreshHours: 6
    });
    const { calendar } = parse(ics);
    expect(text(calendar, 'method')).toBe('PUBLISH');
    expect(text(calendar, 'refresh-interval')).toBe('PT6H');
    expect(text(calendar, 'x-published-ttl')).toBe('PT6H');
    const firstComponent = ics.indexOf('\r\nBEGIN:V');
    expect(ics.indexOf('REFRESH-INTERVAL')).toBeLessThan(firstComponent);
    expect(ics.indexOf('X-PUBLISHED-TTL')).toBeLessThan(firstComponent);
    expect(meetingCalendar([], { ...calendarOptions, refreshHours: 1.5 })).toContain(
      'X-PUBLISHED-TTL:PT90M\r\n'
    );
    expect(meetingCalendar([meeting()], calendarOptions)).not.toContain('METHOD:');
  });
});

const atomOptions = {
  id: 'https://guildhall.example/groups/rust-berlin/events.atom',
  title: 'Rust Berlin',
  link: 'https://guildhall.example/groups/rust-berlin',
  selfLink: 'https://guildhall.example/groups/rust-berlin/events.atom?lang=en&x=1',
  updated: new Date('2026-01-01T12:00:00Z'),
  language: 'en',
  labels: en
};

function parseXml(xml: string): Element {
  const document = xml2js(xml, { compact: false, captureSpacesBetweenElements: false });
  return document as Element;
}

function children(element: Element | undefined, name: string): Element[] {
  return (element?.elements ?? []).filter((child) => child.name === name);
}

function child(element: Element | undefined, name: string): Element {
  return only(children(element, name));
}

/** Character content of an element (text and CDATA). */
function content(element: Element): string {
  return (element.elements ?? []).map((part) => String(part.text ?? part.cdata ?? '')).join('');
}

/** What a feed reader shows for a `type="html"` element made only of escaped text and `<br>`. */
function htmlToText(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
}

describe('meetingsAtom', () => {
  it('is well-formed Atom with one entry per meeting', () => {
    expect(() => parseXml('<feed><entry></feed>')).toThrow();
    const meetings = [
      meeting(),
      meeting({ id: 'm2', url: 'https://guildhall.example/groups/rust-berlin/events/m2' }),
      meeting({ id: 'm3', url: 'https://guildhall.example/groups/rust-berlin/events/m3' })
    ];
    const document = parseXml(meetingsAtom(meetings, atomOptions));
    const feed = child(document, 'feed');
    expect(feed.attributes).toEqual({ xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': 'en' });
    expect(content(child(feed, 'id'))).toBe(atomOptions.id);
    expect(content(child(feed, 'updated'))).toBe('2026-01-01T12:00:00.000Z');
    expect(children(feed, 'link').map((link) => link.attributes)).toEqual([
      { rel: 'alternate', href: atomOptions.link },
      { rel: 'self', href: atomOptions.selfLink }
    ]);
    const entries = children(feed, 'entry');
    expect(entries).toHaveLength(3);
    expect(entries.map((entry) => content(child(entry, 'id')))).toEqual(meetings.map((m) => m.url));
    const [first] = entries;
    expect(child(first, 'link').attributes).toEqual({ href: meetings[0]?.url });
    expect(content(child(first, 'updated'))).toBe('2025-12-02T10:30:00.000Z');
    expect(content(child(first, 'published'))).toBe('2025-12-01T09:00:00.000Z');
    expect(content(child(child(first, 'author'), 'name'))).toBe('Rust Berlin');
  });

  it('summarizes the local date, time and place in the feed language, never the online link', () => {
    const xml = meetingsAtom(
      [
        meeting({ onlineUrl: ONLINE }),
        meeting({ venue: null, onlineUrl: ONLINE, status: 'cancelled', cancelReason: 'Krank' })
      ],
      { ...atomOptions, language: 'de', labels: de }
    );
    expect(xml).not.toContain('meet.example');
    const [venue, online] = children(child(parseXml(xml), 'feed'), 'entry');
    const venueSummary = htmlToText(content(child(venue, 'summary'))).split('\n');
    expect(venueSummary).toHaveLength(2);
    expect(venueSummary[0]).toMatch(/^Donnerstag, 15\. Januar 2026.*19:00.*21:00/);
    expect(venueSummary[1]).toBe('c-base, Main hall, Rungestraße 20, 10179 Berlin');
    expect(htmlToText(content(child(online, 'title')))).toBe('Abgesagt: Rust Meetup');
    expect(
      htmlToText(content(child(online, 'summary')))
        .split('\n')
        .slice(1)
    ).toEqual(['Online', 'Abgesagt: Krank']);
  });

  it('escapes markup in user text so readers show it as typed', () => {
    const title = 'Tom &amp; <b>Jerry</b> ]]> & "quotes" ]]> 🦀';
    const groupName = 'R&D <Team> &amp; co';
    const xml = meetingsAtom([meeting({ title, groupName })], {
      ...atomOptions,
      title: groupName
    });
    expect(xml).not.toContain('<b>');
    const feed = child(parseXml(xml), 'feed');
    expect(content(child(feed, 'title'))).toBe(groupName);
    const entry = child(feed, 'entry');
    expect(child(entry, 'title').attributes).toEqual({ type: 'html' });
    expect(htmlToText(content(child(entry, 'title')))).toBe(title);
    expect(content(child(child(entry, 'author'), 'name'))).toBe(groupName);
  });
});
