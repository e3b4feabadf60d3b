import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';

/**
 * Recurring meetings of a group ("every month on the 2nd Tuesday at 19:00", "every other Friday"),
 * stored as an RFC 5545 `DTSTART;TZID=…` plus `RRULE` and expanded into UTC instants.
 *
 * Wall-clock semantics: a meeting happens at `startTime` local time in `timeZone` on every day the
 * pattern selects, whatever the UTC offset is that day (19:00 Berlin is 18:00Z in winter, 17:00Z
 * in summer).
 *
 * - DST gap (the wall time does not exist that day, e.g. 02:30 on the night clocks go forward):
 *   the meeting moves forward by the length of the gap (02:30 → 03:30), as Temporal's
 *   `'compatible'` disambiguation does. It is never dropped. Note that RFC 5545 §3.3.10 says such
 *   instances are ignored, and rrule-temporal does that, so this module expands the pattern on
 *   plain dates and applies the wall time itself. A calendar export that hands the RRULE to other
 *   clients should add the shifted instance as an RDATE (or export instances one by one).
 * - DST overlap (the wall time happens twice, e.g. 02:30 on the night clocks go back): the
 *   earlier of the two instants.
 * - Duration is exact elapsed time: a 120-minute meeting lasts two real hours even across a change.
 */

/** Frequencies a recurrence may have. */
export const FREQUENCIES = ['weekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** RFC 5545 weekday codes, in ISO order (Monday = 1). */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Which weekday of the month a monthly recurrence falls on: 1st to 4th, or -1 for the last. */
export const WEEKS_OF_MONTH = [1, 2, 3, 4, -1] as const;
export type WeekOfMonth = (typeof WEEKS_OF_MONTH)[number];

/** Largest `interval` (every 12 weeks, every 12 months). */
export const INTERVAL_MAX = 12;

/** Longest meeting, in minutes (one day). */
export const DURATION_MAX_MINUTES = 24 * 60;

/** `startDate` and `until`: an ISO calendar date, `YYYY-MM-DD`. */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** `startTime`: 24-hour local wall time, `HH:MM`. */
export const TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

interface RecurrenceBase {
  /** Every `interval` weeks or months, 1..{@link INTERVAL_MAX}. */
  interval: number;
  weekday: Weekday;
  /** `YYYY-MM-DD`, the first day a meeting may fall on; the interval counts from its week or month. */
  startDate: string;
  /** `HH:MM`, local wall time in `timeZone`. */
  startTime: string;
  /** 1..{@link DURATION_MAX_MINUTES}. */
  durationMinutes: number;
  /** IANA time zone name, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** `YYYY-MM-DD`, the last day a meeting may fall on (inclusive); none when open-ended. */
  until?: string;
}

/** Every `interval` weeks on `weekday`. */
export interface WeeklyRecurrence extends RecurrenceBase {
  frequency: 'weekly';
  weekOfMonth?: never;
}

/** Every `interval` months on the `weekOfMonth`-th (or last) `weekday` of the month. */
export interface MonthlyRecurrence extends RecurrenceBase {
  frequency: 'monthly';
  weekOfMonth: WeekOfMonth;
}

export type Recurrence = WeeklyRecurrence | MonthlyRecurrence;

/** One meeting: UTC instants, plus its calendar date in the recurrence's time zone. */
export interface Occurrence {
  start: Date;
  end: Date;
  /** `YYYY-MM-DD` in the recurrence's time zone (what {@link splitAt} takes). */
  date: string;
}

export interface OccurrenceWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Start instants to leave out (RFC 5545 EXDATE semantics: exact instant match). */
  skip?: readonly Date[];
}

/** Thrown for a recurrence or RRULE text this module cannot accept; the message says why. */
export class RecurrenceError extends RangeError {
  override name = 'RecurrenceError';
}

