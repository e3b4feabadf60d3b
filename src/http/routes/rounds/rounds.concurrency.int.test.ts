import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMeeting } from '../../../services/event.service.ts';
import { createGroup, type Group } from '../../../services/group.service.ts';
import { joinGroup } from '../../../services/membership.service.ts';
import { openRound } from '../../../services/voting/round.service.ts';
import { describeWithApp } from '../../../test/test-app.ts';

// Votes fired at the same moment over real HTTP: one member never spends more than their budget,
// and votes of different members all count. The server serializes votes per round in the database
// (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE of the round on PostgreSQL).

const VOTES = 7;
const TOPICS = 50;
const MEMBERS = 20;

describeWithApp('votes under concurrency', (app) => {
  let base: string;
  let group: Group;
  const tokens: string[] = [];
  let counter = 0;

  beforeAll(async () => {
    const t = app();
    const db = t.testDb.db;
    const owner = await t.buildUser({ name: 'Owner' });
    group = await createGroup(db, owner.id, {
      slug: 'vote-crowd',
      name: 'Vote crowd',
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    await db.kysely
      .updateTable('groups')
      .set({ votes_per_member: VOTES, votes_per_topic: 2 })
      .where('id', '=', group.id)
      .execute();
    for (let i = 0; i < MEMBERS; i++) {
      const { id } = await t.buildUser({ name: `Voter ${i}` });
      await joinGroup(db, group, id, []);
      tokens.push(await t.buildToken(id, 'write'));
    }
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    await app().app.close();
  });

  /** A fresh meeting with an open round over `TOPICS` open topics. */
  async function roundWithTopics() {
    const t = app();
    const db = t.testDb.db;
    counter += 1;
    const startsAt = new Date(Date.now() + (7 + counter) * 24 * 3600_000);
    const meeting = await createMeeting(db, t.queue, group.id, null, {
      title: `Round ${counter}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3600_000),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    // One open round per group: close the previous one first.
    await db.kysely
      .updateTable('voting_rounds')
      .set({ status: 'closed' })
      .where('group_id', '=', group.id)
      .execute();
    const topicIds: string[] = [];
    const at = new Date().toISOString();
    for (let i = 0; i < TOPICS; i++) {
      const id = randomUUID();
      topicIds.push(id);
      await db.kysely
        .insertInto('topics')
        .values({
          id,
          group_id: group.id,
          title: `Topic ${counter}-${i}`,
          wants: 'explain',
          status: 'open',
          created_at: at,
          updated_at: at
        })
        .execute();
    }
    const round = await openRound(db, { groupId: group.id, eventId: meeting.id, openedBy: null });
    return { roundId: round.id, topicIds };
  }

  const put = (roundId: string, topicId: string, token: string, count: number) =>
    fetch(`${base}/api/v1/rounds/${roundId}/votes/${topicId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ count })
    });

  const add = (roundId: string, topicId: string, token: string) =>
    fetch(`${base}/api/v1/rounds/${roundId}/votes/${topicId}/add`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` }
    });

  async function stored(roundId: string) {
    const rows = await app()
      .testDb.db.kysely.selectFrom('votes')
      .select(['user_id', 'topic_id', 'count'])
      .where('round_id', '=', roundId)
      .execute();
    return rows;
  }

  it(`${TOPICS} simultaneous votes of one member over ${TOPICS} topics store exactly ${VOTES}`, async () => {
    const { roundId, topicIds } = await roundWithTopics();
    const token = tokens[0] ?? '';
    const responses = await Promise.all(topicIds.map((id) => put(roundId, id, token, 1)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 400)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(VOTES);
    const refused = (await Promise.all(
      responses.filter((r) => r.status === 400).map((r) => r.json())
    )) as { errors: { field: string }[] }[];
    expect(refused.every((b) => b.errors[0]?.field === 'count')).toBe(true);
    const rows = await stored(roundId);
    expect(rows.reduce((s, r) => s + r.count, 0)).toBe(VOTES);
    expect(rows).toHaveLength(VOTES);
  }, 60_000);

  it(`${TOPICS} simultaneous "+1" of one member on one topic stop at the topic cap`, async () => {
    const { roundId, topicIds } = await roundWithTopics();
    const token = tokens[1] ?? '';
    const topicId = topicIds[0] ?? '';
    const responses = await Promise.all(topicIds.map(() => add(roundId, topicId, token)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(2);
    expect(responses.map((r) => r.status).filter((s) => s !== 200 && s !== 400)).toEqual([]);
    expect(await stored(roundId)).toEqual([
      expect.objectContaining({ topic_id: topicId, count: 2 })
    ]);
  }, 60_000);

  it(`${MEMBERS} members voting at once on the same topic are all counted`, async () => {
    const { roundId, topicIds } = await roundWithTopics();
    const topicId = topicIds[1] ?? '';
    const responses = await Promise.all(tokens.map((token) => put(roundId, topicId, token, 2)));
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const rows = await stored(roundId);
    expect(rows).toHaveLength(MEMBERS);
    expect(rows.reduce((s, r) => s + r.count, 0)).toBe(2 * MEMBERS);
    const tally = (await (await fetch(`${base}/api/v1/rounds/${roundId}`)).json()) as {
      voters: number;
      tally: { topicId: string; votes: number }[];
    };
    expect(tally.voters).toBe(MEMBERS);
    expect(tally.tally.find((e) => e.topicId === topicId)?.votes).toBe(2 * MEMBERS);
  }, 60_000);

  it('votes racing the close: whatever was accepted is in the final tally, nothing after', async () => {
    const { roundId, topicIds } = await roundWithTopics();
    const topicId = topicIds[2] ?? '';
    const owner = await app()
      .testDb.db.kysely.selectFrom('memberships')
      .select('user_id')
      .where('group_id', '=', group.id)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    const ownerToken = await app().buildToken(owner.user_id, 'write');
    const [closeResponse, ...votes] = await Promise.all([
      fetch(`${base}/api/v1/rounds/${roundId}/close`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ownerToken}` }
      }),
      ...tokens.map((token) => put(roundId, topicId, token, 1))
    ]);
    expect(closeResponse.status).toBe(200);
    const accepted = votes.filter((r) => r.status === 200).length;
    expect(votes.map((r) => r.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const rows = await stored(roundId);
    expect(rows).toHaveLength(accepted);
    const closed = (await (await fetch(`${base}/api/v1/rounds/${roundId}`)).json()) as {
      status: string;
      picked: string[];
      tally: { topicId: string; votes: number }[];
    };
    expect(closed.status).toBe('closed');
    expect(closed.picked).toEqual(accepted > 0 ? [topicId] : []);
    if (accepted > 0) {
      expect(closed.tally.find((e) => e.topicId === topicId)?.votes).toBe(accepted);
    }
  }, 60_000);
});
