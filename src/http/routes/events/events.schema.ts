import { z } from 'zod';
import { isTimeZone } from '../../../domain/places.ts';
import {
  DATE_PATTERN,
  DURATION_MAX_MINUTES,
  FREQUENCIES,
  INTERVAL_MAX,
  TIME_PATTERN,
  WEEKDAYS,
  WEEKS_OF_MONTH
} from '../../../domain/recurrence.ts';
import { RSVP_STATUSES } from '../../../domain/rsvp.ts';
import { sponsorSchema } from '../sponsors/sponsors.schema.ts';
import { venueSchema } from '../venues/venues.schema.ts';

export const EVENT_TITLE_MAX = 140;
export const EVENT_DESCRIPTION_MAX = 20_000;
export const EVENT_CAPACITY_MAX = 100_000;
export const EVENT_GUEST_LIMIT_MAX = 10;

/**
 * A date and time: an instant with its offset (`2027-01-12T18:00:00Z`, `…+01:00`), or a wall-clock
 * time without one (`2027-01-12T19:00`), read in the meeting's time zone.
 */
export const dateTimeInput = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?$/, {
    message: 'invalidFormat'
  })
  .meta({
    description:
      'ISO 8601: an instant with Z or an offset, or a local date-time without one, read in timeZone',
    example: '2027-01-12T19:00'
  });

const url = z.url({ protocol: /^https?$/ }).max(500);

export const eventFields = z.strictObject({
  title: z.string().trim().min(2).max(EVENT_TITLE_MAX),
  description: z.string().max(EVENT_DESCRIPTION_MAX).optional(),
  startsAt: dateTimeInput,
  endsAt: dateTimeInput,
  timeZone: z
    .string()
    .refine(isTimeZone, { message: 'timeZoneInvalid' })
    .optional()
    .meta({ description: "IANA zone; default: the group's" }),
  venueId: z.string().max(100).nullable().optional(),
  onlineUrl: url.nullable().optional().meta({ description: 'Shown only to people going' }),
  capacity: z.number().int().min(1).max(EVENT_CAPACITY_MAX).nullable().optional(),
  guestLimit: z.number().int().min(0).max(EVENT_GUEST_LIMIT_MAX).optional(),
  rsvpOpensAt: dateTimeInput.nullable().optional(),
  rsvpClosesAt: dateTimeInput
    .nullable()
    .optional()
    .meta({ description: 'Default: RSVPs close when the meeting starts' }),
  sponsorIds: z.array(z.string().max(100)).max(20).optional()
});

export const createEventBody = eventFields.extend({
  publish: z
    .boolean()
    .optional()
    .meta({ description: 'Publish at once (members are told); default: a draft' })
});
export const updateEventBody = eventFields.partial();

export const cancelEventBody = z.strictObject({ reason: z.string().trim().min(2).max(500) });

export const eventParams = z.object({ id: z.string().max(100) });

export const eventListQuery = z.strictObject({
  when: z.enum(['upcoming', 'past']).default('upcoming'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20)
});

export const EVENT_STATES = ['draft', 'published', 'cancelled', 'past'] as const;

const seatsSchema = z.object({
  capacity: z.number().int().nullable(),
  taken: z.number().int().meta({ description: 'People going plus their guests' }),
  left: z.number().int().nullable().meta({ description: 'null: no limit' }),
  waiting: z.number().int()
});

export const myRsvpSchema = z
  .object({
    status: z.enum(RSVP_STATUSES),
    guests: z.number().int(),
    waitlistPosition: z.number().int().nullable(),
    checkInCode: z.string().meta({ description: 'Show it at the door' }),
    checkedIn: z.boolean()
  })
  .meta({ id: 'MyRsvp' });

const eventCore = {
  id: z.string(),
  group: z.object({ slug: z.string(), name: z.string() }),
  seriesId: z.string().nullable(),
  title: z.string(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  timeZone: z.string(),
  status: z.enum(EVENT_STATES),
  cancelReason: z.string().nullable(),
  online: z.boolean(),
  venueName: z.string().nullable(),
  seats: seatsSchema,
  myRsvp: myRsvpSchema.nullable()
};

export const eventSummarySchema = z.object(eventCore).meta({ id: 'EventSummary' });

export const eventSchema = z
  .object({
    ...eventCore,
    description: z.string(),
    descriptionHtml: z.string(),
    venue: venueSchema.nullable(),
    onlineUrl: z
      .string()
      .nullable()
      .meta({ description: 'Only for people going, hosts and organizers; null otherwise' }),
    guestLimit: z.number().int(),
    rsvpOpensAt: z.iso.datetime().nullable(),
    rsvpClosesAt: z.iso.datetime().nullable(),
    rsvpOpen: z.boolean(),
    sponsors: z.array(sponsorSchema),
    sequence: z.number().int(),
    viewer: z.object({ canRsvp: z.boolean(), canEdit: z.boolean(), canCheckIn: z.boolean() }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    publishedAt: z.iso.datetime().nullable()
  })
  .meta({ id: 'Event' });

export const eventListSchema = z
  .object({ items: z.array(eventSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'EventList' });

export const rsvpBody = z.strictObject({
  status: z.enum(['going', 'not_going']),
  guests: z.number().int().min(0).max(EVENT_GUEST_LIMIT_MAX).default(0)
});

export const attendeeQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  status: z.enum(RSVP_STATUSES).optional()
});

export const attendeeSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    handle: z.string(),
    status: z.enum(RSVP_STATUSES),
    guests: z.number().int(),
    waitlistPosition: z.number().int().nullable(),
    checkedInAt: z.iso.datetime().nullable()
  })
  .meta({ id: 'Attendee' });

