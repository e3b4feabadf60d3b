import type { MeetingEvent, Series, Sponsor, Venue } from '../api-types.ts';
import type {
  EventFormValues,
  SeriesFormValues,
  SponsorFormValues,
  VenueFormValues
} from '../meeting-form-values.ts';
import { localDateTimeInput } from '../meeting-format.ts';
import type { SeriesVoting } from '../talk-types.ts';
import { text } from './api.ts';
import { numberInput, optionalText } from './meetings.ts';

export type { EventFormValues, SeriesFormValues, SponsorFormValues, VenueFormValues };

/** The meeting form's inputs that get their own error messages (the API's `errors[].field`). */
export const EVENT_FIELDS = [
  'title',
  'description',
  'startsAt',
  'endsAt',
  'venueId',
  'onlineUrl',
  'capacity',
  'guestLimit',
  'rsvpOpensAt',
  'rsvpClosesAt',
  'sponsorIds'
] as const;

/** Reads the meeting form. */
export function readEventForm(form: FormData): EventFormValues {
  return {
    title: text(form, 'title').trim(),
    description: text(form, 'description'),
    startsAt: text(form, 'startsAt'),
    endsAt: text(form, 'endsAt'),
    venueId: text(form, 'venueId'),
    onlineUrl: text(form, 'onlineUrl'),
    capacity: text(form, 'capacity'),
    guestLimit: text(form, 'guestLimit'),
    rsvpOpensAt: text(form, 'rsvpOpensAt'),
    rsvpClosesAt: text(form, 'rsvpClosesAt'),
    sponsorIds: form.getAll('sponsorIds').filter((v): v is string => typeof v === 'string'),
    publish: form.get('publish') === 'on'
  };
}

/**
 * The body of `POST /groups/:slug/events` or `PATCH /events/:id`: times as typed (the API reads
 * them in the meeting's zone), blank optional inputs cleared.
 */
export function eventBody(values: EventFormValues, create: boolean): Record<string, unknown> {
  return {
    title: values.title,
    description: values.description,
    startsAt: values.startsAt,
    endsAt: values.endsAt,
    venueId: optionalText(values.venueId, null),
    onlineUrl: optionalText(values.onlineUrl, null),
    capacity: numberInput(values.capacity, null),
    guestLimit: numberInput(values.guestLimit, 0),
    rsvpOpensAt: optionalText(values.rsvpOpensAt, null),
    rsvpClosesAt: optionalText(values.rsvpClosesAt, null),
    sponsorIds: values.sponsorIds,
    ...(create && { publish: values.publish })
  };
}

/** The meeting form filled with a meeting's current settings, times in its own zone. */
export function eventFormValues(meeting: MeetingEvent): EventFormValues {
  const zone = meeting.timeZone;
  return {
    title: meeting.title,
    description: meeting.description,
    startsAt: localDateTimeInput(meeting.startsAt, zone),
    endsAt: localDateTimeInput(meeting.endsAt, zone),
    venueId: meeting.venue?.id ?? '',
    onlineUrl: meeting.onlineUrl ?? '',
    capacity: meeting.seats.capacity === null ? '' : String(meeting.seats.capacity),
    guestLimit: String(meeting.guestLimit),
    rsvpOpensAt: localDateTimeInput(meeting.rsvpOpensAt, zone),
    rsvpClosesAt: localDateTimeInput(meeting.rsvpClosesAt, zone),
    sponsorIds: meeting.sponsors.map((s) => s.id),
    publish: false
  };
}

/** The series form's inputs that get their own error messages. */
export const SERIES_FIELDS = [
  'title',
  'description',
  'frequency',
  'interval',
  'weekOfMonth',
  'weekday',
  'startTime',
  'durationMinutes',
  'startDate',
  'until',
  'venueId',
  'onlineUrl',
  'capacity',
  'guestLimit',
  'votingRounds',
  'votingClosesHours',
  'from'
] as const;

/** `recurrence.startTime` (the API's field) → `startTime` (the form's input). */
export function seriesField(field: string): string {
  if (field === 'recurrence') return 'startDate';
  return field.replace(/^recurrence\./, '');
}

/** Reads the series form. */
export function readSeriesForm(form: FormData): SeriesFormValues {
  return {
    title: text(form, 'title').trim(),
    description: text(form, 'description'),
    frequency: text(form, 'frequency'),
    interval: text(form, 'interval'),
    weekOfMonth: text(form, 'weekOfMonth'),
    weekday: text(form, 'weekday'),
    startTime: text(form, 'startTime'),
    durationMinutes: text(form, 'durationMinutes'),
    startDate: text(form, 'startDate'),
    until: text(form, 'until'),
    venueId: text(form, 'venueId'),
    onlineUrl: text(form, 'onlineUrl'),
    capacity: text(form, 'capacity'),
    guestLimit: text(form, 'guestLimit'),
    votingRounds: form.get('votingRounds') === 'on',
    votingClosesHours: text(form, 'votingClosesHours')
  };
}

