import { error, type RequestEvent } from '@sveltejs/kit';
import type { Group, MeetingEvent, Problem } from '../api-types.ts';
import { translator } from '../i18n.ts';
import { runsMeetings } from '../meeting-roles.ts';
import { api, unwrap } from './api.ts';

export { runsMeetings };

/** `/groups/<slug>` for API paths. */
export function groupPath(slug: string): `/groups/${string}` {
  return `/groups/${encodeURIComponent(slug)}`;
}

/** `/events/<id>` for API paths. */
export function eventPath(id: string): `/events/${string}` {
  return `/events/${encodeURIComponent(id)}`;
}

/** The page does not exist for this visitor (members learn nothing more than outsiders). */
export function notFound(event: Pick<RequestEvent, 'locals'>): never {
  error(404, translator(event.locals.lang)('errorPage.notFound.title'));
}

/** The group of the URL; a hidden group is a 404, like a page that does not exist. */
export async function loadGroup(
  event: Pick<RequestEvent, 'fetch' | 'locals' | 'url'> & { params: { slug: string } }
): Promise<Group> {
  return unwrap(event, await api<Group>(event, 'GET', groupPath(event.params.slug)));
}

/** The group of the URL, for pages only hosts and organizers may see (404 for everyone else). */
export async function loadGroupToRun(
  event: Pick<RequestEvent, 'fetch' | 'locals' | 'url'> & { params: { slug: string } }
): Promise<Group> {
  const group = await loadGroup(event);
  if (!runsMeetings(group)) notFound(event);
  return group;
}

/**
 * The meeting of the URL, which must belong to the group of the URL (the API addresses meetings
 * by id alone): a meeting of another group is a 404 here.
 */
export async function loadMeeting(
  event: Pick<RequestEvent, 'fetch' | 'locals' | 'url'> & { params: { slug: string; id: string } }
): Promise<MeetingEvent> {
  const meeting = unwrap(event, await api<MeetingEvent>(event, 'GET', eventPath(event.params.id)));
  if (meeting.group.slug !== event.params.slug) notFound(event);
  return meeting;
}

/**
 * Renames the API's error fields to the form's inputs (`recurrence.startTime` → `startTime`), so
 * every message lands next to its input.
 */
export function renameFields(problem: Problem, rename: (field: string) => string): Problem {
  return { ...problem, errors: problem.errors?.map((e) => ({ ...e, field: rename(e.field) })) };
}

/**
 * A number input for the API: omitted (`undefined`) or `empty` when blank, a number when it reads
 * as one, else the text, for the API to refuse next to the field.
 */
export function numberInput<E>(input: string, empty: E): number | string | E {
  const trimmed = input.trim();
  if (trimmed === '') return empty;
  const value = Number(trimmed);
  return Number.isInteger(value) ? value : trimmed;
}

/** A text input for the API: `empty` when blank. */
export function optionalText<E>(input: string, empty: E): string | E {
  const trimmed = input.trim();
  return trimmed === '' ? empty : trimmed;
}
