import { Temporal } from 'temporal-polyfill';

/** A wall-clock date and time without zone, as a person types it: `2027-01-12T19:00`. */
export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;

/**
 * The instant a wall-clock time in `timeZone` names. A time that does not exist (skipped by a DST
 * change) moves forward by the gap; one that exists twice is the earlier — RFC 5545's rule.
 *
 * @example
 * zonedInstant('2027-07-13T19:00', 'Europe/Berlin').toISOString(); // '2027-07-13T17:00:00.000Z'
 */
export function zonedInstant(local: string, timeZone: string): Date {
  const zoned = Temporal.PlainDateTime.from(local).toZonedDateTime(timeZone, {
    disambiguation: 'compatible'
  });
  return new Date(zoned.epochMilliseconds);
}

/** The wall-clock time of `instant` in `timeZone`, to the minute: `2027-01-12T19:00`. */
export function localDateTime(instant: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime())
    .toZonedDateTimeISO(timeZone)
    .toPlainDateTime()
    .toString({ smallestUnit: 'minute' });
}
