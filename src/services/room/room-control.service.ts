// Hosts open a meeting's room early and close it (the room also opens at the meeting's start and
// closes at its end by itself). Each appends the room's status to its log.
import type { Meeting } from '../event.service.ts';
import type { RoomStatus } from './room-event-types.ts';
import { roomStateOf } from './room-access.ts';
import { appendRoomEvent, findRoomStatus } from './room-log.service.ts';
import { lockRoom, roomWrite, type RoomWriteContext, RoomWriteError } from './room-write.ts';

/**
 * Opens (`open`) or closes the room of a published meeting (`roomNotPublished` otherwise) as
 * `hostId`. A room already in the asked state is left as it is and nothing is appended; a closed
 * room may be opened again.
 */
export async function setRoomOpen(
  ctx: RoomWriteContext,
  meeting: Pick<Meeting, 'id' | 'startsAt' | 'endsAt' | 'status'>,
  hostId: string,
  open: boolean,
  now = new Date()
): Promise<RoomStatus> {
  return roomWrite(ctx, meeting.id, async (trx) => {
    if (meeting.status !== 'published') throw new RoomWriteError('roomNotPublished');
    await lockRoom(trx, ctx.db, meeting.id);
    const before = await findRoomStatus(trx, meeting.id);
    const state = roomStateOf(meeting, before, now);
    if ((state === 'open') === open) return { result: before, seq: null };
    const at = now.toISOString();
    await trx
      .updateTable('meeting_rooms')
      .set(open ? { opened_at: at, opened_by: hostId } : { closed_at: at, closed_by: hostId })
      .where('event_id', '=', meeting.id)
      .execute();
    const room = await findRoomStatus(trx, meeting.id);
    const seq = await appendRoomEvent(trx, meeting.id, { kind: 'room', room }, now);
    return { result: room, seq };
  });
}
