import { beforeAll, expect, it } from 'vitest';
import { buildRoomFixture, type RoomFixture } from '../../../test/room-fixture.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { pollBody, pollClient, type WirePoll } from './poll-test-support.ts';

// An anonymous poll keeps only that a member answered and the option counts: who chose what is
// stored nowhere, so no answer — to the manager, the admin, or the voter themself — can tell.
// A named poll shows its voters where its results show.
describeWithApp('poll anonymity', (app) => {
  let t: TestApp;
  let room: RoomFixture;
  let api: ReturnType<typeof pollClient>;
  let adminToken: string;

  beforeAll(async () => {
    t = app();
    api = pollClient(t);
    room = await buildRoomFixture(t, { going: 3 });
    const admin = await t.buildUser({ name: 'Instance admin', admin: true });
    adminToken = await t.buildToken(admin.id, 'write');
  });

  /** The voters of the tests: two going members (not the poll's creator). */
  const voters = () =>
    [room.going[0], room.going[1]].map((p) => ({
      id: p?.id ?? '',
      token: p?.token ?? '',
      name: p?.name ?? ''
    }));

  async function answeredPoll(over: Record<string, unknown>): Promise<WirePoll> {
    const res = await api.create(
      room.group.slug,
      room.host.token,
      pollBody({ open: true, ...over })
    );
    expect(res.statusCode, res.body).toBe(201);
    const poll = res.json<WirePoll>();
    const [first, second] = voters();
    const a = poll.options[0]?.id ?? '';
    const b = poll.options[1]?.id ?? '';
    expect((await api.ballot(poll.id, first?.token, [a])).statusCode).toBe(200);
    expect(
      (
        await api.ballot(
          poll.id,
          second?.token,
          [a, b].slice(0, over.choice === 'multiple' ? 2 : 1)
        )
      ).statusCode
    ).toBe(200);
    return poll;
  }

  /** Whether a response body names any voter (by id or name). */
  const namesVoter = (body: string) =>
    voters().some((v) => body.includes(v.id) || body.includes(v.name));

  for (const meetingPoll of [false, true]) {
    it(`reveals the voters of an anonymous ${meetingPoll ? 'meeting' : 'group'} poll to nobody`, async () => {
      const poll = await answeredPoll({
        anonymous: true,
        choice: 'multiple',
        ...(meetingPoll ? { eventId: room.meeting.id } : {})
      });
      const viewers: [string, string | undefined][] = [
        ['voter', voters()[0]?.token],
        ['other voter', voters()[1]?.token],
        ['member', room.going[2]?.token],
        ['host', room.host.token],
        ['owner', room.owner.token],
        ['admin', adminToken],
        ['anonymous', undefined]
      ];
      for (const closed of [false, true]) {
        if (closed) await api.action(poll.id, 'close', room.host.token);
        for (const [who, token] of viewers) {
          const res = await api.get(poll.id, token);
          expect(res.statusCode, who).toBe(200);
          const seen = res.json<WirePoll>();
          expect(
            seen.options.map((o) => o.voters),
            who
          ).toEqual([null, null, null]);
          expect(
            seen.options.map((o) => o.votes),
            who
          ).toEqual([2, 1, 0]);
          expect(seen.my?.optionIds ?? null, who).toBeNull();
          expect(namesVoter(res.body), who).toBe(false);
          const list = await api.list(room.group.slug, token);
          const listed = list.json<{ items: WirePoll[] }>().items.find((p) => p.id === poll.id);
          expect(
            listed?.options.map((o) => o.voters),
            who
          ).toEqual([null, null, null]);
          expect(namesVoter(list.body), who).toBe(false);
        }
      }
      // The voter knows they answered, not what.
      const mine = (await api.get(poll.id, voters()[0]?.token)).json<WirePoll>();
      expect(mine.my).toEqual({ answered: true, optionIds: null });

      const csv = await api.csv(poll.id, room.owner.token);
      expect(csv.statusCode).toBe(200);
      expect(csv.body.split('\r\n')[0]).toBe('option,votes,percent');
      expect(csv.body).not.toContain('voters');
      expect(namesVoter(csv.body)).toBe(false);

      const db = t.testDb.db.kysely;
      const choices = await db
        .selectFrom('poll_choices')
        .select('user_id')
        .where('poll_id', '=', poll.id)
        .execute();
      expect(choices).toEqual([]);
      if (meetingPoll) {
        const log = await db
          .selectFrom('room_events')
          .select('payload')
          .where('event_id', '=', room.meeting.id)
          .execute();
        expect(log.length).toBeGreaterThan(0);
        expect(log.some((e) => namesVoter(e.payload))).toBe(false);
        const roomView = await t.request({
          method: 'GET',
          url: `/api/v1/events/${room.meeting.id}/room`,
          token: room.host.token
        });
        expect(roomView.statusCode).toBe(200);
        expect(namesVoter(JSON.stringify(roomView.json<{ polls: unknown }>().polls))).toBe(false);
      }
    });
  }

  it('shows the voters of a named poll, and what the voter chose', async () => {
    const poll = await answeredPoll({ anonymous: false, choice: 'multiple' });
    const [first, second] = voters();
    const seen = (await api.get(poll.id, room.going[2]?.token)).json<WirePoll>();
    expect(seen.options.map((o) => (o.voters ?? []).map((v) => v.id).sort())).toEqual([
      [first?.id, second?.id].sort(),
      [second?.id],
      []
    ]);
    const mine = (await api.get(poll.id, second?.token)).json<WirePoll>();
    expect(mine.my).toEqual({
      answered: true,
      optionIds: [poll.options[0]?.id, poll.options[1]?.id]
    });
    const csv = await api.csv(poll.id, room.host.token);
    expect(csv.body.split('\r\n')[0]).toBe('option,votes,percent,voters');
    expect(csv.body).toContain(second?.name ?? '-');
    const choices = await t.testDb.db.kysely
      .selectFrom('poll_choices')
      .select('user_id')
      .where('poll_id', '=', poll.id)
      .execute();
    expect(choices).toHaveLength(3);
  });
});