/**
 * The meetings whose start lies in `[from, to)`, sorted by start, without the skipped ones.
 * Cost grows with the window, not with the distance from `startDate`.
 *
 * @example
 * occurrences(
 *   { frequency: 'monthly', interval: 1, weekday: 'TU', weekOfMonth: 2, startDate: '2027-01-01',
 *     startTime: '19:00', durationMinutes: 120, timeZone: 'Europe/Berlin' },
 *   { from: new Date('2027-03-01T00:00Z'), to: new Date('2027-05-01T00:00Z') }
 * ); // starts 2027-03-09T18:00Z and 2027-04-13T17:00Z
 */
export function occurrences(r: Recurrence, window: OccurrenceWindow): Occurrence[] {
  assertRecurrence(r);
  const from = instantMs(window.from, 'from');
  const to = instantMs(window.to, 'to');
  if (to <= from) return [];
  const skipped = new Set((window.skip ?? []).map((d) => instantMs(d, 'skip')));
  // A meeting starting in the window falls on a local date within a day of the window's dates.
  const firstDay = localDate(from, r.timeZone).subtract({ days: 1 });
  const lastDay = localDate(to, r.timeZone).add({ days: 1 });
  const result: Occurrence[] = [];
  for (const day of dateRule(r).between(floating(firstDay), floating(lastDay), true)) {
    const date = day.toPlainDate();
    const start = wallTime(date, r);
    const ms = start.epochMilliseconds;
    if (ms < from || ms >= to || skipped.has(ms)) continue;
    result.push({
      start: new Date(ms),
      end: new Date(ms + r.durationMinutes * 60_000), // exact elapsed time
      date: date.toString()
    });
  }
  return result;
}

/**
 * The date of the first meeting, or null when `until` ends the recurrence before any.
 *
 * @example
 * firstOccurrenceDate({ frequency: 'weekly', interval: 1, weekday: 'FR', startDate: '2027-01-04',
 *   startTime: '15:00', durationMinutes: 60, timeZone: 'UTC' }); // '2027-01-08'
 */
export function firstOccurrenceDate(r: Recurrence): string | null {
  assertRecurrence(r);
  return nextDate(r, Temporal.PlainDate.from(r.startDate))?.toString() ?? null;
}

/**
 * The same recurrence with `startDate` moved to its first meeting: the form {@link fromRRule}
 * returns, because RFC 5545 wants DTSTART to be the first instance. Same occurrences.
 * Throws a {@link RecurrenceError} when the recurrence has no meeting at all.
 *
 * @example
 * normalizeRecurrence({ frequency: 'weekly', interval: 2, weekday: 'FR', startDate: '2027-01-04',
 *   startTime: '15:00', durationMinutes: 60, timeZone: 'UTC' }).startDate; // '2027-01-08'
 */
export function normalizeRecurrence<R extends Recurrence>(r: R): R {
  const first = firstOccurrenceDate(r);
  if (first === null) throw new RecurrenceError('The recurrence ends before its first meeting.');
  return { ...r, startDate: first };
}

/**
 * RFC 5545 text: a `DTSTART;TZID=…` line and an `RRULE:` line joined by `\n`. DTSTART is the first
 * meeting (see {@link normalizeRecurrence}); UNTIL is the end of the `until` day in UTC.
 * The duration is not part of the text.
 *
 * @example
 * toRRule({ frequency: 'monthly', interval: 1, weekday: 'TU', weekOfMonth: 2,
 *   startDate: '2027-01-01', startTime: '19:00', durationMinutes: 120, timeZone: 'Europe/Berlin' });
 * // 'DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=MONTHLY;BYDAY=2TU'
 */
export function toRRule(r: Recurrence): string {
  const n = normalizeRecurrence(r);
  const parts = [`FREQ=${n.frequency === 'weekly' ? 'WEEKLY' : 'MONTHLY'}`];
  if (n.interval !== 1) parts.push(`INTERVAL=${n.interval}`);
  parts.push(`BYDAY=${byDay(n)}`);
  if (n.until !== undefined) {
    const end = Temporal.PlainDate.from(n.until).toZonedDateTime({
      timeZone: n.timeZone,
      plainTime: '23:59:59'
    });
    parts.push(`UNTIL=${compact(end.toInstant().toString({ smallestUnit: 'second' }))}`);
  }
  const dtstart = `${compact(n.startDate)}T${compact(n.startTime)}00`;
  return `DTSTART;TZID=${n.timeZone}:${dtstart}\nRRULE:${parts.join(';')}`;
}

