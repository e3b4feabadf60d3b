// The Room document (`GET /events/:id/room`, and the answer of a host opening or closing it).
import type { Db } from '../../../db/database.ts';
import type { Meeting } from '../../../services/event.service.ts';
import { type RoomAccess, roomStateOf } from '../../../services/room/room-access.ts';
import type { RoomHubs } from '../../../services/room/room-hub.ts';

/** The caller's upvotes and answered meeting polls in a room (the Room document's `my`). */
async function myMarks(db: Db, eventId: string, userId: string | null) {
  if (userId === null) return { upvoted: [], answeredPolls: [] };
  const [upvoted, answered] = await Promise.all([
    db.kysely
      .selectFrom('question_votes')
      .innerJoin('questions', 'questions.id', 'question_votes.question_id')
      .select('question_votes.question_id as id')
      .where('questions.event_id', '=', eventId)
      .where('question_votes.user_id', '=', userId)
      .execute(),
    db.kysely
      .selectFrom('poll_ballots')
      .innerJoin('polls', 'polls.id', 'poll_ballots.poll_id')
      .select('poll_ballots.poll_id as id')
      .where('polls.event_id', '=', eventId)
      .where('poll_ballots.user_id', '=', userId)
      .execute()
  ]);
  return { upvoted: upvoted.map((r) => r.id), answeredPolls: answered.map((r) => r.id) };
}

/** The Room document as `GET /events/:id/room` answers it, for `access`. */
export async function roomDocument(db: Db, hubs: RoomHubs, meeting: Meeting, access: RoomAccess) {
  const view = await hubs.view(meeting.id, access.roomViewer);
  return {
    ...view,
    state: roomStateOf(meeting, view.room),
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    timeZone: meeting.timeZone,
    viewer: { canJoin: access.canJoin, canHost: access.canHost },
    my: await myMarks(db, meeting.id, access.roomViewer.userId)
  };
}
