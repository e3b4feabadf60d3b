// Test helper: a meeting to give feedback on, with a talk by a member and a topic on its agenda.
import { randomUUID } from 'node:crypto';
import { joinGroup } from '../../../services/membership.service.ts';
import { buildRoomFixture, type RoomFixture, type RoomPerson } from '../../../test/room-fixture.ts';
import type { TestApp } from '../../../test/test-app.ts';

export interface FeedbackFixture extends RoomFixture {
  /** An active member who gives the meeting's talk. */
  speaker: RoomPerson;
  talkId: string;
  /** The agenda items: the talk, a topic, and a break (not ratable). */
  talkItemId: string;
  topicItemId: string;
  breakItemId: string;
  /** Those who attended, in the order of the fixture: checkedIn, then going[0..] checked in. */
  attendees: RoomPerson[];
}

/**
 * A room fixture (`buildRoomFixture`) whose meeting has an agenda: a talk by `speaker`, a topic and
 * a break. By default it ended 30 minutes ago and `checkedIn`, `going[0]` and `going[1]` checked in
 * (so they attended, and `going[2..]` did not); `checkIns: false` leaves nobody checked in, so
 * those going attended.
 */
export async function buildFeedbackFixture(
  t: TestApp,
  options: {
    startsInMinutes?: number;
    checkIns?: boolean;
    going?: number;
    visibility?: 'public' | 'private' | 'hidden';
  } = {}
): Promise<FeedbackFixture> {
  const room = await buildRoomFixture(t, {
    going: options.going ?? 2,
    startsInMinutes: options.startsInMinutes ?? -120,
    visibility: options.visibility ?? 'public'
  });
  const k = t.testDb.db.kysely;
  const at = new Date().toISOString();
  const { id: speakerId } = await t.buildUser({ name: `Speaker of ${room.group.name}` });
  await joinGroup(t.testDb.db, room.group, speakerId, []);
  const speaker: RoomPerson = {
    id: speakerId,
    name: `Speaker of ${room.group.name}`,
    token: await t.buildToken(speakerId, 'write')
  };
  const speakerRow = randomUUID();
  await k
    .insertInto('speakers')
    .values({
      id: speakerRow,
      group_id: room.group.id,
      user_id: speakerId,
      name: speaker.name,
      company: null,
      contact: null,
      created_at: at,
      updated_at: at
    })
    .execute();
  const talkId = randomUUID();
  await k
    .insertInto('talks')
    .values({
      id: talkId,
      group_id: room.group.id,
      speaker_id: speakerRow,
      submitted_by: speakerId,
      title: 'Property testing',
      duration_minutes: 30,
      level: 'beginner',
      status: 'accepted',
      event_id: room.meeting.id,
      decision_note: null,
      decided_by: room.owner.id,
      decided_at: at,
      slides_url: null,
      recording_url: null,
      created_at: at,
      updated_at: at
    })
    .execute();
  const item = (position: number, kind: string, title: string, talk: string | null) => ({
    id: randomUUID(),
    event_id: room.meeting.id,
    position,
    kind,
    title,
    duration_minutes: 20,
    talk_id: talk,
    topic_id: null,
    moderator_id: null,
    round_id: null,
    created_at: at,
    updated_at: at
  });
  const rows = [
    item(0, 'talk', 'Property testing', talkId),
    item(1, 'break', 'Pizza', null),
    item(2, 'topic', 'Flaky tests', null)
  ];
  await k.insertInto('agenda_items').values(rows).execute();
  const [talkRow, breakRow, topicRow] = rows as [
    (typeof rows)[0],
    (typeof rows)[0],
    (typeof rows)[0]
  ];

  let attendees: RoomPerson[];
  if (options.checkIns === false) {
    await k
      .updateTable('rsvps')
      .set({ checked_in_at: null })
      .where('event_id', '=', room.meeting.id)
      .execute();
    attendees = room.going;
  } else {
    const checked = room.going.slice(0, 2);
    if (checked.length > 0) {
      await k
        .updateTable('rsvps')
        .set({ checked_in_at: at })
        .where('event_id', '=', room.meeting.id)
        .where(
          'user_id',
          'in',
          checked.map((p) => p.id)
        )
        .execute();
    }
    attendees = [room.checkedIn, ...checked];
  }
  return {
    ...room,
    speaker,
    talkId,
    talkItemId: talkRow.id,
    topicItemId: topicRow.id,
    breakItemId: breakRow.id,
    attendees
  };
}
