import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeDuePolls } from '../../../services/poll/poll-jobs.ts';
import type { PollView, RoomView } from '../../../services/room/room-event-types.ts';
import { buildRoomFixture, type RoomFixture } from '../../../test/room-fixture.ts';
import { SseReader } from '../../../test/sse-reader.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { pollBody, pollClient, type WirePoll } from './poll-test-support.ts';

// Meeting polls in the live room, over a real listening server: launching, every ballot and the
// close reach the room's stream with the new counts — hidden from members while results show only
// once closed — and the sweep's close of a due poll reaches it too.
describeWithApp('meeting polls in the room stream', (app) => {
  let t: TestApp;
  let base: string;
  let room: RoomFixture;
  let api: ReturnType<typeof pollClient>;
  const controllers: AbortController[] = [];

  beforeAll(async () => {
    t = app();
    api = pollClient(t);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    room = await buildRoomFixture(t, { going: 2 });
  });

  afterAll(async () => {
    for (const c of controllers) c.abort();
    await t.app.close();
  });

  /** Opens the room stream as `token` and reads past its snapshot. */
  async function watch(token: string): Promise<{ events: SseReader; snapshot: RoomView }> {
    const controller = new AbortController();
    controllers.push(controller);
    const res = await fetch(`${base}/api/v1/events/${room.meeting.id}/room/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal
    });
    expect(res.status).toBe(200);
    const events = new SseReader(res);
    const snapshot = await events.nextJson<RoomView>(5000, 'snapshot');
    return { events, snapshot: snapshot.data };
  }

  async function meetingPoll(over: Record<string, unknown>): Promise<WirePoll> {
    const res = await api.create(
      room.group.slug,
      room.host.token,
      pollBody({ eventId: room.meeting.id, ...over })
    );
    expect(res.statusCode, res.body).toBe(201);
    return res.json<WirePoll>();
  }

  const member = () => room.going[1]?.token ?? '';
  const voter = () => room.going[0]?.token ?? '';

  it('sends the new counts after a ballot, hiding them from members while results wait for the close', async () => {
    const watcher = await watch(member());
    const host = await watch(room.host.token);
    const poll = await meetingPoll({ results: 'closed' });
    // A draft reaches hosts only.
    const draft = await host.events.nextJson<PollView>(5000, 'poll');
    expect(draft.data).toMatchObject({ id: poll.id, status: 'draft' });

    expect((await api.action(poll.id, 'open', room.host.token)).statusCode).toBe(200);
    // The member's next event of any kind is the launch: the draft before it never reached them.
    const opened = await watcher.events.nextJson<PollView>();
    expect(opened.event).toBe('poll');
    expect(Number(opened.id)).toBe(Number(draft.id) + 1);
    expect(opened.data).toMatchObject({ id: poll.id, status: 'open', ballotCount: 0 });
    await host.events.nextJson<PollView>(5000, 'poll');

    const option = poll.options[1]?.id ?? '';
    expect((await api.ballot(poll.id, voter(), [option])).statusCode).toBe(200);
    const seen = await watcher.events.nextJson<PollView>(5000, 'poll');
    expect(seen.data).toMatchObject({
      id: poll.id,
      status: 'open',
      ballotCount: 1,
      resultsVisible: false
    });
    expect(seen.data.options.map((o) => o.votes)).toEqual([null, null, null]);
    const hosted = await host.events.nextJson<PollView>(5000, 'poll');
    expect(hosted.data).toMatchObject({ ballotCount: 1, resultsVisible: true });
    expect(hosted.data.options.map((o) => o.votes)).toEqual([0, 1, 0]);
    expect(Number(hosted.id)).toBe(Number(seen.id));

    expect((await api.action(poll.id, 'close', room.host.token)).statusCode).toBe(200);
    const closed = await watcher.events.nextJson<PollView>(5000, 'poll');
    expect(closed.data).toMatchObject({ status: 'closed', resultsVisible: true });
    expect(closed.data.options.map((o) => o.votes)).toEqual([0, 1, 0]);

    // The room document folds the same log.
    const view = await t.request({
      method: 'GET',
      url: `/api/v1/events/${room.meeting.id}/room`,
      token: voter()
    });
    const body = view.json<RoomView & { my: { answeredPolls: string[] } }>();
    expect(body.polls.find((p) => p.id === poll.id)).toMatchObject({
      status: 'closed',
      ballotCount: 1
    });
    expect(body.my.answeredPolls).toContain(poll.id);
  });

  it('sends live counts to members when results are live', async () => {
    const watcher = await watch(member());
    const poll = await meetingPoll({ results: 'live', open: true, choice: 'multiple' });
    const opened = await watcher.events.nextJson<PollView>(5000, 'poll');
    expect(opened.data).toMatchObject({ id: poll.id, status: 'open', resultsVisible: true });
    const [a, , c] = poll.options.map((o) => o.id);
    expect((await api.ballot(poll.id, voter(), [a ?? '', c ?? ''])).statusCode).toBe(200);
    const seen = await watcher.events.nextJson<PollView>(5000, 'poll');
    expect(seen.data.options.map((o) => o.votes)).toEqual([1, 0, 1]);
    expect(seen.data.ballotCount).toBe(1);
    // A refused ballot appends nothing.
    expect((await api.ballot(poll.id, voter(), [a ?? ''])).statusCode).toBe(409);
    expect(await watcher.events.drain(300)).toEqual([]);
  });

  it('the sweep closes a due meeting poll and the stream sees it closed', async () => {
    const watcher = await watch(member());
    const poll = await meetingPoll({
      results: 'closed',
      open: true,
      closesAt: new Date(Date.now() + 60_000).toISOString()
    });
    await watcher.events.nextJson<PollView>(5000, 'poll');
    expect((await api.ballot(poll.id, voter(), [poll.options[0]?.id ?? ''])).statusCode).toBe(200);
    const answered = await watcher.events.nextJson<PollView>(5000, 'poll');
    expect(answered.data.options.map((o) => o.votes)).toEqual([null, null, null]);
    const closesAt = new Date(Date.now() - 1000).toISOString();
    await t.testDb.db.kysely
      .updateTable('polls')
      .set({ closes_at: closesAt })
      .where('id', '=', poll.id)
      .execute();
    expect(await closeDuePolls(t.testDb.db, { realtime: t.context.realtime })).toBe(1);
    const closed = await watcher.events.nextJson<PollView>(5000, 'poll');
    expect(closed.data).toMatchObject({
      id: poll.id,
      status: 'closed',
      closedAt: closesAt,
      resultsVisible: true
    });
    expect(closed.data.options.map((o) => o.votes)).toEqual([1, 0, 0]);
  });
  it('is answered by those who take part in the room — going, checked in, hosts — even before it opens', async () => {
    const later = await buildRoomFixture(t, { startsInMinutes: 120 });
    const res = await api.create(
      later.group.slug,
      later.host.token,
      pollBody({ eventId: later.meeting.id, open: true })
    );
    const poll = res.json<WirePoll>();
    const option = [poll.options[0]?.id ?? ''];
    const absent = await api.get(poll.id, later.notGoing.token);
    expect(absent.json<WirePoll>().viewer).toEqual({ canManage: false, canAnswer: false });
    expect((await api.ballot(poll.id, later.notGoing.token, option)).statusCode).toBe(403);
    expect((await api.ballot(poll.id, later.outsider.token, option)).statusCode).toBe(403);
    const going = await api.get(poll.id, later.going[0]?.token);
    expect(going.json<WirePoll>().viewer).toEqual({ canManage: false, canAnswer: true });
    for (const token of [later.going[0]?.token, later.checkedIn.token, later.host.token]) {
      expect((await api.ballot(poll.id, token, option)).statusCode).toBe(200);
    }
    expect((await api.get(poll.id)).json<WirePoll>().ballotCount).toBe(3);
  });

  it('takes a deleted draft out of the room of its hosts, live and in the room document', async () => {
    const host = await watch(room.host.token);
    const draft = await meetingPoll({ question: 'Pizza or pretzels?' });
    expect((await host.events.nextJson<PollView>(5000, 'poll')).data.id).toBe(draft.id);
    expect((await api.remove(draft.id, room.host.token)).statusCode).toBe(204);
    expect(await host.events.nextJson(5000, 'poll-removed')).toMatchObject({
      data: { id: draft.id }
    });
    const doc = await t.request({
      method: 'GET',
      url: `/api/v1/events/${room.meeting.id}/room`,
      token: room.host.token
    });
    expect(doc.json<RoomView>().polls.map((p) => p.id)).not.toContain(draft.id);
  });

  it('keeps the polls of a draft meeting to those who run meetings (404 for members)', async () => {
    const draftMeeting = await buildRoomFixture(t);
    await t.testDb.db.kysely
      .updateTable('events')
      .set({ status: 'draft' })
      .where('id', '=', draftMeeting.meeting.id)
      .execute();
    const created = await api.create(
      draftMeeting.group.slug,
      draftMeeting.host.token,
      pollBody({ eventId: draftMeeting.meeting.id, open: true })
    );
    expect(created.statusCode, created.body).toBe(201);
    const poll = created.json<WirePoll>();
    expect((await api.get(poll.id, draftMeeting.host.token)).statusCode).toBe(200);
    expect((await api.get(poll.id, draftMeeting.going[0]?.token)).statusCode).toBe(404);
    expect((await api.get(poll.id)).statusCode).toBe(404);
  });
});