/**
 * Reads the RFC 5545 text {@link toRRule} writes back into a recurrence (DTSTART becomes
 * `startDate`). Also accepts `INTERVAL=1`, `BYDAY=+2TU`, a quoted TZID, CRLF and folded lines,
 * a `WKST` (irrelevant for one weekday and a synchronized DTSTART) and a date-only UNTIL.
 * Anything else — COUNT, other BY parts, several weekdays, a DTSTART that is not the first
 * meeting — throws a {@link RecurrenceError}.
 *
 * @example
 * fromRRule('DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=MONTHLY;BYDAY=2TU', 120);
 * // { frequency: 'monthly', interval: 1, weekday: 'TU', weekOfMonth: 2, startDate: '2027-01-12',
 * //   startTime: '19:00', durationMinutes: 120, timeZone: 'Europe/Berlin' }
 */
export function fromRRule(text: string, durationMinutes: number): Recurrence {
  const lines = text
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const dtstartLine = lines.find((line) => /^DTSTART[;:]/i.test(line));
  const rruleLine = lines.find((line) => /^RRULE:/i.test(line));
  if (dtstartLine === undefined || rruleLine === undefined || lines.length !== 2) {
    throw new RecurrenceError('Expected exactly a DTSTART line and an RRULE line.');
  }
  const start = /^DTSTART;TZID="?([^";:]+)"?:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})00$/i.exec(
    dtstartLine
  );
  if (!start) {
    throw new RecurrenceError(
      'DTSTART must be a local date-time with a TZID and whole minutes, e.g. DTSTART;TZID=Europe/Berlin:20270112T190000.'
    );
  }
  const [, timeZone = '', y, mo, d, h, mi] = start;
  const parts = ruleParts(rruleLine.slice('RRULE:'.length));

  const freq = parts.get('FREQ');
  if (freq !== 'WEEKLY' && freq !== 'MONTHLY') {
    throw new RecurrenceError('FREQ must be WEEKLY or MONTHLY.');
  }
  const intervalText = parts.get('INTERVAL') ?? '1';
  if (!/^\d{1,2}$/.test(intervalText)) {
    throw new RecurrenceError(`INTERVAL must be a whole number from 1 to ${INTERVAL_MAX}.`);
  }
  const day = /^(?:([+-]?\d))?(MO|TU|WE|TH|FR|SA|SU)$/.exec(parts.get('BYDAY') ?? '');
  if (!day) throw new RecurrenceError('BYDAY must name exactly one weekday, e.g. BYDAY=TU or 2TU.');
  const [, ordinal, weekdayText] = day;
  const weekday = weekdayText as Weekday; // the pattern above admits only weekday codes

  const base = {
    interval: Number(intervalText),
    weekday,
    startDate: `${y}-${mo}-${d}`,
    startTime: `${h}:${mi}`,
    durationMinutes,
    timeZone
  };
  let r: Recurrence;
  if (freq === 'WEEKLY') {
    if (ordinal !== undefined) {
      throw new RecurrenceError('A weekly BYDAY cannot have an ordinal (2TU is monthly).');
    }
    r = { frequency: 'weekly', ...base };
  } else {
    const week = WEEKS_OF_MONTH.find((w) => w === Number(ordinal ?? 'x'));
    if (week === undefined) {
      throw new RecurrenceError('A monthly BYDAY needs an ordinal of 1, 2, 3, 4 or -1, e.g. 2TU.');
    }
    r = { frequency: 'monthly', ...base, weekOfMonth: week };
  }
  assertRecurrence(r);

  const untilText = parts.get('UNTIL');
  if (untilText !== undefined) r = { ...r, until: untilDate(untilText, r) };
  if (firstOccurrenceDate(r) !== r.startDate) {
    throw new RecurrenceError('DTSTART must be the first meeting of the rule.');
  }
  return r;
}