export const checkInBody = z.union([
  z.strictObject({ code: z.string().trim().min(4).max(20) }),
  z.strictObject({ userId: z.string().max(100) })
]);

export const recurrenceSchema = z
  .strictObject({
    frequency: z.enum(FREQUENCIES),
    interval: z.number().int().min(1).max(INTERVAL_MAX).default(1),
    weekday: z.enum(WEEKDAYS),
    weekOfMonth: z
      .union(WEEKS_OF_MONTH.map((w) => z.literal(w)))
      .optional()
      .meta({ description: 'Monthly only: 1–4, or -1 for the last' }),
    startDate: z.string().regex(DATE_PATTERN, { message: 'invalidFormat' }),
    startTime: z.string().regex(TIME_PATTERN, { message: 'invalidFormat' }),
    durationMinutes: z.number().int().min(1).max(DURATION_MAX_MINUTES),
    until: z.string().regex(DATE_PATTERN, { message: 'invalidFormat' }).optional()
  })
  .meta({
    id: 'Recurrence',
    description:
      '"Every month on the 2nd Tuesday at 19:00": frequency monthly, interval 1, weekday TU, weekOfMonth 2, startTime 19:00 — in the series\' time zone.'
  });

export const seriesFields = z.strictObject({
  title: z.string().trim().min(2).max(EVENT_TITLE_MAX),
  description: z.string().max(EVENT_DESCRIPTION_MAX).optional(),
  recurrence: recurrenceSchema,
  timeZone: z.string().refine(isTimeZone, { message: 'timeZoneInvalid' }).optional(),
  venueId: z.string().max(100).nullable().optional(),
  onlineUrl: url.nullable().optional(),
  capacity: z.number().int().min(1).max(EVENT_CAPACITY_MAX).nullable().optional(),
  guestLimit: z.number().int().min(0).max(EVENT_GUEST_LIMIT_MAX).optional(),
  rsvpOpensDays: z.number().int().min(1).max(365).nullable().optional(),
  rsvpClosesHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 14)
    .nullable()
    .optional(),
  votingRounds: z.boolean().optional().meta({
    description: 'Open a topic vote for the next meeting whenever a meeting of the series ends'
  }),
  votingClosesHours: z
    .int()
    .min(1)
    .max(24 * 14)
    .optional()
    .meta({
      description: 'Such a vote closes this many hours before the next meeting (default 24)'
    })
});

export const updateSeriesBody = seriesFields.extend({
  from: z.string().regex(DATE_PATTERN, { message: 'invalidFormat' }).optional().meta({
    description: 'This and following: the change applies from this date on (default: today)'
  })
});

export const seriesSchema = z
  .object({
    id: z.string(),
    group: z.object({ slug: z.string(), name: z.string() }),
    title: z.string(),
    description: z.string(),
    recurrence: z.object({
      frequency: z.enum(FREQUENCIES),
      interval: z.number().int(),
      weekday: z.enum(WEEKDAYS),
      weekOfMonth: z.number().int().nullable(),
      startDate: z.string(),
      startTime: z.string(),
      durationMinutes: z.number().int(),
      until: z.string().nullable()
    }),
    timeZone: z.string(),
    rrule: z.string().meta({ description: 'RFC 5545 DTSTART and RRULE' }),
    venueId: z.string().nullable(),
    online: z.boolean(),
    onlineUrl: z
      .string()
      .nullable()
      .meta({ description: 'Only for hosts and organizers (to edit the series); null otherwise' }),
    capacity: z.number().int().nullable(),
    guestLimit: z.number().int(),
    rsvpOpensDays: z.number().int().nullable(),
    rsvpClosesHours: z.number().int().nullable(),
    votingRounds: z.boolean(),
    votingClosesHours: z.number().int(),
    ended: z.boolean(),
    upcoming: z.array(eventSummarySchema),
    mySeriesRsvp: z.object({ guests: z.number().int() }).nullable()
  })
  .meta({ id: 'Series' });

export const endSeriesBody = z.strictObject({ reason: z.string().trim().min(2).max(500) });
