import { afterAll, beforeAll, expect, it } from 'vitest';
import type { QuestionView, RoomQuestion } from '../../../services/room/room-event-types.ts';
import { buildRoomFixture, type RoomFixture } from '../../../test/room-fixture.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { roomLog } from '../../../test/room-client.ts';

// Room writes fired at the same moment over real HTTP. Upvotes: the question_votes key keeps one vote per
// member, and the question's count stays exact because each upvote recounts under the question's
// lock (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE of the question on PostgreSQL). The last
// logged question carries the final count, so the live room ends where the database does. Hands:
// a member raising theirs many times at once gets one hand (the room's row is locked).

const MEMBERS = 15;

describeWithApp('room writes under concurrency', (app) => {
  let t: TestApp;
  let base: string;
  let room: RoomFixture;

  beforeAll(async () => {
    t = app();
    room = await buildRoomFixture(t, { going: MEMBERS });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    await t.app.close();
  });

  const call = (method: 'POST' | 'DELETE', url: string, token: string, body?: unknown) =>
    fetch(`${base}/api/v1${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });

  async function question(body: string): Promise<string> {
    const res = await call('POST', `/events/${room.meeting.id}/questions`, room.host.token, {
      body
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as QuestionView).id;
  }

  async function state(id: string) {
    const k = t.testDb.db.kysely;
    const row = await k
      .selectFrom('questions')
      .select('upvotes')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const votes = await k
      .selectFrom('question_votes')
      .select('user_id')
      .where('question_id', '=', id)
      .execute();
    const logged = (await roomLog(t, room.meeting.id))
      .filter((e) => e.kind === 'question')
      .map((e) => (e as { question: RoomQuestion }).question)
      .filter((q) => q.id === id);
    return {
      upvotes: row.upvotes,
      votes: votes.length,
      logged: logged.at(-1)?.upvotes,
      logged_n: logged.length
    };
  }

  const vote = (method: 'POST' | 'DELETE', id: string, token: string) =>
    call(method, `/questions/${id}/upvote`, token);

  it(`${MEMBERS} members upvoting at once are all counted, and taking them back at once leaves 0`, async () => {
    const id = await question('All at once');
    const up = await Promise.all(room.going.map((p) => vote('POST', id, p.token)));
    expect(up.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(await state(id)).toEqual({
      upvotes: MEMBERS,
      votes: MEMBERS,
      logged: MEMBERS,
      logged_n: MEMBERS + 1
    });
    const down = await Promise.all(room.going.map((p) => vote('DELETE', id, p.token)));
    expect(down.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(await state(id)).toMatchObject({ upvotes: 0, votes: 0, logged: 0 });
  }, 60_000);

  it('the same member upvoting many times at once counts once', async () => {
    const id = await question('Once per member');
    const requests = room.going.flatMap((p) => [1, 2, 3].map(() => vote('POST', id, p.token)));
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    // Only the first of each member's three changed something and was logged.
    expect(await state(id)).toEqual({
      upvotes: MEMBERS,
      votes: MEMBERS,
      logged: MEMBERS,
      logged_n: MEMBERS + 1
    });
  }, 60_000);

  it('mixed upvotes and take-backs at once end with the count of the stored votes', async () => {
    const id = await question('Back and forth');
    const requests = room.going.flatMap((p, i) => [
      vote('POST', id, p.token),
      vote(i % 2 === 0 ? 'DELETE' : 'POST', id, p.token),
      vote('POST', id, p.token)
    ]);
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const after = await state(id);
    expect(after.upvotes).toBe(after.votes);
    expect(after.logged).toBe(after.votes);
    const listed = (await (
      await fetch(`${base}/api/v1/events/${room.meeting.id}/questions`)
    ).json()) as { items: QuestionView[] };
    expect(listed.items.find((q) => q.id === id)?.upvotes).toBe(after.votes);
  }, 60_000);

  it('a member raising their hand many times at once gets one hand, logged once', async () => {
    const [first, second] = room.going;
    if (!first || !second) throw new Error('fixture');
    const raise = (token: string) => call('POST', `/events/${room.meeting.id}/hands`, token);
    const responses = await Promise.all(
      [first, second].flatMap((p) => Array.from({ length: 8 }, () => raise(p.token)))
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s !== 201 && s !== 200)).toEqual([]);
    const hands = await t.testDb.db.kysely
      .selectFrom('hands')
      .select('user_id')
      .where('event_id', '=', room.meeting.id)
      .execute();
    expect(hands.map((h) => h.user_id).sort()).toEqual([first.id, second.id].sort());
    const logged = (await roomLog(t, room.meeting.id)).filter((e) => e.kind === 'hand');
    expect(logged).toHaveLength(2);
  }, 60_000);
});