/**
 * Splits a recurrence for a "this and following meetings" edit at `fromDate` (`YYYY-MM-DD`).
 * `before` keeps the meetings before that day (it ends the day before; null when there are none),
 * `after` the meetings from that day on: it starts at the first of them, so an interval of 2 keeps
 * its rhythm. Together they yield exactly the original meetings. Throws a {@link RecurrenceError}
 * when no meeting falls on or after `fromDate`.
 *
 * @example
 * // series: every 2nd Tuesday from 2027-01-12
 * const { before, after } = splitAt(series, '2027-06-01');
 * // before.until === '2027-05-31'; after.startDate === '2027-06-08' (the 2nd Tuesday of June)
 */
export function splitAt(
  r: Recurrence,
  fromDate: string
): { before: Recurrence | null; after: Recurrence } {
  assertRecurrence(r);
  const split = plainDate(fromDate, 'fromDate');
  const next = nextDate(r, split);
  if (next === null) throw new RecurrenceError(`No meeting falls on or after ${fromDate}.`);
  const first = nextDate(r, Temporal.PlainDate.from(r.startDate));
  const hasEarlier = first !== null && Temporal.PlainDate.compare(first, split) < 0;
  return {
    before: hasEarlier ? { ...r, until: split.subtract({ days: 1 }).toString() } : null,
    after: { ...r, startDate: next.toString() }
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * The pattern is expanded on plain dates (midnight in UTC, which has no DST), then each date gets
 * the wall time in the real zone. This is what keeps DST-gap days (see the module comment).
 */
const FLOATING_ZONE = 'UTC';

function floating(date: Temporal.PlainDate): Temporal.ZonedDateTime {
  return date.toZonedDateTime(FLOATING_ZONE);
}

function dateRule(r: Recurrence): RRuleTemporal {
  const start = Temporal.PlainDate.from(r.startDate);
  // Weekly: start on the weekday itself, so the week counting does not depend on WKST.
  const dtstart =
    r.frequency === 'weekly'
      ? start.add({ days: (WEEKDAYS.indexOf(r.weekday) + 1 - start.dayOfWeek + 7) % 7 })
      : start;
  return new RRuleTemporal({
    freq: r.frequency === 'weekly' ? 'WEEKLY' : 'MONTHLY',
    interval: r.interval,
    byDay: [byDay(r)],
    dtstart: floating(dtstart),
    until: r.until === undefined ? undefined : floating(Temporal.PlainDate.from(r.until)),
    tzid: FLOATING_ZONE,
    temporal: Temporal
  });
}

/** First pattern date on or after `date`, or null. */
function nextDate(r: Recurrence, date: Temporal.PlainDate): Temporal.PlainDate | null {
  return dateRule(r).next(floating(date), true)?.toPlainDate() ?? null;
}

function byDay(r: Recurrence): string {
  return r.frequency === 'weekly' ? r.weekday : `${r.weekOfMonth}${r.weekday}`;
}

function wallTime(date: Temporal.PlainDate, r: Recurrence): Temporal.ZonedDateTime {
  // PlainDate.toZonedDateTime disambiguates 'compatible': forward in a gap, earlier in an overlap.
  return date.toZonedDateTime({ timeZone: r.timeZone, plainTime: r.startTime });
}

function localDate(ms: number, timeZone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone).toPlainDate();
}

function compact(iso: string): string {
  return iso.replace(/[-:]/g, '');
}

function ruleParts(rule: string): Map<string, string> {
  const allowed = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'UNTIL', 'WKST']);
  const parts = new Map<string, string>();
  for (const part of rule.split(';')) {
    const [key = '', value, ...rest] = part.split('=');
    const name = key.trim().toUpperCase();
    if (value === undefined || rest.length > 0) {
      throw new RecurrenceError(`Malformed RRULE part "${part}".`);
    }
    if (!allowed.has(name)) {
      throw new RecurrenceError(
        `RRULE part ${name} is not supported (only ${[...allowed].join(', ')}).`
      );
    }
    if (parts.has(name)) throw new RecurrenceError(`RRULE part ${name} appears twice.`);
    parts.set(name, value.trim().toUpperCase());
  }
  const wkst = parts.get('WKST');
  if (wkst !== undefined && !WEEKDAYS.some((w) => w === wkst)) {
    throw new RecurrenceError('WKST must be a weekday code.');
  }
  return parts;
}

