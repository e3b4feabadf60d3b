import { eventPath } from '#lib/server/meetings.ts';

/** What a form in the room did, shown once after the redirect back (`?done=`). */
export const ROOM_DONE = [
  'opened',
  'closed',
  'asked',
  'answered',
  'hidden',
  'reopened',
  'deleted',
  'topic',
  'posted',
  'raised',
  'lowered',
  'handLowered',
  'kudos',
  'launched',
  'pollOpened',
  'pollClosed',
  'voted'
] as const;
export type RoomDone = (typeof ROOM_DONE)[number];

/** `done` from the page's URL, null when missing or unknown. */
export function doneOf(url: URL): RoomDone | null {
  const value = url.searchParams.get('done');
  return ROOM_DONE.find((d) => d === value) ?? null;
}

/** The room page of a meeting. */
export function roomPage(slug: string, id: string): string {
  return `/groups/${encodeURIComponent(slug)}/events/${encodeURIComponent(id)}/room`;
}

/**
 * Back to the room page after a form (post/redirect/get): `done` says what to confirm, `anchor`
 * where to land.
 *
 * @example
 * backToRoom({ slug: 'g', id: 'e1' }, 'asked', 'questions'); // '/groups/g/events/e1/room?done=asked#questions'
 */
export function backToRoom(
  params: { slug: string; id: string },
  done: RoomDone | null,
  anchor: string
): string {
  const query = done ? `?done=${done}` : '';
  return `${roomPage(params.slug, params.id)}${query}#${encodeURIComponent(anchor)}`;
}

/** `/events/<id>/room` for API paths. */
export function roomApi(id: string): `/events/${string}/room` {
  return `${eventPath(id)}/room`;
}

/** `/questions/<id>` for API paths. */
export function questionApi(id: string): `/questions/${string}` {
  return `/questions/${encodeURIComponent(id)}`;
}

/** `/polls/<id>` for API paths. */
export function pollApi(id: string): `/polls/${string}` {
  return `/polls/${encodeURIComponent(id)}`;
}
