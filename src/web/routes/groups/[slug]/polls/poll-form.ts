import { Temporal } from 'temporal-polyfill';
import { text } from '#lib/server/api.ts';
import type { PollChoice, PollResults } from '#lib/poll-types.ts';

/** The inputs of the new-poll form, as typed (shown again after an error). */
export interface PollFormValues {
  question: string;
  /** One option per line. */
  options: string;
  choice: PollChoice;
  anonymous: boolean;
  results: PollResults;
  /** A meeting of the group, or '' for a group poll. */
  eventId: string;
  /** Wall-clock time in the group's zone (`datetime-local`), or '' to close by hand. */
  closesAt: string;
}

/** Fields of the poll form that API errors may name (`options.3` lands on `options`). */
export const POLL_FIELDS = [
  'question',
  'options',
  'choice',
  'anonymous',
  'results',
  'eventId',
  'closesAt'
] as const;

/** The empty form. */
export function blankPollForm(eventId = ''): PollFormValues {
  return {
    question: '',
    options: '',
    choice: 'single',
    anonymous: true,
    results: 'live',
    eventId,
    closesAt: ''
  };
}

/** Reads the new-poll form. */
export function readPollForm(form: FormData): PollFormValues {
  return {
    question: text(form, 'question'),
    options: text(form, 'options'),
    choice: text(form, 'choice') === 'multiple' ? 'multiple' : 'single',
    anonymous: text(form, 'anonymous') === 'on',
    results: text(form, 'results') === 'closed' ? 'closed' : 'live',
    eventId: text(form, 'eventId'),
    closesAt: text(form, 'closesAt')
  };
}

/**
 * The options of the textarea: one per line, trimmed, blank lines dropped.
 *
 * @example
 * pollOptions(' Yes \r\n\r\nNo\n'); // ['Yes', 'No']
 */
export function pollOptions(input: string): string[] {
  return input
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * The instant a `datetime-local` value names in `timeZone`, as ISO; anything that is no such
 * value goes to the API as typed, for it to refuse next to the field.
 *
 * @example
 * closingInstant('2027-07-13T19:00', 'Europe/Berlin'); // '2027-07-13T17:00:00.000Z'
 */
export function closingInstant(local: string, timeZone: string): string {
  const trimmed = local.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/.test(trimmed)) return trimmed;
  try {
    const zoned = Temporal.PlainDateTime.from(trimmed).toZonedDateTime(timeZone, {
      disambiguation: 'compatible'
    });
    return new Date(zoned.epochMilliseconds).toISOString();
  } catch {
    return trimmed;
  }
}

/** The API body of `POST /groups/:slug/polls`; `open` launches it at once. */
export function pollBody(
  values: PollFormValues,
  timeZone: string,
  open: boolean
): Record<string, unknown> {
  return {
    question: values.question.trim(),
    options: pollOptions(values.options),
    choice: values.choice,
    anonymous: values.anonymous,
    results: values.results,
    ...(values.eventId ? { eventId: values.eventId } : {}),
    ...(values.closesAt.trim() ? { closesAt: closingInstant(values.closesAt, timeZone) } : {}),
    open
  };
}

/** `/groups/<slug>/polls` for API paths. */
export function pollsPath(slug: string): `/groups/${string}/polls` {
  return `/groups/${encodeURIComponent(slug)}/polls`;
}

/** `/polls/<id>` for API paths. */
export function pollPath(id: string): `/polls/${string}` {
  return `/polls/${encodeURIComponent(id)}`;
}