/** The last local date whose meeting starts no later than UNTIL. */
function untilDate(text: string, r: Recurrence): string {
  const dateOnly = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (dateOnly)
    return plainDate(`${dateOnly[1]}-${dateOnly[2]}-${dateOnly[3]}`, 'UNTIL').toString();
  const utc = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!utc) throw new RecurrenceError('UNTIL must be a UTC date-time such as 20271231T225959Z.');
  const [, y, mo, d, h, mi, s] = utc;
  let until: Temporal.Instant;
  try {
    until = Temporal.Instant.from(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  } catch {
    throw new RecurrenceError(`UNTIL ${text} is not a valid date-time.`);
  }
  const day = localDate(until.epochMilliseconds, r.timeZone);
  const meeting = wallTime(day, r).toInstant();
  return (
    Temporal.Instant.compare(meeting, until) <= 0 ? day : day.subtract({ days: 1 })
  ).toString();
}

function instantMs(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RecurrenceError(`${name} is not a valid date.`);
  return ms;
}

function plainDate(text: string, name: string): Temporal.PlainDate {
  if (DATE_PATTERN.test(text)) {
    try {
      return Temporal.PlainDate.from(text, { overflow: 'reject' });
    } catch {
      // fall through to the error below
    }
  }
  throw new RecurrenceError(`${name} must be a date as YYYY-MM-DD, got "${text}".`);
}

function isIanaTimeZone(zone: string): boolean {
  // Temporal also accepts offsets such as +01:00, which have no DST rules and no TZID.
  if (!/^[A-Za-z]/.test(zone)) return false;
  try {
    // Temporal matches names case-insensitively; require the spelling it reports back.
    return Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone).timeZoneId === zone;
  } catch {
    return false;
  }
}

/** Checks what the types cannot say (and everything, for callers that skipped validation). */
function assertRecurrence(r: Recurrence): void {
  const fail = (message: string): never => {
    throw new RecurrenceError(message);
  };
  if (!FREQUENCIES.includes(r.frequency)) fail('frequency must be weekly or monthly.');
  if (!Number.isInteger(r.interval) || r.interval < 1 || r.interval > INTERVAL_MAX) {
    fail(`interval must be a whole number from 1 to ${INTERVAL_MAX}.`);
  }
  if (!WEEKDAYS.includes(r.weekday)) fail(`weekday must be one of ${WEEKDAYS.join(', ')}.`);
  if (r.frequency === 'monthly' && !WEEKS_OF_MONTH.includes(r.weekOfMonth)) {
    fail(`weekOfMonth must be one of ${WEEKS_OF_MONTH.join(', ')}.`);
  }
  if (r.frequency === 'weekly' && (r as { weekOfMonth?: unknown }).weekOfMonth !== undefined) {
    fail('weekOfMonth is only for monthly recurrences.');
  }
  const start = plainDate(r.startDate, 'startDate');
  if (!TIME_PATTERN.test(r.startTime)) fail('startTime must be a time as HH:MM.');
  if (
    !Number.isInteger(r.durationMinutes) ||
    r.durationMinutes < 1 ||
    r.durationMinutes > DURATION_MAX_MINUTES
  ) {
    fail(`durationMinutes must be a whole number from 1 to ${DURATION_MAX_MINUTES}.`);
  }
  if (!isIanaTimeZone(r.timeZone)) fail(`timeZone "${r.timeZone}" is not an IANA time zone.`);
  if (r.until !== undefined && Temporal.PlainDate.compare(plainDate(r.until, 'until'), start) < 0) {
    fail('until must not be before startDate.');
  }
}
