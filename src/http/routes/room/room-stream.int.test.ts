import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeTransaction } from '../../../db/write-transaction.ts';
import type { RoomEvent, RoomView } from '../../../services/room/room-event-types.ts';
import { announceRoom, appendRoomEvent } from '../../../services/room/room-log.service.ts';
import { buildRoomFixture, type RoomFixture } from '../../../test/room-fixture.ts';
import { SseReader } from '../../../test/sse-reader.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

// The room stream over a real listening server: a snapshot first, live events with ids, a replay
// after a reconnect with Last-Event-ID that delivers every missed event exactly once (while other
// writers keep writing), and what each viewer may see.
describeWithApp('room event stream', (app) => {
  let t: TestApp;
  let base: string;
  let room: RoomFixture;

  beforeAll(async () => {
    t = app();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    room = await buildRoomFixture(t);
  });

  afterAll(async () => {
    await t.app.close();
  });

  const kudos = (message: string): RoomEvent => ({
    kind: 'kudos',
    kudos: {
      id: randomUUID(),
      fromId: room.going[0]?.id ?? null,
      fromName: 'Going',
      toUserId: room.host.id,
      toSpeakerId: null,
      toName: 'Host',
      message,
      createdAt: new Date().toISOString()
    }
  });

  async function append(eventId: string, event: RoomEvent): Promise<number> {
    const db = t.testDb.db;
    const seq = await writeTransaction(db, (trx) => appendRoomEvent(trx, eventId, event));
    await announceRoom(t.context.realtime, eventId, seq);
    return seq;
  }

  const open = (
    eventId: string,
    token?: string,
    headers: Record<string, string> = {},
    signal?: AbortSignal
  ) =>
    fetch(`${base}/api/v1/events/${eventId}/room/stream`, {
      headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(signal ? { signal } : {})
    });

  it('starts with a snapshot, then sends each new event with its id', async () => {
    const fixture = await buildRoomFixture(t);
    const before = await append(fixture.meeting.id, kudos('before'));
    const controller = new AbortController();
    const res = await open(fixture.meeting.id, fixture.going[0]?.token, {}, controller.signal);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = new SseReader(res);
    const snapshot = await events.nextJson<RoomView>();
    expect(snapshot.event).toBe('snapshot');
    expect(snapshot.id).toBe(String(before));
    expect(snapshot.data.seq).toBe(before);
    expect(snapshot.data.kudos.map((k) => k.message)).toEqual(['before']);
    const next = await append(fixture.meeting.id, kudos('after'));
    const live = await events.nextJson<{ message: string }>();
    expect(live).toMatchObject({ id: String(next), event: 'kudos', data: { message: 'after' } });
    controller.abort();
  });

  it('replays every missed event exactly once after a reconnect, while writers keep writing', async () => {
    const eventId = room.meeting.id;
    const received = new Map<number, number>();
    const writers = (n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => append(eventId, kudos(`w${i}`))));
    let last: number | null = null;
    let written: number[] = [];
    // Five connections in a row; each reads a few events and drops, with writes in every gap.
    for (let round = 0; round < 5; round += 1) {
      const controller = new AbortController();
      const headers: Record<string, string> =
        last === null ? {} : { 'last-event-id': String(last) };
      const writing = writers(6);
      const res = await open(eventId, room.going[1]?.token, headers, controller.signal);
      expect(res.status).toBe(200);
      const events = new SseReader(res);
      written = written.concat(await writing);
      written = written.concat(await writers(4));
      const target = Math.max(...written);
      for (;;) {
        const e = await events.next();
        const seq = Number(e.id);
        if (e.event === 'snapshot') {
          expect(last).toBeNull();
          const view = JSON.parse(e.data) as RoomView;
          for (let s = 1; s <= view.seq; s += 1) received.set(s, (received.get(s) ?? 0) + 1);
        } else {
          expect(e.event).toBe('kudos');
          received.set(seq, (received.get(seq) ?? 0) + 1);
        }
        last = seq;
        if (seq >= target) break;
      }
      controller.abort();
      await events.cancel();
    }
    const all = Math.max(...written);
    expect([...received.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: all }, (_, i) => i + 1)
    );
    expect([...received.values()].every((n) => n === 1)).toBe(true);
  });

  it('refuses a Last-Event-ID that is not a number, with a field error', async () => {
    const res = await open(room.meeting.id, room.going[0]?.token, { 'last-event-id': 'abc' });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'Last-Event-ID' })]);
  });

  it('is a 404 to those who may not read a private group', async () => {
    const fixture = await buildRoomFixture(t, { visibility: 'private', joinPolicy: 'approval' });
    expect((await open(fixture.meeting.id, fixture.outsider.token)).status).toBe(404);
    expect((await open(fixture.meeting.id)).status).toBe(404);
    expect((await open(fixture.meeting.id, fixture.notGoing.token)).status).toBe(200);
  });

  it('shows hands only to their owner and hosts, and anonymous authors only to themselves', async () => {
    const fixture = await buildRoomFixture(t);
    const [alice, bob] = fixture.going;
    if (!alice || !bob) throw new Error('fixture');
    const controllers: AbortController[] = [];
    const watch = async (token: string) => {
      const c = new AbortController();
      controllers.push(c);
      const reader = new SseReader(await open(fixture.meeting.id, token, {}, c.signal));
      await reader.next(5000, 'snapshot');
      return reader;
    };
    const [asHost, asAlice, asBob] = await Promise.all([
      watch(fixture.host.token),
      watch(alice.token),
      watch(bob.token)
    ]);
    const raisedAt = new Date().toISOString();
    const handSeq = await append(fixture.meeting.id, {
      kind: 'hand',
      hand: {
        id: randomUUID(),
        userId: alice.id,
        userName: alice.name,
        raisedAt,
        loweredAt: null,
        loweredBy: null
      }
    });
    const question = {
      id: randomUUID(),
      body: 'Who pays for the cloud bill?',
      authorId: alice.id,
      authorName: alice.name,
      anonymous: true,
      status: 'open' as const,
      upvotes: 0,
      topicId: null,
      postId: null,
      createdAt: raisedAt,
      answeredAt: null
    };
    const askSeq = await append(fixture.meeting.id, { kind: 'question', question });
    const hideSeq = await append(fixture.meeting.id, {
      kind: 'question',
      question: { ...question, status: 'hidden' }
    });
    expect(await asHost.nextJson()).toMatchObject({
      id: String(handSeq),
      event: 'hand',
      data: { mine: false }
    });
    expect(await asAlice.nextJson()).toMatchObject({
      id: String(handSeq),
      event: 'hand',
      data: { mine: true }
    });
    // Bob gets no hand event: his next one is the question, without its anonymous author.
    expect(await asBob.nextJson()).toMatchObject({
      id: String(askSeq),
      event: 'question',
      data: { author: null, anonymous: true, mine: false }
    });
    expect(await asAlice.nextJson()).toMatchObject({
      event: 'question',
      data: { author: { id: alice.id }, mine: true }
    });
    expect(await asHost.nextJson()).toMatchObject({ event: 'question', data: { author: null } });
    expect(await asBob.nextJson()).toEqual({
      id: String(hideSeq),
      event: 'question-removed',
      data: { id: question.id }
    });
    expect(await asHost.nextJson()).toMatchObject({
      id: String(hideSeq),
      event: 'question',
      data: { status: 'hidden' }
    });
    for (const c of controllers) c.abort();
  });
});
