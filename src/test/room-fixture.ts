import { randomUUID } from 'node:crypto';
import type { Role } from '../domain/group-policy.ts';
import { createMeeting, type Meeting } from '../services/event.service.ts';
import { createGroup, type Group } from '../services/group.service.ts';
import { joinGroup, setRole } from '../services/membership.service.ts';
import type { TestApp } from './test-app.ts';

const MINUTE = 60_000;

/** An account of a room fixture with a write token. */
export interface RoomPerson {
  id: string;
  name: string;
  token: string;
}

export interface RoomFixture {
  group: Group;
  meeting: Meeting;
  /** Owner of the group (runs the room). */
  owner: RoomPerson;
  /** A host of the group (runs the room). */
  host: RoomPerson;
  /** Members who are going. */
  going: RoomPerson[];
  /** A member who checked in without saying going beforehand. */
  checkedIn: RoomPerson;
  /** An active member who is not going (may read the room, not take part). */
  notGoing: RoomPerson;
  /** Someone who is not a member. */
  outsider: RoomPerson;
}

let counter = 0;

/**
 * A group with a meeting and the people of a live room. By default the meeting is running now
 * (started 10 minutes ago, ends in 80), so its room is open; pass `startsInMinutes` for another
 * time (positive: later; the meeting lasts 90 minutes).
 *
 * @example
 * const room = await buildRoomFixture(t, { going: 2 });
 * await t.request({ method: 'POST', url: `/api/v1/events/${room.meeting.id}/questions`, token: room.going[0].token, body: { body: 'Why?' } });
 */
export async function buildRoomFixture(
  t: TestApp,
  options: {
    going?: number;
    startsInMinutes?: number;
    visibility?: 'public' | 'private' | 'hidden';
    joinPolicy?: 'open' | 'approval' | 'invitation';
  } = {}
): Promise<RoomFixture> {
  counter += 1;
  const db = t.testDb.db;
  const person = async (name: string): Promise<RoomPerson> => {
    const { id } = await t.buildUser({ name });
    return { id, name, token: await t.buildToken(id, 'write') };
  };
  const tag = `${counter}-${randomUUID().slice(0, 6)}`;
  const owner = await person(`Owner ${tag}`);
  const group = await createGroup(db, owner.id, {
    slug: `room-${tag}`,
    name: `Room ${tag}`,
    kind: 'practice',
    timeZone: 'Europe/Berlin',
    visibility: options.visibility ?? 'public',
    joinPolicy: 'open'
  });
  const member = async (name: string, role: Role = 'member') => {
    const p = await person(`${name} ${tag}`);
    await joinGroup(db, group, p.id, []);
    if (role !== 'member') await setRole(db, group, owner.id, p.id, role);
    return p;
  };
  const host = await member('Host', 'host');
  const going: RoomPerson[] = [];
  for (let i = 0; i < (options.going ?? 2); i += 1) going.push(await member(`Going ${i + 1}`));
  const checkedIn = await member('Checked');
  const notGoing = await member('Absent');
  const outsider = await person(`Outsider ${tag}`);
  if (options.joinPolicy && options.joinPolicy !== 'open') {
    await db.kysely
      .updateTable('groups')
      .set({ join_policy: options.joinPolicy })
      .where('id', '=', group.id)
      .execute();
  }
  const startsAt = new Date(Date.now() + (options.startsInMinutes ?? -10) * MINUTE);
  const meeting = await createMeeting(db, t.queue, group.id, owner.id, {
    title: `Meeting ${tag}`,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 90 * MINUTE),
    timeZone: 'Europe/Berlin',
    publish: true
  });
  const at = new Date().toISOString();
  const rsvp = (userId: string, status: string, checkedInAt: string | null) => ({
    event_id: meeting.id,
    user_id: userId,
    status,
    check_in_code: randomUUID().slice(0, 8),
    checked_in_at: checkedInAt,
    created_at: at,
    updated_at: at
  });
  await db.kysely
    .insertInto('rsvps')
    .values([
      ...going.map((p) => rsvp(p.id, 'going', null)),
      rsvp(checkedIn.id, 'not_going', at),
      rsvp(notGoing.id, 'not_going', null)
    ])
    .execute();
  return { group, meeting, owner, host, going, checkedIn, notGoing, outsider };
}
