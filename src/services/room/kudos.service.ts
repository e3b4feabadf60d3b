// Kudos in a meeting's room: thanks to a member of the group or to one of its speakers, shown to
// everyone in the room. Every kudos appends itself to the room's log.
import { randomUUID } from 'node:crypto';
import type { Meeting } from '../event.service.ts';
import type { RoomKudos } from './room-event-types.ts';
import { appendRoomEvent } from './room-log.service.ts';
import {
  assertRoomOpen,
  lockRoom,
  roomWrite,
  type RoomWriteContext,
  RoomWriteError,
  userName
} from './room-write.ts';

/** Who kudos go to: exactly one of a member and a speaker. */
export type KudosRecipient = { toUserId: string } | { toSpeakerId: string };

/**
 * Gives kudos in an open room. A member recipient must be an active member of the meeting's group,
 * a speaker one of its speakers (`kudosUnknownRecipient` on the field named); nobody thanks
 * themselves, not even as a speaker (`kudosSelf`).
 */
export async function giveKudos(
  ctx: RoomWriteContext,
  meeting: Pick<Meeting, 'id' | 'groupId' | 'startsAt' | 'endsAt' | 'status'>,
  fromId: string,
  to: KudosRecipient,
  message: string,
  now = new Date()
): Promise<RoomKudos> {
  return roomWrite(ctx, meeting.id, async (trx) => {
    let toUserId: string | null = null;
    let toSpeakerId: string | null = null;
    let toName: string;
    if ('toUserId' in to) {
      if (to.toUserId === fromId) throw new RoomWriteError('kudosSelf', 'toUserId');
      const member = await trx
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['u.id', 'u.name'])
        .where('m.group_id', '=', meeting.groupId)
        .where('m.user_id', '=', to.toUserId)
        .where('m.status', '=', 'active')
        .executeTakeFirst();
      if (!member) throw new RoomWriteError('kudosUnknownRecipient', 'toUserId');
      toUserId = member.id;
      toName = member.name;
    } else {
      const speaker = await trx
        .selectFrom('speakers')
        .select(['id', 'name', 'user_id'])
        .where('group_id', '=', meeting.groupId)
        .where('id', '=', to.toSpeakerId)
        .executeTakeFirst();
      if (!speaker) throw new RoomWriteError('kudosUnknownRecipient', 'toSpeakerId');
      if (speaker.user_id === fromId) throw new RoomWriteError('kudosSelf', 'toSpeakerId');
      toSpeakerId = speaker.id;
      toName = speaker.name;
    }
    await lockRoom(trx, ctx.db, meeting.id);
    await assertRoomOpen(trx, meeting, now);
    const kudos: RoomKudos = {
      id: randomUUID(),
      fromId,
      fromName: await userName(trx, fromId),
      toUserId,
      toSpeakerId,
      toName,
      message,
      createdAt: now.toISOString()
    };
    await trx
      .insertInto('kudos')
      .values({
        id: kudos.id,
        group_id: meeting.groupId,
        event_id: meeting.id,
        from_user_id: fromId,
        to_user_id: toUserId,
        to_speaker_id: toSpeakerId,
        message,
        created_at: kudos.createdAt
      })
      .execute();
    const seq = await appendRoomEvent(trx, meeting.id, { kind: 'kudos', kudos }, now);
    return { result: kudos, seq };
  });
}