/** The body of `POST /groups/:slug/series` (and of `PUT /series/:id` with `from`). */
export function seriesBody(values: SeriesFormValues): Record<string, unknown> {
  const monthly = values.frequency === 'monthly';
  return {
    title: values.title,
    description: values.description,
    recurrence: {
      frequency: values.frequency,
      interval: numberInput(values.interval, 1),
      weekday: values.weekday,
      // The week of the month only means something for monthly meetings.
      ...(monthly && { weekOfMonth: numberInput(values.weekOfMonth, undefined) }),
      startDate: values.startDate,
      startTime: values.startTime,
      durationMinutes: numberInput(values.durationMinutes, undefined),
      ...(values.until.trim() !== '' && { until: values.until.trim() })
    },
    venueId: optionalText(values.venueId, null),
    onlineUrl: optionalText(values.onlineUrl, null),
    capacity: numberInput(values.capacity, null),
    guestLimit: numberInput(values.guestLimit, 0),
    votingRounds: values.votingRounds ?? false,
    votingClosesHours: numberInput(values.votingClosesHours ?? '', undefined)
  };
}

/** The series form filled with a series' rule and settings (and its topic vote, when sent). */
export function seriesFormValues(series: Series & Partial<SeriesVoting>): SeriesFormValues {
  const r = series.recurrence;
  return {
    title: series.title,
    description: series.description,
    frequency: r.frequency,
    interval: String(r.interval),
    weekOfMonth: r.weekOfMonth === null ? '1' : String(r.weekOfMonth),
    weekday: r.weekday,
    startTime: r.startTime,
    durationMinutes: String(r.durationMinutes),
    startDate: r.startDate,
    until: r.until ?? '',
    venueId: series.venueId ?? '',
    // The API does not send a series' online link back; leaving it blank would remove it.
    onlineUrl: '',
    capacity: series.capacity === null ? '' : String(series.capacity),
    guestLimit: String(series.guestLimit),
    votingRounds: series.votingRounds,
    votingClosesHours: String(series.votingClosesHours)
  };
}

/** The venue form's inputs that get their own error messages. */
export const VENUE_FIELDS = [
  'name',
  'address',
  'room',
  'capacity',
  'accessibility',
  'host',
  'latitude',
  'longitude'
] as const;

export function readVenueForm(form: FormData): VenueFormValues {
  return {
    name: text(form, 'name').trim(),
    address: text(form, 'address').trim(),
    room: text(form, 'room'),
    capacity: text(form, 'capacity'),
    accessibility: text(form, 'accessibility'),
    host: text(form, 'host'),
    latitude: text(form, 'latitude'),
    longitude: text(form, 'longitude')
  };
}

/** A coordinate: null when blank, a number when it reads as one, else the text to refuse. */
function coordinate(input: string): number | string | null {
  const trimmed = input.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : trimmed;
}

export function venueBody(values: VenueFormValues): Record<string, unknown> {
  return {
    name: values.name,
    address: values.address,
    room: optionalText(values.room, null),
    capacity: numberInput(values.capacity, null),
    accessibility: optionalText(values.accessibility, null),
    host: optionalText(values.host, null),
    latitude: coordinate(values.latitude),
    longitude: coordinate(values.longitude)
  };
}

export function venueFormValues(venue: Venue): VenueFormValues {
  return {
    name: venue.name,
    address: venue.address,
    room: venue.room ?? '',
    capacity: venue.capacity === null ? '' : String(venue.capacity),
    accessibility: venue.accessibility,
    host: venue.host ?? '',
    latitude: venue.latitude === null ? '' : String(venue.latitude),
    longitude: venue.longitude === null ? '' : String(venue.longitude)
  };
}

export const SPONSOR_FIELDS = ['name', 'url', 'contributions'] as const;

export function readSponsorForm(form: FormData): SponsorFormValues {
  return {
    name: text(form, 'name').trim(),
    url: text(form, 'url'),
    contributions: form.getAll('contributions').filter((v): v is string => typeof v === 'string')
  };
}

export function sponsorBody(values: SponsorFormValues): Record<string, unknown> {
  return {
    name: values.name,
    url: optionalText(values.url, null),
    contributions: values.contributions
  };
}

export function sponsorFormValues(sponsor: Sponsor): SponsorFormValues {
  return {
    name: sponsor.name,
    url: sponsor.url ?? '',
    contributions: [...sponsor.contributions]
  };
}
