// A meeting room's event log: writers append one entry per change inside their write transaction,
// then announce it; readers fold or replay it. See room-event-types.ts for what an entry holds.
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import {
  emptyFold,
  foldEvent,
  type RoomEvent,
  type RoomFold,
  type RoomStatus
} from './room-event-types.ts';

/** The realtime channel a room's new log entries are announced on. */
export function roomChannel(eventId: string): string {
  return `room:${eventId}`;
}

/**
 * Appends `event` to the room's log and returns its sequence number. Call it inside
 * `writeTransaction`, after the change it describes, and `announceRoom` after the commit. The
 * room row is created on first use; bumping its counter locks it until the commit, so two
 * writers in one room commit in sequence order and no reader sees seq N+1 before N.
 *
 * @example
 * const seq = await writeTransaction(db, (trx) => appendRoomEvent(trx, eventId, { kind: 'kudos', kudos }));
 * await announceRoom(realtime, eventId, seq);
 */
export async function appendRoomEvent(
  trx: Kysely<Database>,
  eventId: string,
  event: RoomEvent,
  now = new Date()
): Promise<number> {
  const at = now.toISOString();
  await trx
    .insertInto('meeting_rooms')
    .values({ event_id: eventId, created_at: at })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
  const { last_seq: seq } = await trx
    .updateTable('meeting_rooms')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('event_id', '=', eventId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const { kind, ...rest } = event;
  await trx
    .insertInto('room_events')
    .values({ event_id: eventId, seq, kind, payload: JSON.stringify(rest), created_at: at })
    .execute();
  return seq;
}

/**
 * Tells every node that the room's log grew (after the commit). A lost announcement costs only
 * delay: the next one, or a client's reconnect, reads everything after its last entry.
 */
export async function announceRoom(
  realtime: Realtime,
  eventId: string,
  seq: number
): Promise<void> {
  try {
    await realtime.publish(roomChannel(eventId), String(seq));
  } catch {
    // Committed already; watchers catch up with the next announcement.
  }
}

/** One stored log entry. */
export interface LoggedRoomEvent {
  seq: number;
  event: RoomEvent;
  createdAt: Date;
}

function parseEntry(row: {
  seq: number;
  kind: string;
  payload: string;
  created_at: Date | string;
}): LoggedRoomEvent {
  const body = JSON.parse(row.payload) as Record<string, unknown>;
  return {
    seq: row.seq,
    event: { kind: row.kind, ...body } as RoomEvent,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at)
  };
}

/** Log entries after `afterSeq` (up to `untilSeq` when given), in order. */
export async function roomEventsSince(
  db: Db,
  eventId: string,
  afterSeq: number,
  untilSeq?: number
): Promise<LoggedRoomEvent[]> {
  let query = db.kysely
    .selectFrom('room_events')
    .select(['seq', 'kind', 'payload', 'created_at'])
    .where('event_id', '=', eventId)
    .where('seq', '>', afterSeq);
  if (untilSeq !== undefined) query = query.where('seq', '<=', untilSeq);
  const rows = await query.orderBy('seq').execute();
  return rows.map(parseEntry);
}

/** The room's whole log folded into its current state (seq 0 for a room nobody used yet). */
export async function loadRoomFold(db: Db, eventId: string): Promise<RoomFold> {
  const state = emptyFold();
  for (const entry of await roomEventsSince(db, eventId, 0)) {
    foldEvent(state, entry.seq, entry.event);
  }
  return state;
}

/** The latest log entry of a room, 0 when it has none. */
export async function lastRoomSeq(db: Db, eventId: string): Promise<number> {
  const row = await db.kysely
    .selectFrom('meeting_rooms')
    .select('last_seq')
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row ? row.last_seq : 0;
}

/** What hosts did to a room (opened early, closed), from its row; all null for an unused room. */
export async function findRoomStatus(
  db: Db | Kysely<Database>,
  eventId: string
): Promise<RoomStatus> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const row = await kysely
    .selectFrom('meeting_rooms')
    .select(['opened_at', 'opened_by', 'closed_at', 'closed_by'])
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
  return {
    openedAt: iso(row?.opened_at ?? null),
    openedBy: row?.opened_by ?? null,
    closedAt: iso(row?.closed_at ?? null),
    closedBy: row?.closed_by ?? null
  };
}
