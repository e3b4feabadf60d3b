// Who may do what in a meeting's live room. The group policy says who may take part at all
// (`room.join`: active members; `room.host`: hosts and up); the meeting adds that those who take
// part are going or checked in, and that the room is open.
import type { Db } from '../../db/database.ts';
import { can, type Viewer } from '../../domain/group-policy.ts';
import { roomState, type RoomState } from '../../domain/room.ts';
import type { Meeting } from '../event.service.ts';
import type { Group } from '../group.service.ts';
import { findRsvp } from '../rsvp.service.ts';
import type { RoomStatus, RoomViewer } from './room-event-types.ts';

export interface RoomAccess {
  /** Takes part: asks, upvotes, raises a hand, gives kudos, answers live polls. */
  canJoin: boolean;
  /** Runs the room: opens and closes it, moderates questions, lowers hands, launches polls. */
  canHost: boolean;
  /** What the presenter may show them. */
  roomViewer: RoomViewer;
}

/**
 * The caller's standing in the room of `meeting` (read access to the meeting is checked before).
 * Members take part when they are going or checked in; hosts and up always, if they are members.
 */
export async function roomAccessOf(
  db: Db,
  meeting: Pick<Meeting, 'id'>,
  group: Group,
  viewer: Viewer
): Promise<RoomAccess> {
  const canHost = can(viewer, group, 'room.host');
  let canJoin = false;
  if (viewer.userId !== null && can(viewer, group, 'room.join')) {
    if (canHost) canJoin = true;
    else {
      const rsvp = await findRsvp(db, meeting.id, viewer.userId);
      canJoin = rsvp !== null && (rsvp.status === 'going' || rsvp.checkedInAt !== null);
    }
  }
  return { canJoin, canHost, roomViewer: { userId: viewer.userId, hosts: canHost } };
}

/** The room's state for a meeting and what hosts did to it (`status` from the room's fold). */
export function roomStateOf(
  meeting: Pick<Meeting, 'startsAt' | 'endsAt' | 'status'>,
  status: Pick<RoomStatus, 'openedAt' | 'closedAt'>,
  now = new Date()
): RoomState {
  if (meeting.status === 'cancelled') return 'ended';
  if (meeting.status === 'draft') return 'waiting';
  return roomState(
    {
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      openedAt: status.openedAt ? new Date(status.openedAt) : null,
      closedAt: status.closedAt ? new Date(status.closedAt) : null
    },
    now
  );
}
