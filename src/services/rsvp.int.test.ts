import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../test/factories.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../test/test-database.ts';
import { RecordingQueue } from '../test/test-app.ts';
import { createMeeting, findMeeting, MeetingError, updateMeeting } from './event.service.ts';
import { createGroup } from './group.service.ts';
import { checkIn, respond, RsvpError } from './rsvp.service.ts';

// A model of seats and the waitlist, written as plainly as possible, and random sequences of
// answers, guest changes and capacity changes run against both it and the real service. After
// every step the database must hold exactly what the model says, and the invariants must hold:
// seats taken never exceed capacity, nobody appears twice, promotion is first come, first served.

const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
const GUEST_LIMIT = 2;

interface Model {
  capacity: number | null;
  going: Map<string, number>; // user → guests
  waitlist: { user: string; guests: number }[]; // in line order
}

function taken(m: Model): number {
  let seats = 0;
  for (const guests of m.going.values()) seats += 1 + guests;
  return seats;
}

function promoteModel(m: Model): string[] {
  const moved: string[] = [];
  while (m.waitlist.length > 0) {
    const head = m.waitlist[0];
    if (!head || (m.capacity !== null && taken(m) + 1 + head.guests > m.capacity)) break;
    m.waitlist.shift();
    m.going.set(head.user, head.guests);
    moved.push(head.user);
  }
  return moved;
}

type Step =
  | { kind: 'going'; user: string; guests: number }
  | { kind: 'notGoing'; user: string }
  | { kind: 'capacity'; capacity: number | null };

/** What the model says one step does: the expected refusal, or null after applying it. */
function applyModel(m: Model, step: Step): string | null {
  if (step.kind === 'going') {
    const current = m.going.get(step.user);
    if (current !== undefined) {
      if (step.guests > current) {
        const fits =
          m.waitlist.length === 0 &&
          (m.capacity === null || taken(m) + step.guests - current <= m.capacity);
        if (!fits) return 'full';
      }
      m.going.set(step.user, step.guests);
    } else {
      const waiting = m.waitlist.find((w) => w.user === step.user);
      if (waiting) {
        waiting.guests = step.guests;
      } else if (
        m.waitlist.length === 0 &&
        (m.capacity === null || taken(m) + 1 + step.guests <= m.capacity)
      ) {
        m.going.set(step.user, step.guests);
      } else {
        m.waitlist.push({ user: step.user, guests: step.guests });
      }
    }
  } else if (step.kind === 'notGoing') {
    m.going.delete(step.user);
    m.waitlist = m.waitlist.filter((w) => w.user !== step.user);
  } else {
    if (step.capacity !== null && step.capacity < taken(m)) return 'capacityBelowTaken';
    m.capacity = step.capacity;
  }
  promoteModel(m);
  return null;
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('going' as const),
      user: fc.constantFrom(...USERS),
      guests: fc.integer({ min: 0, max: GUEST_LIMIT })
    })
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('notGoing' as const),
      user: fc.constantFrom(...USERS)
    })
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('capacity' as const),
      capacity: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null })
    })
  }
);

