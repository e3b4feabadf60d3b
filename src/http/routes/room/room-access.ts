// What every room route shares: loading the meeting with the caller's standing in its room.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import type { RoomState } from '../../../domain/room.ts';
import { roomAccessOf, type RoomAccess, roomStateOf } from '../../../services/room/room-access.ts';
import { findRoomStatus } from '../../../services/room/room-log.service.ts';
import { type MeetingAccess, requireMeetingAccess } from '../events/event-access.ts';
import { Problem } from '../../problem.ts';

/** What a room route needs: `read` (see it), `join` (take part; the room must be open), `host`. */
export type RoomNeed = 'read' | 'join' | 'host';

export interface RoomRequest extends MeetingAccess {
  access: RoomAccess;
  /** The room's state now (waiting, open, ended). */
  state: RoomState;
}

/**
 * Loads the meeting named in the URL and the caller's standing in its room, and checks `need`.
 * Reading is for everyone who may read the meeting (404 otherwise). Taking part needs an active
 * member who is going or checked in (403; 401 for nobody) and an open room (409 `roomNotOpen`);
 * hosting needs `room.host` (403).
 */
export async function requireRoom(
  db: Db,
  request: FastifyRequest,
  eventId: string,
  need: RoomNeed
): Promise<RoomRequest> {
  const meeting = await requireMeetingAccess(db, request, eventId, 'event.read');
  const access = await roomAccessOf(db, meeting.meeting, meeting.group, meeting.viewer);
  const state = roomStateOf(meeting.meeting, await findRoomStatus(db, eventId));
  if (need === 'read') return { ...meeting, access, state };
  const allowed = need === 'host' ? access.canHost : access.canJoin;
  if (!allowed) throw new Problem(meeting.viewer.userId ? 'forbidden' : 'unauthorized');
  if (need === 'join' && state !== 'open') throw new Problem('conflict', { detail: 'roomNotOpen' });
  return { ...meeting, access, state };
}
