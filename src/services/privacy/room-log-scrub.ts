// A meeting room's event log carries whole things — a question with its author's name, a raised
// hand with the name of who raised it, kudos with both names — so deleting an account rewrites
// the entries that name it. Entries are rewritten in place: a client replaying the log later sees
// them as they are now, never the name.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { RoomEvent } from '../room/room-event-types.ts';

/** What becomes of a deleted person's entries: kept without their name, or taken out. */
export type ContentChoice = 'anonymize' | 'remove';

/**
 * The entry without `userId` in it, or null when it goes altogether: their raised hands, kudos to
 * them or to `speakerIds` (their speaker profiles being deleted), and — with `remove` — their kudos
 * to others. With `remove` their questions stay as hidden, empty entries, so upvote counts and
 * order of the others' questions are unchanged.
 */
export function scrubRoomEvent(
  event: RoomEvent,
  userId: string,
  content: ContentChoice,
  removedSpeakerIds: ReadonlySet<string>
): RoomEvent | null {
  switch (event.kind) {
    case 'question': {
      const q = event.question;
      if (q.authorId !== userId) return event;
      const question = { ...q, authorId: null, authorName: null };
      return {
        kind: 'question',
        question: content === 'remove' ? { ...question, body: '', status: 'hidden' } : question
      };
    }
    case 'hand': {
      const h = event.hand;
      if (h.userId === userId) return null;
      return h.loweredBy === userId ? { kind: 'hand', hand: { ...h, loweredBy: null } } : event;
    }
    case 'kudos': {
      const k = event.kudos;
      if (k.toUserId === userId) return null;
      if (k.toSpeakerId !== null && removedSpeakerIds.has(k.toSpeakerId)) return null;
      if (k.fromId !== userId) return event;
      if (content === 'remove') return null;
      return { kind: 'kudos', kudos: { ...k, fromId: null, fromName: null } };
    }
    case 'room': {
      const r = event.room;
      return {
        kind: 'room',
        room: {
          ...r,
          openedBy: r.openedBy === userId ? null : r.openedBy,
          closedBy: r.closedBy === userId ? null : r.closedBy
        }
      };
    }
    case 'poll':
    case 'poll-removed':
      return event;
  }
}

/**
 * Rewrites every room log entry that names `userId` (or kudos to a speaker profile of theirs,
 * `speakerIds`), inside the caller's transaction. Anonymized kudos to a speaker profile that stays
 * lose the name too (`speakerIds` kept: `toName` is blanked).
 */
export async function scrubRoomLogs(
  trx: Kysely<Database>,
  userId: string,
  content: ContentChoice,
  speakers: { removed: ReadonlySet<string>; kept: ReadonlySet<string> }
): Promise<void> {
  const needles = [userId, ...speakers.removed, ...speakers.kept];
  const rows = await trx
    .selectFrom('room_events')
    .select(['event_id', 'seq', 'kind', 'payload'])
    .where((eb) => eb.or(needles.map((id) => eb('payload', 'like', `%${id}%`))))
    .execute();
  for (const row of rows) {
    const event = { kind: row.kind, ...JSON.parse(row.payload) } as RoomEvent;
    let scrubbed = scrubRoomEvent(event, userId, content, speakers.removed);
    if (
      scrubbed?.kind === 'kudos' &&
      scrubbed.kudos.toSpeakerId !== null &&
      speakers.kept.has(scrubbed.kudos.toSpeakerId)
    ) {
      scrubbed = { kind: 'kudos', kudos: { ...scrubbed.kudos, toName: '' } };
    }
    if (scrubbed === null) {
      await trx
        .deleteFrom('room_events')
        .where('event_id', '=', row.event_id)
        .where('seq', '=', row.seq)
        .execute();
      continue;
    }
    const { kind: _kind, ...rest } = scrubbed;
    const payload = JSON.stringify(rest);
    if (payload !== row.payload) {
      await trx
        .updateTable('room_events')
        .set({ payload })
        .where('event_id', '=', row.event_id)
        .where('seq', '=', row.seq)
        .execute();
    }
  }
}
