import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMeeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { joinGroup } from '../../../services/membership.service.ts';
import { openRound } from '../../../services/voting/round.service.ts';
import { SseReader } from '../../../test/sse-reader.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const HOUR = 3600_000;

interface Tally {
  roundId: string;
  status: string;
  closed: boolean;
  voters: number;
  tally: { topicId: string; votes: number }[] | null;
  my?: unknown;
}

/** The `tally` events of a round stream, one at a time. */
class EventReader {
  readonly #sse: SseReader;

  constructor(response: Response) {
    this.#sse = new SseReader(response);
  }

  /** The next `tally` event's data; fails after `ms`. */
  async next(ms = 5000): Promise<Tally> {
    return (await this.#sse.nextJson<Tally>(ms, 'tally')).data;
  }

  /** Resolves with whether the stream ended (the server closed it). */
  ended(ms = 5000): Promise<boolean> {
    return this.#sse.ended(ms);
  }
}

// The live tally over a real listening server: the first message at once, another after every
// vote (on PostgreSQL through LISTEN/NOTIFY), only totals for a hidden tally, and the subscription
// is dropped when the client goes away.
describeWithApp('round event stream', (app) => {
  let t: TestApp;
  let base: string;
  let member: { id: string; token: string };
  let other: { id: string; token: string };
  let outsiderToken: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    const m = await t.buildUser({ name: 'Streamer' });
    member = { id: m.id, token: await t.buildToken(m.id, 'write') };
    const o = await t.buildUser({ name: 'Other' });
    other = { id: o.id, token: await t.buildToken(o.id, 'write') };
    const x = await t.buildUser({ name: 'Outsider' });
    outsiderToken = await t.buildToken(x.id, 'write');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await t.app.close();
  });

  async function round(visibility: 'public' | 'private', tally: 'live' | 'hidden') {
    counter += 1;
    const db = t.testDb.db;
    const group = await createGroup(db, member.id, {
      slug: `stream-${counter}`,
      name: `Stream ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility,
      joinPolicy: 'open'
    });
    await joinGroup(db, group, other.id, []);
    await db.kysely
      .updateTable('groups')
      .set({ tally_visibility: tally, votes_per_member: 5, votes_per_topic: 5 })
      .where('id', '=', group.id)
      .execute();
    const startsAt = new Date(Date.now() + 7 * 24 * HOUR);
    const meeting = await createMeeting(db, t.queue, group.id, member.id, {
      title: 'Streamed',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    const topicId = randomUUID();
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('topics')
      .values({
        id: topicId,
        group_id: group.id,
        title: 'Observability',
        wants: 'present',
        status: 'open',
        proposed_by: member.id,
        created_at: at,
        updated_at: at
      })
      .execute();
    const r = await openRound(db, { groupId: group.id, eventId: meeting.id, openedBy: member.id });
    return { roundId: r.id, topicId };
  }

  const stream = (roundId: string, token?: string, signal?: AbortSignal) =>
    fetch(`${base}/api/v1/rounds/${roundId}/stream`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(signal ? { signal } : {})
    });

  const vote = (roundId: string, topicId: string, token: string, count: number) =>
    fetch(`${base}/api/v1/rounds/${roundId}/votes/${topicId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ count })
    });

  it('sends the tally at once and after every vote, with SSE headers', async () => {
    const { roundId, topicId } = await round('public', 'live');
    const controller = new AbortController();
    const res = await stream(roundId, undefined, controller.signal);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const events = new EventReader(res);
    const first = await events.next();
    expect(first).toEqual({
      roundId,
      status: 'open',
      closed: false,
      voters: 0,
      tally: [expect.objectContaining({ topicId, votes: 0 })]
    });
    expect((await vote(roundId, topicId, member.token, 2)).status).toBe(200);
    let seen = await events.next();
    expect(seen.tally?.[0]?.votes).toBe(2);
    expect(seen.my).toBeUndefined();
    // Two members at once: the stream ends up showing both.
    await Promise.all([
      vote(roundId, topicId, member.token, 3),
      vote(roundId, topicId, other.token, 1)
    ]);
    while (seen.tally?.[0]?.votes !== 4) seen = await events.next();
    expect(seen.voters).toBe(2);
    const close = await fetch(`${base}/api/v1/rounds/${roundId}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.token}` }
    });
    expect(close.status).toBe(200);
    while (!seen.closed) seen = await events.next();
    expect(seen).toMatchObject({ status: 'closed', closed: true });
    controller.abort();
  });

  it('sends only totals for a hidden tally', async () => {
    const { roundId, topicId } = await round('public', 'hidden');
    const controller = new AbortController();
    const events = new EventReader(await stream(roundId, member.token, controller.signal));
    expect(await events.next()).toEqual({
      roundId,
      status: 'open',
      closed: false,
      voters: 0,
      tally: null
    });
    await vote(roundId, topicId, other.token, 1);
    expect(await events.next()).toEqual({
      roundId,
      status: 'open',
      closed: false,
      voters: 1,
      tally: null
    });
    controller.abort();
  });

  it('is a 404 to those who may not read the group, as problem+json', async () => {
    const { roundId } = await round('private', 'live');
    const anonymous = await stream(roundId);
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await stream(roundId, outsiderToken)).status).toBe(404);
    expect((await stream('no-such-round', member.token)).status).toBe(404);
    const allowed = new AbortController();
    const res = await stream(roundId, member.token, allowed.signal);
    expect(res.status).toBe(200);
    allowed.abort();
  });

  it('drops the subscription when the client goes away', async () => {
    const { roundId } = await round('public', 'live');
    const realtime = t.context.realtime as unknown as { listenerCount(c: string): number };
    const controller = new AbortController();
    const events = new EventReader(await stream(roundId, undefined, controller.signal));
    await events.next();
    expect(realtime.listenerCount(`round:${roundId}`)).toBe(1);
    controller.abort();
    const deadline = Date.now() + 5000;
    while (realtime.listenerCount(`round:${roundId}`) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(realtime.listenerCount(`round:${roundId}`)).toBe(0);
  });

  it('ends open streams when the server shuts down', async () => {
    const { roundId } = await round('public', 'live');
    const events = new EventReader(await stream(roundId));
    await events.next();
    const closing = t.app.close();
    expect(await events.ended()).toBe(true);
    await closing;
  });
});