describe.each(testDialects())('RSVP and waitlist on %s', (dialect) => {
  let t: TestDatabase;
  let groupId: string;
  const queue = new RecordingQueue();

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    for (const id of ['owner', ...USERS]) await insertUser(t.db, id);
    const group = await createGroup(t.db, 'owner', {
      slug: 'seats',
      name: 'Seats',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    groupId = group.id;
  });

  afterAll(async () => {
    await t.dispose();
  });

  async function newMeeting(capacity: number | null) {
    const start = new Date(Date.now() + 7 * 24 * 3600_000);
    return createMeeting(t.db, queue, groupId, 'owner', {
      title: 'Meetup',
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * 3600_000),
      timeZone: 'Europe/Berlin',
      capacity,
      guestLimit: GUEST_LIMIT,
      publish: true
    });
  }

  async function actual(eventId: string) {
    const rows = await t.db.kysely
      .selectFrom('rsvps')
      .select(['user_id', 'status', 'guests', 'queue_no'])
      .where('event_id', '=', eventId)
      .execute();
    const meeting = await findMeeting(t.db, eventId);
    if (!meeting) throw new Error('meeting gone');
    return {
      meeting,
      going: new Map(rows.filter((r) => r.status === 'going').map((r) => [r.user_id, r.guests])),
      waitlist: rows
        .filter((r) => r.status === 'waitlisted')
        .sort((a, b) => Number(a.queue_no) - Number(b.queue_no))
        .map((r) => ({ user: r.user_id, guests: r.guests })),
      users: rows.map((r) => r.user_id)
    };
  }

  it('matches the model after every step of random answer sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
        fc.array(stepArb, { minLength: 1, maxLength: 25 }),
        async (capacity, steps) => {
          const meeting = await newMeeting(capacity);
          const model: Model = { capacity, going: new Map(), waitlist: [] };
          for (const step of steps) {
            const expected = applyModel(model, step);
            let refusal: string | null = null;
            try {
              if (step.kind === 'going') {
                await respond(t.db, queue, meeting.id, step.user, {
                  going: true,
                  guests: step.guests
                });
              } else if (step.kind === 'notGoing') {
                await respond(t.db, queue, meeting.id, step.user, { going: false, guests: 0 });
              } else {
                const current = await findMeeting(t.db, meeting.id);
                if (!current) throw new Error('meeting gone');
                await updateMeeting(t.db, queue, current, { capacity: step.capacity });
              }
            } catch (error) {
              if (error instanceof RsvpError || error instanceof MeetingError) {
                refusal = error.problem;
              } else {
                throw error;
              }
            }
            expect(refusal).toBe(expected);
            const got = await actual(meeting.id);
            expect(got.going).toEqual(model.going);
            expect(got.waitlist).toEqual(model.waitlist);
            expect(new Set(got.users).size).toBe(got.users.length);
            expect(got.meeting.goingSeats).toBe(taken(model));
            expect(got.meeting.waitlistCount).toBe(model.waitlist.length);
            if (got.meeting.capacity !== null) {
              expect(got.meeting.goingSeats).toBeLessThanOrEqual(got.meeting.capacity);
            }
          }
        }
      ),
      { numRuns: 25 }
    );
  });

  it('tells exactly the promoted people, in line order', async () => {
    const meeting = await newMeeting(2);
    await respond(t.db, queue, meeting.id, 'u0', { going: true, guests: 1 });
    await respond(t.db, queue, meeting.id, 'u1', { going: true, guests: 0 });
    await respond(t.db, queue, meeting.id, 'u2', { going: true, guests: 0 });
    queue.clear();
    await respond(t.db, queue, meeting.id, 'u0', { going: false, guests: 0 });
    expect(queue.payloads('meeting-mail')).toEqual([
      { kind: 'promoted', eventId: meeting.id, userIds: ['u1', 'u2'] }
    ]);
  });

  it('refuses answers outside the RSVP window and more guests than allowed', async () => {
    const meeting = await newMeeting(null);
    await expect(
      respond(t.db, queue, meeting.id, 'u0', { going: true, guests: GUEST_LIMIT + 1 })
    ).rejects.toMatchObject({ problem: 'tooManyGuests' });
    await expect(
      respond(t.db, queue, meeting.id, 'u0', { going: true, guests: 0 }, meeting.startsAt)
    ).rejects.toMatchObject({ problem: 'closed' });
    const current = await findMeeting(t.db, meeting.id);
    if (!current) throw new Error('meeting gone');
    const opensLater = await updateMeeting(t.db, queue, current, {
      rsvpOpensAt: new Date(Date.now() + 3600_000)
    });
    await expect(
      respond(t.db, queue, opensLater.id, 'u0', { going: true, guests: 0 })
    ).rejects.toMatchObject({ problem: 'notOpenYet' });
    expect(await actual(meeting.id)).toMatchObject({ users: [] });
  });

  it('checks in people going by their code, once', async () => {
    const meeting = await newMeeting(1);
    const mine = await respond(t.db, queue, meeting.id, 'u3', { going: true, guests: 0 });
    await respond(t.db, queue, meeting.id, 'u4', { going: true, guests: 0 });
    const first = await checkIn(t.db, meeting.id, { code: mine.checkInCode.toLowerCase() });
    expect(first.checkedInAt).toBeInstanceOf(Date);
    const again = await checkIn(t.db, meeting.id, { userId: 'u3' });
    expect(again.checkedInAt).toEqual(first.checkedInAt);
    await expect(checkIn(t.db, meeting.id, { userId: 'u4' })).rejects.toMatchObject({
      problem: 'notGoing'
    });
    await expect(checkIn(t.db, meeting.id, { code: 'NOPE2345' })).rejects.toMatchObject({
      problem: 'notFound'
    });
  });
});
