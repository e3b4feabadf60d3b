import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  HandView,
  QuestionView,
  RoomKudos,
  RoomStatus
} from '../../../services/room/room-event-types.ts';
import { buildRoomFixture, type RoomFixture, type RoomPerson } from '../../../test/room-fixture.ts';
import { SseReader } from '../../../test/sse-reader.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { asPerson } from '../../../test/room-client.ts';

// The room's writes reach open streams live, in order, each as its viewer may see it: what the
// API changes arrives over SSE (not only in a later GET).
describeWithApp('the live room over its stream', (app) => {
  let t: TestApp;
  let as: ReturnType<typeof asPerson>;
  let base: string;
  const controllers: AbortController[] = [];

  beforeAll(async () => {
    t = app();
    as = asPerson(t);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    for (const c of controllers) c.abort();
    await t.app.close();
  });

  async function watch(room: RoomFixture, who: RoomPerson): Promise<SseReader> {
    const controller = new AbortController();
    controllers.push(controller);
    const res = await fetch(`${base}/api/v1/events/${room.meeting.id}/room/stream`, {
      headers: { authorization: `Bearer ${who.token}` },
      signal: controller.signal
    });
    expect(res.status).toBe(200);
    const reader = new SseReader(res);
    await reader.next(5000, 'snapshot');
    return reader;
  }

  async function ok(res: Promise<{ statusCode: number; body: string }>, status = 200) {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
  }

  it('a host sees a question arrive, then its count change with every upvote, in order', async () => {
    const room = await buildRoomFixture(t, { going: 3 });
    const [alice, bob, carol] = room.going as [RoomPerson, RoomPerson, RoomPerson];
    const host = await watch(room, room.host);
    const asked = await as(alice, 'POST', `/events/${room.meeting.id}/questions`, {
      body: 'What is next?'
    });
    const id = asked.json<QuestionView>().id;
    const first = await host.nextJson<QuestionView>();
    expect(first).toMatchObject({
      event: 'question',
      data: { id, upvotes: 0, status: 'open', author: { id: alice.id } }
    });
    await ok(as(bob, 'POST', `/questions/${id}/upvote`));
    await ok(as(carol, 'POST', `/questions/${id}/upvote`));
    await ok(as(bob, 'DELETE', `/questions/${id}/upvote`));
    const counts: number[] = [];
    const seqs: number[] = [Number(first.id)];
    for (let i = 0; i < 3; i += 1) {
      const e = await host.nextJson<QuestionView>();
      expect(e).toMatchObject({ event: 'question', data: { id } });
      counts.push(e.data.upvotes);
      seqs.push(Number(e.id));
    }
    expect(counts).toEqual([1, 2, 1]);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // An upvote that changes nothing sends nothing.
    await ok(as(carol, 'POST', `/questions/${id}/upvote`));
    expect(await host.drain(300)).toEqual([]);
  });

  it('a member sees a hidden question go (question-removed) while the host sees it hidden', async () => {
    const room = await buildRoomFixture(t);
    const [alice, bob] = room.going as [RoomPerson, RoomPerson];
    const [host, member] = await Promise.all([watch(room, room.host), watch(room, bob)]);
    const asked = await as(alice, 'POST', `/events/${room.meeting.id}/questions`, {
      body: 'Off topic'
    });
    const id = asked.json<QuestionView>().id;
    expect(await member.nextJson()).toMatchObject({ event: 'question', data: { id } });
    expect(await host.nextJson()).toMatchObject({ event: 'question', data: { id } });
    await ok(as(room.host, 'POST', `/questions/${id}/hide`));
    const removed = await member.nextJson<{ id: string }>();
    expect(removed.event).toBe('question-removed');
    expect(removed.data).toEqual({ id });
    expect(await host.nextJson()).toMatchObject({
      event: 'question',
      data: { id, status: 'hidden' }
    });
    // Reopened, it comes back to the member.
    await ok(as(room.host, 'POST', `/questions/${id}/reopen`));
    expect(await member.nextJson()).toMatchObject({
      event: 'question',
      data: { id, status: 'open' }
    });
  });

  it('hands reach their owner and hosts only; kudos and the room’s status reach everyone', async () => {
    const room = await buildRoomFixture(t);
    const [alice, bob] = room.going as [RoomPerson, RoomPerson];
    const [host, asAlice, asBob] = await Promise.all([
      watch(room, room.host),
      watch(room, alice),
      watch(room, bob)
    ]);
    await ok(as(alice, 'POST', `/events/${room.meeting.id}/hands`), 201);
    const raised = await host.nextJson<HandView>();
    expect(raised).toMatchObject({ event: 'hand', data: { userId: alice.id, mine: false } });
    expect(await asAlice.nextJson()).toMatchObject({ event: 'hand', data: { mine: true } });
    await ok(as(room.host, 'POST', `/hands/${raised.data.id}/lower`));
    expect(await host.nextJson()).toMatchObject({
      event: 'hand',
      data: { loweredBy: room.host.id }
    });
    expect(await asAlice.nextJson()).toMatchObject({
      event: 'hand',
      data: { loweredBy: room.host.id, mine: true }
    });
    await ok(
      as(alice, 'POST', `/events/${room.meeting.id}/kudos`, { toUserId: bob.id, message: 'Ta' }),
      201
    );
    // Bob's first event is the kudos: he got no hand events.
    expect(await asBob.nextJson<RoomKudos>()).toMatchObject({
      event: 'kudos',
      data: { toUserId: bob.id, message: 'Ta' }
    });
    await ok(as(room.host, 'POST', `/events/${room.meeting.id}/room/close`));
    expect(await asBob.nextJson<RoomStatus>()).toMatchObject({
      event: 'room',
      data: { closedBy: room.host.id }
    });
  });
});
