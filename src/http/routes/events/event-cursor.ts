import { fieldProblem } from '../../problem.ts';

/** A page boundary in a list of meetings: the last start and id seen. */
export interface EventCursor {
  startsAt: Date;
  id: string;
}

export function encodeEventCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.startsAt.toISOString(), id: cursor.id })).toString(
    'base64url'
  );
}

/** Reads a cursor back; anything that is not one of ours is a 400 on `cursor`. */
export function decodeEventCursor(text: string): EventCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString()) as {
      s?: unknown;
      id?: unknown;
    };
    if (typeof value.s === 'string' && typeof value.id === 'string') {
      const startsAt = new Date(value.s);
      if (!Number.isNaN(startsAt.getTime())) return { startsAt, id: value.id };
    }
  } catch {
    // fall through
  }
  throw fieldProblem('cursor', 'invalid');
}
