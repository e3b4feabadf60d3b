/** A meeting's agenda: ordered items with durations, and how they fit the meeting's length. */

export const AGENDA_KINDS = ['talk', 'topic', 'break', 'networking'] as const;
export type AgendaKind = (typeof AGENDA_KINDS)[number];

/** How long a topic discussion that a voting round put on the agenda lasts at first. */
export const DEFAULT_TOPIC_MINUTES = 30;

/** The length of a Community of Practice meeting the product is built around. */
export const TYPICAL_MEETING_MINUTES = 90;

export interface AgendaTiming {
  /** Sum of the items' durations. */
  totalMinutes: number;
  /** The meeting's length from start to end. */
  meetingMinutes: number;
  /** Minutes the agenda runs over the meeting (0 when it fits). */
  overMinutes: number;
  /** Minutes left unplanned (0 when it runs over). */
  freeMinutes: number;
}

/**
 * The agenda's total against the meeting's length.
 *
 * @example
 * agendaTiming([{ durationMinutes: 45 }, { durationMinutes: 60 }], 90);
 * // { totalMinutes: 105, meetingMinutes: 90, overMinutes: 15, freeMinutes: 0 }
 */
export function agendaTiming(
  items: readonly { durationMinutes: number }[],
  meetingMinutes: number
): AgendaTiming {
  const totalMinutes = items.reduce((sum, item) => sum + item.durationMinutes, 0);
  return {
    totalMinutes,
    meetingMinutes,
    overMinutes: Math.max(0, totalMinutes - meetingMinutes),
    freeMinutes: Math.max(0, meetingMinutes - totalMinutes)
  };
}

/** Minutes between two instants, rounded to whole minutes. */
export function minutesBetween(start: Date, end: Date): number {
  return Math.round((end.getTime() - start.getTime()) / 60_000);
}

/**
 * Where topics picked by a round go in an agenda of `existing` kinds: after the last talk or
 * topic item, before a trailing break or networking block (positions are 0-based).
 *
 * @example
 * insertionIndex(['talk', 'networking']); // 1
 * insertionIndex(['break']); // 0
 */
export function insertionIndex(existing: readonly AgendaKind[]): number {
  let index = existing.length;
  while (index > 0) {
    const kind = existing[index - 1];
    if (kind === 'talk' || kind === 'topic') break;
    index -= 1;
  }
  return index;
}
