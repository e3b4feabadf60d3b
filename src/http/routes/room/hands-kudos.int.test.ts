import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOM_LIMITS } from '../../../domain/room.ts';
import type { HandView, RoomKudos, RoomView } from '../../../services/room/room-event-types.ts';
import { buildRoomFixture, type RoomFixture, type RoomPerson } from '../../../test/room-fixture.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import {
  apiText,
  asPerson,
  expectConflict,
  fieldErrorsOf,
  roomLog,
  tick
} from '../../../test/room-client.ts';

// Raised hands (one per member, lowered by its owner or a host, the queue only for hosts) and
// kudos (to a member or a speaker of the group, never to oneself).
describeWithApp('room hands and kudos', (app) => {
  let t: TestApp;
  let as: ReturnType<typeof asPerson>;

  beforeAll(() => {
    t = app();
    as = asPerson(t);
  });

  const two = (room: RoomFixture): [RoomPerson, RoomPerson] => {
    const [alice, bob] = room.going;
    if (!alice || !bob) throw new Error('fixture');
    return [alice, bob];
  };
  const hands = async (room: RoomFixture, who: RoomPerson | null) => {
    const res = await as(who, 'GET', `/events/${room.meeting.id}/room`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<RoomView>().hands;
  };
  const raise = async (room: RoomFixture, who: RoomPerson) => {
    await tick();
    return as(who, 'POST', `/events/${room.meeting.id}/hands`);
  };
  const storedHands = (eventId: string) =>
    t.testDb.db.kysely
      .selectFrom('hands')
      .select(['user_id', 'lowered_at', 'lowered_by'])
      .where('event_id', '=', eventId)
      .execute();

  describe('hands', () => {
    it('are raised once (raising again answers the same hand) and lowered by their owner', async () => {
      const room = await buildRoomFixture(t);
      const [alice] = two(room);
      const first = await raise(room, alice);
      expect(first.statusCode, first.body).toBe(201);
      const hand = first.json<HandView>();
      expect(hand).toMatchObject({
        userId: alice.id,
        userName: alice.name,
        loweredAt: null,
        loweredBy: null,
        mine: true
      });
      const again = await raise(room, alice);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(hand);
      expect(await storedHands(room.meeting.id)).toHaveLength(1);
      expect(await roomLog(t, room.meeting.id)).toHaveLength(1);

      const lowered = await as(alice, 'DELETE', `/events/${room.meeting.id}/hands/mine`);
      expect(lowered.statusCode, lowered.body).toBe(204);
      expect(await storedHands(room.meeting.id)).toEqual([
        expect.objectContaining({ lowered_by: alice.id, lowered_at: expect.anything() })
      ]);
      expect(await hands(room, alice)).toEqual([]);
      // Lowering again is fine and changes nothing.
      expect((await as(alice, 'DELETE', `/events/${room.meeting.id}/hands/mine`)).statusCode).toBe(
        204
      );
      expect(await roomLog(t, room.meeting.id)).toHaveLength(2);
      // A new hand after lowering the last one.
      const next = await raise(room, alice);
      expect(next.statusCode).toBe(201);
      expect(next.json<HandView>().id).not.toBe(hand.id);
    });

    it('queue in the order raised for hosts; members see only their own', async () => {
      const room = await buildRoomFixture(t, { going: 3 });
      const [alice, bob] = two(room);
      const carol = room.going[2] as RoomPerson;
      const ids: string[] = [];
      for (const who of [bob, carol, alice]) ids.push((await raise(room, who)).json<HandView>().id);
      expect((await hands(room, room.host)).map((h) => [h.id, h.mine])).toEqual([
        [ids[0], false],
        [ids[1], false],
        [ids[2], false]
      ]);
      expect((await hands(room, alice)).map((h) => [h.id, h.mine])).toEqual([[ids[2], true]]);
      expect(await hands(room, room.notGoing)).toEqual([]);
      expect(await hands(room, null)).toEqual([]);

      // A host lowers the first; members may not lower someone else's.
      expect((await as(alice, 'POST', `/hands/${ids[0]}/lower`)).statusCode).toBe(403);
      const lowered = await as(room.host, 'POST', `/hands/${ids[0]}/lower`);
      expect(lowered.statusCode, lowered.body).toBe(200);
      expect(lowered.json()).toMatchObject({
        id: ids[0],
        loweredBy: room.host.id,
        loweredAt: expect.any(String),
        mine: false
      });
      expect((await hands(room, room.host)).map((h) => h.id)).toEqual([ids[1], ids[2]]);
      expect(await hands(room, bob)).toEqual([]);
      expect((await as(room.host, 'POST', '/hands/no-such-hand/lower')).statusCode).toBe(404);
    });

    it('need someone who takes part, and an open room to raise (not to lower)', async () => {
      const room = await buildRoomFixture(t, { startsInMinutes: 60 });
      const [alice] = two(room);
      expectConflict(await raise(room, alice), 'roomNotOpen');
      expect((await raise(room, room.notGoing)).statusCode).toBe(403);
      expect((await as(null, 'POST', `/events/${room.meeting.id}/hands`)).statusCode).toBe(401);
      expect(
        (await as(room.notGoing, 'DELETE', `/events/${room.meeting.id}/hands/mine`)).statusCode
      ).toBe(403);
      await as(room.host, 'POST', `/events/${room.meeting.id}/room/open`);
      expect((await raise(room, alice)).statusCode).toBe(201);
      await as(room.host, 'POST', `/events/${room.meeting.id}/room/close`);
      expect((await as(alice, 'DELETE', `/events/${room.meeting.id}/hands/mine`)).statusCode).toBe(
        204
      );
      expect(await storedHands(room.meeting.id)).toEqual([
        expect.objectContaining({ lowered_by: alice.id })
      ]);
    });
  });

  describe('kudos', () => {
    async function speaker(room: RoomFixture, userId: string | null, name: string) {
      const id = randomUUID();
      const at = new Date().toISOString();
      await t.testDb.db.kysely
        .insertInto('speakers')
        .values({
          id,
          group_id: room.group.id,
          user_id: userId,
          name,
          created_at: at,
          updated_at: at
        })
        .execute();
      return id;
    }
    const give = async (room: RoomFixture, who: RoomPerson, body: unknown) => {
      await tick();
      return as(who, 'POST', `/events/${room.meeting.id}/kudos`, body);
    };
    const stored = (room: RoomFixture) =>
      t.testDb.db.kysely
        .selectFrom('kudos')
        .selectAll()
        .where('event_id', '=', room.meeting.id)
        .execute();

    it('go to a member or a speaker of the group, newest first', async () => {
      const room = await buildRoomFixture(t);
      const [alice, bob] = two(room);
      const toMember = await give(room, alice, { toUserId: bob.id, message: ' Great demo! ' });
      expect(toMember.statusCode, toMember.body).toBe(201);
      expect(toMember.json()).toMatchObject({
        fromId: alice.id,
        fromName: alice.name,
        toUserId: bob.id,
        toSpeakerId: null,
        toName: bob.name,
        message: 'Great demo!'
      });
      const guest = await speaker(room, null, 'Grace Guest');
      const toSpeaker = await give(room, bob, { toSpeakerId: guest, message: 'Thanks!' });
      expect(toSpeaker.statusCode, toSpeaker.body).toBe(201);
      expect(toSpeaker.json()).toMatchObject({
        toUserId: null,
        toSpeakerId: guest,
        toName: 'Grace Guest'
      });
      const rows = await stored(room);
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.group_id === room.group.id)).toBe(true);
      const listed = await as(null, 'GET', `/events/${room.meeting.id}/kudos`);
      expect(listed.statusCode).toBe(200);
      expect(listed.json<{ items: RoomKudos[] }>().items.map((k) => k.message)).toEqual([
        'Thanks!',
        'Great demo!'
      ]);
      expect((await roomLog(t, room.meeting.id)).map((e) => e.kind)).toEqual(['kudos', 'kudos']);
    });

    it('refuse oneself, unknown recipients, and both or neither recipient, storing nothing', async () => {
      const room = await buildRoomFixture(t);
      const [alice, bob] = two(room);
      const own = await speaker(room, alice.id, alice.name);
      const other = await buildRoomFixture(t);
      const foreign = await speaker(other, null, 'Elsewhere');
      const text = (key: string) => apiText(`validation.${key}`);
      const cases: [unknown, string][] = [
        [{ toUserId: alice.id, message: 'Me!' }, `toUserId: ${text('kudosSelf')}`],
        [{ toSpeakerId: own, message: 'Me!' }, `toSpeakerId: ${text('kudosSelf')}`],
        [
          { toUserId: room.outsider.id, message: 'Hi' },
          `toUserId: ${text('kudosUnknownRecipient')}`
        ],
        [{ toUserId: 'nobody', message: 'Hi' }, `toUserId: ${text('kudosUnknownRecipient')}`],
        [{ toSpeakerId: foreign, message: 'Hi' }, `toSpeakerId: ${text('kudosUnknownRecipient')}`],
        [
          { toUserId: bob.id, toSpeakerId: own, message: 'Both' },
          `toSpeakerId: ${text('kudosOneRecipient')}`
        ],
        [{ message: 'Neither' }, `toUserId: ${text('kudosOneRecipient')}`],
        [{ toUserId: bob.id }, `message: ${text('required')}`],
        [{ toUserId: bob.id, message: '  ' }, `message: ${text('notEmpty')}`],
        [
          { toUserId: bob.id, message: 'x'.repeat(ROOM_LIMITS.kudos.max + 1) },
          `message: ${apiText('validation.tooLongString', { maximum: ROOM_LIMITS.kudos.max })}`
        ]
      ];
      for (const [body, error] of cases) {
        expect(fieldErrorsOf(await give(room, alice, body)), JSON.stringify(body)).toEqual([error]);
      }
      expect(await stored(room)).toEqual([]);
      expect(await roomLog(t, room.meeting.id)).toEqual([]);
      // Bob may thank Alice as a speaker.
      expect((await give(room, bob, { toSpeakerId: own, message: 'Well done' })).statusCode).toBe(
        201
      );
    });

    it('need someone who takes part and an open room', async () => {
      const room = await buildRoomFixture(t, { startsInMinutes: 60 });
      const [alice, bob] = two(room);
      const body = { toUserId: bob.id, message: 'Thanks' };
      expectConflict(await give(room, alice, body), 'roomNotOpen');
      expect((await give(room, room.notGoing, body)).statusCode).toBe(403);
      expect((await give(room, room.outsider, body)).statusCode).toBe(403);
      expect(await stored(room)).toEqual([]);
    });
  });
});
