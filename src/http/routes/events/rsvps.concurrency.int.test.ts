import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMeeting } from '../../../services/event.service.ts';
import { createGroup, type Group } from '../../../services/group.service.ts';
import { joinGroup } from '../../../services/membership.service.ts';
import { createToken } from '../../../services/token.service.ts';
import { insertUser } from '../../../test/factories.ts';
import { describeWithApp } from '../../../test/test-app.ts';

// Many people answer at the same moment, over real HTTP: seats are never overbooked, nobody gets
// two answers, and nobody gets an error. The server serializes RSVPs per meeting in the database
// (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on PostgreSQL), not with an in-process lock.

const PEOPLE = 200;
const SEATS = 10;

describeWithApp('RSVPs under concurrency', (app) => {
  let base: string;
  let group: Group;
  const tokens: string[] = [];

  beforeAll(async () => {
    const t = app();
    const db = t.testDb.db;
    await insertUser(db, 'organizer');
    group = await createGroup(db, 'organizer', {
      slug: 'crowd',
      name: 'Crowd',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    for (let i = 0; i < PEOPLE; i++) {
      const id = await insertUser(db, `person-${i}`);
      await joinGroup(db, group, id, []);
      tokens.push((await createToken(db, id, { name: 'load', scope: 'write' })).secret);
    }
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    await app().app.close();
  });

  async function meeting(capacity: number) {
    const start = new Date(Date.now() + 7 * 24 * 3600_000);
    return createMeeting(app().testDb.db, app().queue, group.id, 'organizer', {
      title: 'Popular talk',
      startsAt: start,
      endsAt: new Date(start.getTime() + 7200_000),
      timeZone: 'Europe/Berlin',
      capacity,
      publish: true
    });
  }

  const put = (eventId: string, token: string) =>
    fetch(`${base}/api/v1/events/${eventId}/rsvp`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'going' })
    });

  async function counts(eventId: string) {
    const rows = await app()
      .testDb.db.kysely.selectFrom('rsvps')
      .select(['status', 'user_id'])
      .where('event_id', '=', eventId)
      .execute();
    const event = await app()
      .testDb.db.kysely.selectFrom('events')
      .select(['going_seats', 'waitlist_count'])
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow();
    return {
      going: rows.filter((r) => r.status === 'going').length,
      waitlisted: rows.filter((r) => r.status === 'waitlisted').length,
      people: new Set(rows.map((r) => r.user_id)).size,
      rows: rows.length,
      seats: event.going_seats,
      waiting: event.waitlist_count
    };
  }

  it(`${PEOPLE} people at once for ${SEATS} seats: exactly ${SEATS} going, the rest waitlisted, no errors`, async () => {
    const { id } = await meeting(SEATS);
    const responses = await Promise.all(tokens.map((token) => put(id, token)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      myRsvp: { status: string; waitlistPosition: number | null };
    }[];
    expect(bodies.filter((b) => b.myRsvp.status === 'going').length).toBe(SEATS);
    // Every waitlist position handed out exactly once, 1 … 190.
    const positions = bodies
      .map((b) => b.myRsvp.waitlistPosition)
      .filter((p): p is number => p !== null)
      .sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: PEOPLE - SEATS }, (_, i) => i + 1));
    expect(await counts(id)).toEqual({
      going: SEATS,
      waitlisted: PEOPLE - SEATS,
      people: PEOPLE,
      rows: PEOPLE,
      seats: SEATS,
      waiting: PEOPLE - SEATS
    });
  }, 120_000);

  it('20 answers at once from one person make exactly one RSVP', async () => {
    const { id } = await meeting(5);
    const token = tokens[0] ?? '';
    const responses = await Promise.all(Array.from({ length: 20 }, () => put(id, token)));
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(await counts(id)).toEqual({
      going: 1,
      waitlisted: 0,
      people: 1,
      rows: 1,
      seats: 1,
      waiting: 0
    });
  }, 60_000);
});
