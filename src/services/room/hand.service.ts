// Raised hands in a meeting's room: a member raises theirs (one at a time), lowers it, or a host
// lowers it after giving them the word. Every change appends the whole hand to the room's log.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { toDate } from '../../db/values.ts';
import type { Meeting } from '../event.service.ts';
import type { RoomHand } from './room-event-types.ts';
import { appendRoomEvent } from './room-log.service.ts';
import {
  assertRoomOpen,
  lockRoom,
  roomWrite,
  type RoomWriteContext,
  RoomWriteError
} from './room-write.ts';

function handQuery(kysely: Kysely<Database>) {
  return kysely
    .selectFrom('hands as h')
    .leftJoin('users as u', 'u.id', 'h.user_id')
    .selectAll('h')
    .select('u.name as user_name');
}

type HandRow = Awaited<ReturnType<ReturnType<typeof handQuery>['executeTakeFirstOrThrow']>>;

function roomHandOf(row: HandRow): RoomHand {
  const loweredAt = toDate(row.lowered_at);
  return {
    id: row.id,
    userId: row.user_id,
    userName: row.user_name ?? '',
    raisedAt: toDate(row.raised_at).toISOString(),
    loweredAt: loweredAt ? loweredAt.toISOString() : null,
    loweredBy: row.lowered_by
  };
}

async function appendHand(
  trx: Kysely<Database>,
  eventId: string,
  handId: string,
  now: Date
): Promise<{ hand: RoomHand; seq: number }> {
  const hand = roomHandOf(
    await handQuery(trx).where('h.id', '=', handId).executeTakeFirstOrThrow()
  );
  return { hand, seq: await appendRoomEvent(trx, eventId, { kind: 'hand', hand }, now) };
}

/** The member's raised hand in a meeting's room, if any. */
async function raisedHand(
  trx: Kysely<Database>,
  eventId: string,
  userId: string
): Promise<HandRow | undefined> {
  return handQuery(trx)
    .where('h.event_id', '=', eventId)
    .where('h.user_id', '=', userId)
    .where('h.lowered_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Raises the member's hand in an open room. Raising it again while it is up returns the same
 * hand (`created: false`) and appends nothing; the room's lock keeps it one hand per member.
 */
export async function raiseHand(
  ctx: RoomWriteContext,
  meeting: Pick<Meeting, 'id' | 'startsAt' | 'endsAt' | 'status'>,
  userId: string,
  now = new Date()
): Promise<{ hand: RoomHand; created: boolean }> {
  return roomWrite<{ hand: RoomHand; created: boolean }>(ctx, meeting.id, async (trx) => {
    await lockRoom(trx, ctx.db, meeting.id);
    await assertRoomOpen(trx, meeting, now);
    const up = await raisedHand(trx, meeting.id, userId);
    if (up) return { result: { hand: roomHandOf(up), created: false }, seq: null };
    const id = randomUUID();
    await trx
      .insertInto('hands')
      .values({ id, event_id: meeting.id, user_id: userId, raised_at: now.toISOString() })
      .execute();
    const { hand, seq } = await appendHand(trx, meeting.id, id, now);
    return { result: { hand, created: true }, seq };
  });
}

/** Lowers the member's own hand, if it is up (the room need not be open). */
export async function lowerOwnHand(
  ctx: RoomWriteContext,
  eventId: string,
  userId: string,
  now = new Date()
): Promise<RoomHand | null> {
  return roomWrite(ctx, eventId, async (trx) => {
    await lockRoom(trx, ctx.db, eventId);
    const up = await raisedHand(trx, eventId, userId);
    if (!up) return { result: null, seq: null };
    await trx
      .updateTable('hands')
      .set({ lowered_at: now.toISOString(), lowered_by: userId })
      .where('id', '=', up.id)
      .execute();
    const { hand, seq } = await appendHand(trx, eventId, up.id, now);
    return { result: hand, seq };
  });
}

/** The meeting a hand was raised in, or null for an unknown hand. */
export async function handEventId(
  ctx: Pick<RoomWriteContext, 'db'>,
  handId: string
): Promise<string | null> {
  const row = await ctx.db.kysely
    .selectFrom('hands')
    .select('event_id')
    .where('id', '=', handId)
    .executeTakeFirst();
  return row?.event_id ?? null;
}

/** A host lowers a hand (one already lowered is returned as it is). */
export async function lowerHand(
  ctx: RoomWriteContext,
  eventId: string,
  handId: string,
  hostId: string,
  now = new Date()
): Promise<RoomHand> {
  return roomWrite(ctx, eventId, async (trx) => {
    if (ctx.db.dialect === 'postgres') {
      await trx.selectFrom('hands').select('id').where('id', '=', handId).forUpdate().execute();
    }
    const row = await handQuery(trx)
      .where('h.id', '=', handId)
      .where('h.event_id', '=', eventId)
      .executeTakeFirst();
    if (!row) throw new RoomWriteError('notFound');
    if (row.lowered_at !== null) return { result: roomHandOf(row), seq: null };
    await trx
      .updateTable('hands')
      .set({ lowered_at: now.toISOString(), lowered_by: hostId })
      .where('id', '=', handId)
      .execute();
    const { hand, seq } = await appendHand(trx, eventId, handId, now);
    return { result: hand, seq };
  });
}
