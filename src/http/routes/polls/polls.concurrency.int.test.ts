import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGroup, type Group } from '../../../services/group.service.ts';
import { joinGroup, setRole } from '../../../services/membership.service.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import type { WirePoll } from './poll-test-support.ts';

// Ballots fired at the same moment over real HTTP: one member's ballot counts once however many
// they send, and ballots of different members all count — the counts always equal the accepted
// ballots. The server serializes ballots per poll in the database (BEGIN IMMEDIATE on SQLite,
// SELECT … FOR UPDATE of the poll on PostgreSQL) with `poll_ballots`' key behind it.

const MEMBERS = 20;
const SAME_MEMBER = 20;

describeWithApp('ballots under concurrency', (app) => {
  let t: TestApp;
  let base: string;
  let group: Group;
  let hostToken: string;
  const tokens: string[] = [];

  beforeAll(async () => {
    t = app();
    const db = t.testDb.db;
    const owner = await t.buildUser({ name: 'Owner' });
    group = await createGroup(db, owner.id, {
      slug: 'poll-crowd',
      name: 'Poll crowd',
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    const host = await t.buildUser({ name: 'Host' });
    await joinGroup(db, group, host.id, []);
    await setRole(db, group, owner.id, host.id, 'host');
    hostToken = await t.buildToken(host.id, 'write');
    for (let i = 0; i < MEMBERS; i++) {
      const { id } = await t.buildUser({ name: `Voter ${i}` });
      await joinGroup(db, group, id, []);
      tokens.push(await t.buildToken(id, 'write'));
    }
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    await t.app.close();
  });

  const post = (path: string, token: string, body?: unknown) =>
    fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });

  async function openPoll(choice: 'single' | 'multiple', anonymous = false): Promise<WirePoll> {
    const res = await post(`/groups/${group.slug}/polls`, hostToken, {
      question: 'Race?',
      options: ['A', 'B', 'C', 'D'],
      choice,
      anonymous,
      results: 'live',
      open: true
    });
    expect(res.status).toBe(201);
    return (await res.json()) as WirePoll;
  }

  async function stored(pollId: string) {
    const k = t.testDb.db.kysely;
    const poll = await k
      .selectFrom('polls')
      .select('ballot_count')
      .where('id', '=', pollId)
      .executeTakeFirstOrThrow();
    const options = await k
      .selectFrom('poll_options')
      .select(['id', 'votes'])
      .where('poll_id', '=', pollId)
      .orderBy('position')
      .execute();
    const ballots = await k
      .selectFrom('poll_ballots')
      .select('user_id')
      .where('poll_id', '=', pollId)
      .execute();
    const choices = await k
      .selectFrom('poll_choices')
      .select(['option_id', 'user_id'])
      .where('poll_id', '=', pollId)
      .execute();
    return { ballotCount: poll.ballot_count, options, ballots, choices };
  }

  for (const anonymous of [false, true]) {
    it(`${SAME_MEMBER} simultaneous ballots of one member: exactly one counts (${anonymous ? 'anonymous' : 'named'})`, async () => {
      const poll = await openPoll('multiple', anonymous);
      const chosen = [poll.options[0]?.id ?? '', poll.options[2]?.id ?? ''];
      const token = tokens[0] ?? '';
      const responses = await Promise.all(
        Array.from({ length: SAME_MEMBER }, () =>
          post(`/polls/${poll.id}/ballots`, token, { optionIds: chosen })
        )
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(SAME_MEMBER - 1);
      const bodies = (await Promise.all(
        responses.filter((r) => r.status === 409).map((r) => r.json())
      )) as { detail: string }[];
      expect(new Set(bodies.map((b) => b.detail)).size).toBe(1);
      const s = await stored(poll.id);
      expect(s.ballotCount).toBe(1);
      expect(s.ballots).toHaveLength(1);
      expect(s.options.map((o) => o.votes)).toEqual([1, 0, 1, 0]);
      expect(s.choices).toHaveLength(anonymous ? 0 : 2);
    }, 60_000);
  }

  it(`${MEMBERS} members answering at once are all counted, exactly`, async () => {
    const poll = await openPoll('multiple');
    const ids = poll.options.map((o) => o.id);
    // Member i chooses option i mod 4, and option (i + 1) mod 4 when i is even.
    const choicesOf = (i: number) =>
      i % 2 === 0 ? [ids[i % 4] ?? '', ids[(i + 1) % 4] ?? ''] : [ids[i % 4] ?? ''];
    const responses = await Promise.all(
      tokens.map((token, i) =>
        post(`/polls/${poll.id}/ballots`, token, { optionIds: choicesOf(i) })
      )
    );
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const expected = ids.map(() => 0);
    tokens.forEach((_, i) => {
      for (const id of choicesOf(i))
        expected[ids.indexOf(id)] = (expected[ids.indexOf(id)] ?? 0) + 1;
    });
    const s = await stored(poll.id);
    expect(s.ballotCount).toBe(MEMBERS);
    expect(s.ballots).toHaveLength(MEMBERS);
    expect(s.options.map((o) => o.votes)).toEqual(expected);
    expect(s.choices).toHaveLength(expected.reduce((a, b) => a + b, 0));
    const wire = (await (await fetch(`${base}/api/v1/polls/${poll.id}`)).json()) as WirePoll;
    expect(wire.ballotCount).toBe(MEMBERS);
    expect(wire.options.map((o) => o.votes)).toEqual(expected);
  }, 60_000);

  it('members firing several ballots each, racing the close: counts equal accepted ballots', async () => {
    const poll = await openPoll('single');
    const first = poll.options[1]?.id ?? '';
    const [closed, ...ballots] = await Promise.all([
      post(`/polls/${poll.id}/close`, hostToken),
      ...tokens.flatMap((token) =>
        [0, 1, 2].map(() => post(`/polls/${poll.id}/ballots`, token, { optionIds: [first] }))
      )
    ]);
    expect(closed.status).toBe(200);
    const statuses = ballots.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const accepted = statuses.filter((s) => s === 200).length;
    expect(accepted).toBeLessThanOrEqual(MEMBERS);
    const s = await stored(poll.id);
    expect(s.ballotCount).toBe(accepted);
    expect(s.ballots).toHaveLength(accepted);
    expect(new Set(s.ballots.map((b) => b.user_id)).size).toBe(accepted);
    expect(s.options.map((o) => o.votes)).toEqual([0, accepted, 0, 0]);
  }, 60_000);
});
