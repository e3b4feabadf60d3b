import type { RequestEvent } from '@sveltejs/kit';
import type { Problem } from '#lib/api-types.ts';
import { api, type ApiResult } from '#lib/server/api.ts';
import { eventPath } from '#lib/server/meetings.ts';
import { agendaInput, type Agenda } from '#lib/talk-types.ts';

type ApiEvent = Pick<RequestEvent, 'fetch' | 'locals' | 'url'>;

/** An agenda item as the editor sends it: what the API takes, numbers possibly still as typed. */
export type ItemBody = Record<string, unknown> & { id?: string };

/** The form inputs an item's error messages go to (the API's `items.<n>.<field>`). */
export const ITEM_FIELDS = [
  'kind',
  'title',
  'durationMinutes',
  'talkId',
  'topicId',
  'moderatorId'
] as const;

/** `/events/<id>/agenda` for API paths. */
export function agendaPath(eventId: string): `/events/${string}/agenda` {
  return `${eventPath(eventId)}/agenda`;
}

/** The agenda as it is now, as the inputs `PUT /events/:id/agenda` takes. */
export async function currentItems(
  event: ApiEvent,
  eventId: string
): Promise<ApiResult<ItemBody[]>> {
  const result = await api<Agenda>(event, 'GET', agendaPath(eventId));
  if (!result.ok) return result;
  return { ...result, data: result.data.items.map((item) => ({ ...agendaInput(item) })) };
}

/** Replaces the agenda with `items` in this order. */
export function saveItems(
  event: ApiEvent,
  eventId: string,
  items: ItemBody[]
): Promise<ApiResult<Agenda>> {
  return api<Agenda>(event, 'PUT', agendaPath(eventId), { items });
}

/**
 * The items with the one of `id` moved one place up or down; null when it is not there or
 * already first (up) or last (down).
 *
 * @example
 * moveItem([{ id: 'a' }, { id: 'b' }], 'b', 'up'); // [{ id: 'b' }, { id: 'a' }]
 */
export function moveItem<T extends { id?: string }>(
  items: readonly T[],
  id: string,
  direction: 'up' | 'down'
): T[] | null {
  const from = items.findIndex((item) => item.id === id);
  const to = direction === 'up' ? from - 1 : from + 1;
  if (from < 0 || to < 0 || to >= items.length) return null;
  const moved = [...items];
  const [item] = moved.splice(from, 1);
  if (item === undefined) return null;
  moved.splice(to, 0, item);
  return moved;
}

/** The items without the one of `id`; null when it is not there. */
export function removeItem<T extends { id?: string }>(items: readonly T[], id: string): T[] | null {
  const rest = items.filter((item) => item.id !== id);
  return rest.length === items.length ? null : rest;
}

/** The items with the one of `id` changed; null when it is not there. */
export function changeItem<T extends { id?: string }>(
  items: readonly T[],
  id: string,
  change: Partial<T>
): T[] | null {
  const index = items.findIndex((item) => item.id === id);
  if (index < 0) return null;
  return items.map((item, i) => (i === index ? { ...item, ...change } : item));
}

/**
 * The API's errors of item `index` (`items.3.title`) renamed to the inputs of its form (`title`);
 * errors of other items keep their names and show at the top.
 */
export function itemProblem(problem: Problem, index: number): Problem {
  const prefix = `items.${index}.`;
  return {
    ...problem,
    errors: problem.errors?.map((e) =>
      e.field.startsWith(prefix) ? { ...e, field: e.field.slice(prefix.length) } : e
    )
  };
}
