import type { EventSummary, Recurrence, Venue } from './api-types.ts';
import type { Locale, Translate } from './i18n.ts';

const rangeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * When a meeting takes place, in `timeZone`, with the zone's short name: one date when it starts
 * and ends on the same day.
 *
 * @example
 * formatMeetingTime('2027-01-12T18:00:00Z', '2027-01-12T20:00:00Z', 'en', 'Europe/Berlin');
 * // 'Tue, Jan 12, 2027, 7:00 – 9:00 PM GMT+1'
 */
export function formatMeetingTime(
  startsAt: string,
  endsAt: string,
  locale: Locale,
  timeZone: string
): string {
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return startsAt;
  const key = `${locale}|${timeZone}`;
  let format = rangeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short'
    });
    rangeFormats.set(key, format);
  }
  return end > start ? format.formatRange(start, end) : format.format(start);
}

/**
 * The wall-clock time of an instant in `timeZone`, as a `datetime-local` input holds it (and as
 * the API reads it back in the meeting's zone).
 *
 * @example
 * localDateTimeInput('2027-01-12T18:00:00Z', 'Europe/Berlin'); // '2027-01-12T19:00'
 */
export function localDateTimeInput(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23'
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value])
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** Whether an instant reads the same on the wall clocks of both zones (no second time needed). */
export function sameWallClock(iso: string, zoneA: string, zoneB: string): boolean {
  return zoneA === zoneB || localDateTimeInput(iso, zoneA) === localDateTimeInput(iso, zoneB);
}

/**
 * A link to the place on OpenStreetMap: the map at its coordinates, else a search by address.
 *
 * @example
 * mapUrl({ latitude: 48.1, longitude: 11.5, address: '…' });
 * // 'https://www.openstreetmap.org/?mlat=48.1&mlon=11.5#map=17/48.1/11.5'
 */
export function mapUrl(venue: Pick<Venue, 'latitude' | 'longitude' | 'address'>): string {
  if (venue.latitude !== null && venue.longitude !== null) {
    const { latitude: lat, longitude: lon } = venue;
    return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
  }
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(venue.address)}`;
}

/** The meeting's state for people: draft, cancelled, past; null for an upcoming published one. */
export function stateLabel(event: Pick<EventSummary, 'status'>, t: Translate): string | null {
  switch (event.status) {
    case 'draft':
      return t('meetings.state.draft');
    case 'cancelled':
      return t('meetings.state.cancelled');
    case 'past':
      return t('meetings.state.past');
    case 'published':
      return null;
  }
}

/** Minutes as hours and minutes: `90` → "1 h 30 min". */
export function formatDuration(minutes: number, t: Translate): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return t('meetings.duration.minutes', { m });
  if (m === 0) return t('meetings.duration.hours', { h });
  return t('meetings.duration.hoursMinutes', { h, m });
}

/**
 * A recurrence in words: "Every month on the 2nd Tuesday at 19:00 for 2 h".
 */
export function describeRecurrence(r: Recurrence, t: Translate): string {
  const weekday = t(`meetings.weekday.${r.weekday}`);
  const duration = formatDuration(r.durationMinutes, t);
  const values = { weekday, time: r.startTime, duration, count: r.interval };
  if (r.frequency === 'monthly') {
    const week = t(
      `meetings.ordinal.${r.weekOfMonth === -1 ? 'last' : String(r.weekOfMonth)}` as
        'meetings.ordinal.1' | 'meetings.ordinal.last'
    );
    return t('meetings.rule.monthly', { ...values, week });
  }
  return t('meetings.rule.weekly', values);
}
