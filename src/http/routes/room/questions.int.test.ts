import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOM_LIMITS } from '../../../domain/room.ts';
import type { QuestionView, RoomView } from '../../../services/room/room-event-types.ts';
import { buildRoomFixture, type RoomFixture, type RoomPerson } from '../../../test/room-fixture.ts';
import { SseReader } from '../../../test/sse-reader.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import {
  apiText,
  asPerson,
  expectConflict,
  fieldErrorsOf,
  roomLog,
  tick
} from '../../../test/room-client.ts';

interface RoomDocument extends RoomView {
  state: string;
  my: { upvoted: string[] };
}

// The live Q&A over HTTP: asking (and what is refused), anonymity, upvotes, moderation by hosts,
// withdrawing, making a backlog topic, the room's time, and the per-member limit.
describeWithApp('room questions', (app) => {
  let t: TestApp;
  let as: ReturnType<typeof asPerson>;
  let base: string;

  beforeAll(async () => {
    t = app();
    as = asPerson(t);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await t.app.close();
  });

  const two = (room: RoomFixture): [RoomPerson, RoomPerson] => {
    const [alice, bob] = room.going;
    if (!alice || !bob) throw new Error('fixture');
    return [alice, bob];
  };
  const ask = (room: RoomFixture, who: RoomPerson, body: unknown) =>
    as(who, 'POST', `/events/${room.meeting.id}/questions`, body);
  async function asked(room: RoomFixture, who: RoomPerson, body: string, anonymous = false) {
    await tick();
    const res = await ask(room, who, { body, anonymous });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<QuestionView>();
  }
  const questions = async (room: RoomFixture, who: RoomPerson | null) => {
    const res = await as(who, 'GET', `/events/${room.meeting.id}/questions`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: QuestionView[] }>().items;
  };
  const roomOf = async (room: RoomFixture, who: RoomPerson | null) => {
    const res = await as(who, 'GET', `/events/${room.meeting.id}/room`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<RoomDocument>();
  };
  const stored = (eventId: string) =>
    t.testDb.db.kysely
      .selectFrom('questions')
      .selectAll()
      .where('event_id', '=', eventId)
      .execute();

  describe('asking', () => {
    it('stores an open question, appends it to the room log and answers it', async () => {
      const room = await buildRoomFixture(t);
      const [alice] = two(room);
      const question = await asked(room, alice, '  How do you test migrations?  ');
      expect(question).toMatchObject({
        body: 'How do you test migrations?',
        author: { id: alice.id, name: alice.name },
        anonymous: false,
        mine: true,
        status: 'open',
        upvotes: 0,
        topicId: null,
        postId: null,
        answeredAt: null
      });
      const rows = await stored(room.meeting.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: question.id, author_id: alice.id, status: 'open' });
      expect(await roomLog(t, room.meeting.id)).toEqual([
        { kind: 'question', question: expect.objectContaining({ id: question.id }) }
      ]);
    });

    it('refuses every invalid field with a 400 naming it, and stores nothing', async () => {
      const room = await buildRoomFixture(t);
      const [alice] = two(room);
      const cases: [unknown, string][] = [
        [{}, `body: ${apiText('validation.required')}`],
        [{ body: '   ' }, `body: ${apiText('validation.notEmpty')}`],
        [
          { body: 'x'.repeat(ROOM_LIMITS.question.max + 1) },
          `body: ${apiText('validation.tooLongString', { maximum: ROOM_LIMITS.question.max })}`
        ],
        [{ body: 42 }, `body: ${apiText('validation.invalidType', { expected: 'text' })}`],
        [
          { body: 'Fine', anonymous: 'yes' },
          `anonymous: ${apiText('validation.invalidType', { expected: 'true or false' })}`
        ],
        [{ body: 'Fine', author: 'x' }, `author: ${apiText('validation.unknownField')}`]
      ];
      for (const [body, error] of cases) {
        expect(fieldErrorsOf(await ask(room, alice, body)), JSON.stringify(body)).toEqual([error]);
      }
      expect(await stored(room.meeting.id)).toEqual([]);
      expect(await roomLog(t, room.meeting.id)).toEqual([]);
      // The longest body is fine.
      await asked(room, alice, 'y'.repeat(ROOM_LIMITS.question.max));
    });

    it('allows at most the per-member limit of questions per meeting', async () => {
      const room = await buildRoomFixture(t);
      const [alice, bob] = two(room);
      for (let i = 0; i < ROOM_LIMITS.questionsPerMember; i += 1) {
        await asked(room, alice, `Question ${i}`);
      }
      expectConflict(await ask(room, alice, { body: 'One more' }), 'tooManyQuestions');
      expect(await stored(room.meeting.id)).toHaveLength(ROOM_LIMITS.questionsPerMember);
      // The limit is per member: Bob still asks.
      await asked(room, bob, 'My first');
    });

    it('is refused while the room waits, until a host opens it early, and after it closes', async () => {
      const room = await buildRoomFixture(t, { startsInMinutes: 60 });
      const [alice] = two(room);
      expect((await roomOf(room, alice)).state).toBe('waiting');
      expectConflict(await ask(room, alice, { body: 'Too early?' }), 'roomNotOpen');
      expect(await stored(room.meeting.id)).toEqual([]);

      expect((await as(alice, 'POST', `/events/${room.meeting.id}/room/open`)).statusCode).toBe(
        403
      );
      const opened = await as(room.host, 'POST', `/events/${room.meeting.id}/room/open`);
      expect(opened.statusCode, opened.body).toBe(200);
      expect(opened.json()).toMatchObject({
        state: 'open',
        room: { openedBy: room.host.id, closedAt: null },
        viewer: { canHost: true }
      });
      expect((await roomOf(room, alice)).state).toBe('open');
      await asked(room, alice, 'Now?');

      const closed = await as(room.owner, 'POST', `/events/${room.meeting.id}/room/close`);
      expect(closed.json()).toMatchObject({ state: 'ended', room: { closedBy: room.owner.id } });
      expectConflict(await ask(room, alice, { body: 'Still there?' }), 'roomNotOpen');
      expect((await roomLog(t, room.meeting.id)).map((e) => e.kind)).toEqual([
        'room',
        'question',
        'room'
      ]);
    });

    it('has no room to open in a cancelled meeting', async () => {
      const room = await buildRoomFixture(t, { startsInMinutes: 60 });
      await t.testDb.db.kysely
        .updateTable('events')
        .set({ status: 'cancelled' })
        .where('id', '=', room.meeting.id)
        .execute();
      expectConflict(
        await as(room.host, 'POST', `/events/${room.meeting.id}/room/open`),
        'roomNotPublished'
      );
      expect(await roomLog(t, room.meeting.id)).toEqual([]);
      expect((await roomOf(room, room.host)).state).toBe('ended');
    });

    it('is refused to members who are not going (403), and to anonymous callers (401)', async () => {
      const room = await buildRoomFixture(t);
      expect((await ask(room, room.notGoing, { body: 'Me?' })).statusCode).toBe(403);
      expect((await ask(room, room.outsider, { body: 'Me?' })).statusCode).toBe(403);
      expect(
        (await as(null, 'POST', `/events/${room.meeting.id}/questions`, { body: 'Me?' })).statusCode
      ).toBe(401);
      await asked(room, room.checkedIn, 'Checked in, so I may');
      await asked(room, room.host, 'Hosts may too');
    });
  });

  it('shows no author of an anonymous question to others, in the document, the list and the stream', async () => {
    const room = await buildRoomFixture(t);
    const [alice, bob] = two(room);
    const controller = new AbortController();
    const stream = await fetch(`${base}/api/v1/events/${room.meeting.id}/room/stream`, {
      headers: { authorization: `Bearer ${bob.token}` },
      signal: controller.signal
    });
    const events = new SseReader(stream);
    await events.next(5000, 'snapshot');
    const question = await asked(room, alice, 'Is the bill too high?', true);
    expect(question).toMatchObject({ author: { id: alice.id }, mine: true, anonymous: true });
    const live = await events.nextJson<QuestionView>(5000, 'question');
    expect(live.data).toMatchObject({ id: question.id, author: null, mine: false });
    expect(JSON.stringify(live.data)).not.toContain(alice.id);
    controller.abort();
    for (const who of [bob, room.host, room.notGoing, null]) {
      expect(await questions(room, who)).toEqual([
        expect.objectContaining({ id: question.id, author: null, anonymous: true, mine: false })
      ]);
      expect((await roomOf(room, who)).questions[0]).toMatchObject({ author: null });
    }
    expect((await questions(room, alice))[0]).toMatchObject({
      author: { id: alice.id, name: alice.name },
      mine: true
    });
    expect((await roomOf(room, alice)).questions[0]).toMatchObject({ author: { id: alice.id } });
  });

  describe('upvotes', () => {
    it('are idempotent both ways, change the order, and are not for one’s own question', async () => {
      const room = await buildRoomFixture(t, { going: 3 });
      const [alice, bob] = two(room);
      const carol = room.going[2] as RoomPerson;
      const first = await asked(room, alice, 'First');
      const second = await asked(room, alice, 'Second');
      expect((await questions(room, bob)).map((q) => q.id)).toEqual([first.id, second.id]);

      const upvote = (who: RoomPerson, id: string) => as(who, 'POST', `/questions/${id}/upvote`);
      const unvote = (who: RoomPerson, id: string) => as(who, 'DELETE', `/questions/${id}/upvote`);
      for (let i = 0; i < 2; i += 1) {
        const res = await upvote(bob, second.id);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ id: second.id, upvotes: 1 });
      }
      expect((await questions(room, carol)).map((q) => [q.id, q.upvotes])).toEqual([
        [second.id, 1],
        [first.id, 0]
      ]);
      expect((await roomOf(room, bob)).my.upvoted).toEqual([second.id]);
      expect((await roomOf(room, carol)).my.upvoted).toEqual([]);
      // Two upvotes on the first put it back on top.
      await upvote(bob, first.id);
      expect((await upvote(carol, first.id)).json()).toMatchObject({ upvotes: 2 });
      expect((await questions(room, bob)).map((q) => q.id)).toEqual([first.id, second.id]);

      expectConflict(await upvote(alice, first.id), 'ownQuestion');
      expectConflict(await unvote(alice, first.id), 'ownQuestion');

      for (let i = 0; i < 2; i += 1) {
        const res = await unvote(bob, second.id);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ upvotes: 0 });
      }
      const votes = await t.testDb.db.kysely
        .selectFrom('question_votes')
        .select(['question_id', 'user_id'])
        .where('question_id', 'in', [first.id, second.id])
        .execute();
      expect(votes).toHaveLength(2);
      // One log entry per change: ask ×2, bob up, bob up (first), carol up, bob down.
      expect(await roomLog(t, room.meeting.id)).toHaveLength(6);
      expect((await upvote(bob, 'no-such-question')).statusCode).toBe(404);
      expect((await upvote(room.notGoing, first.id)).statusCode).toBe(403);
    });

    it('are only for open questions', async () => {
      const room = await buildRoomFixture(t);
      const [alice, bob] = two(room);
      const question = await asked(room, alice, 'Answered soon');
      await as(room.host, 'POST', `/questions/${question.id}/answered`);
      expectConflict(await as(bob, 'POST', `/questions/${question.id}/upvote`), 'questionNotOpen');
    });
  });

  describe('hosts', () => {
    it('mark questions answered, hide them and reopen them; members do not', async () => {
      const room = await buildRoomFixture(t);
      const [alice, bob] = two(room);
      const first = await asked(room, alice, 'First');
      const second = await asked(room, bob, 'Second');
      for (const action of ['answered', 'hide', 'reopen']) {
        expect((await as(bob, 'POST', `/questions/${first.id}/${action}`)).statusCode).toBe(403);
      }
      const answered = await as(room.host, 'POST', `/questions/${first.id}/answered`);
      expect(answered.statusCode, answered.body).toBe(200);
      expect(answered.json()).toMatchObject({ status: 'answered', answeredAt: expect.any(String) });
      // Answered questions go after the open ones.
      expect((await questions(room, bob)).map((q) => q.id)).toEqual([second.id, first.id]);

      const hidden = await as(room.host, 'POST', `/questions/${second.id}/hide`);
      expect(hidden.json()).toMatchObject({ status: 'hidden' });
      for (const who of [alice, bob, null]) {
        expect((await questions(room, who)).map((q) => q.id)).toEqual([first.id]);
        expect((await roomOf(room, who)).questions.map((q) => q.id)).toEqual([first.id]);
      }
      expect((await questions(room, room.host)).map((q) => [q.id, q.status])).toEqual([
        [first.id, 'answered'],
        [second.id, 'hidden']
      ]);

      const reopened = await as(room.owner, 'POST', `/questions/${second.id}/reopen`);
      expect(reopened.json()).toMatchObject({ status: 'open', answeredAt: null });
      const again = await as(room.host, 'POST', `/questions/${first.id}/reopen`);
      expect(again.json()).toMatchObject({ status: 'open', answeredAt: null });
      expect((await questions(room, bob)).map((q) => q.id)).toEqual([first.id, second.id]);
      // Reopening an open question changes nothing and appends nothing.
      const before = (await roomLog(t, room.meeting.id)).length;
      expect((await as(room.host, 'POST', `/questions/${first.id}/reopen`)).statusCode).toBe(200);
      expect(await roomLog(t, room.meeting.id)).toHaveLength(before);
    });

    it('make a backlog topic of a question once', async () => {
      const room = await buildRoomFixture(t);
      const [alice, bob] = two(room);
      const named = await asked(room, alice, 'How do we run Postgres upgrades?');
      const anonymous = await asked(room, bob, 'Who pays for the cloud?', true);
      expect((await as(alice, 'POST', `/questions/${named.id}/topic`)).statusCode).toBe(403);

      const made = await as(room.host, 'POST', `/questions/${named.id}/topic`);
      expect(made.statusCode, made.body).toBe(201);
      const { topicId } = made.json<{ topicId: string }>();
      const topic = await t.testDb.db.kysely
        .selectFrom('topics')
        .selectAll()
        .where('id', '=', topicId)
        .executeTakeFirstOrThrow();
      expect(topic).toMatchObject({
        group_id: room.group.id,
        status: 'open',
        title: 'How do we run Postgres upgrades?',
        proposed_by: alice.id
      });
      expect(topic.description).toContain('> How do we run Postgres upgrades?');
      expect(topic.description).toContain(room.meeting.title);
      expect((await questions(room, bob)).find((q) => q.id === named.id)?.topicId).toBe(topicId);
      expectConflict(
        await as(room.host, 'POST', `/questions/${named.id}/topic`),
        'questionConverted'
      );

      // An anonymous question's topic is proposed by the host, so its author stays unknown.
      const fromAnonymous = await as(room.host, 'POST', `/questions/${anonymous.id}/topic`);
      const anonymousTopic = await t.testDb.db.kysely
        .selectFrom('topics')
        .select('proposed_by')
        .where('id', '=', fromAnonymous.json<{ topicId: string }>().topicId)
        .executeTakeFirstOrThrow();
      expect(anonymousTopic.proposed_by).toBe(room.host.id);

      const hidden = await asked(room, bob, 'Spam');
      await as(room.host, 'POST', `/questions/${hidden.id}/hide`);
      expectConflict(
        await as(room.host, 'POST', `/questions/${hidden.id}/topic`),
        'questionNotOpen'
      );
      const topics = await t.testDb.db.kysely
        .selectFrom('topics')
        .select('id')
        .where('group_id', '=', room.group.id)
        .execute();
      expect(topics).toHaveLength(2);
    });

    it('make a board post of a question once, by its author or, when anonymous, the host', async () => {
      const room = await buildRoomFixture(t);
      const [alice, bob] = two(room);
      const named = await asked(room, alice, 'Is anyone running Kafka on ARM?');
      const anonymous = await asked(room, bob, 'How do I ask for a raise?', true);
      expect((await as(alice, 'POST', `/questions/${named.id}/post`)).statusCode).toBe(403);

      const made = await as(room.host, 'POST', `/questions/${named.id}/post`);
      expect(made.statusCode, made.body).toBe(201);
      const { postId } = made.json<{ postId: string }>();
      const post = await t.testDb.db.kysely
        .selectFrom('posts')
        .selectAll()
        .where('id', '=', postId)
        .executeTakeFirstOrThrow();
      expect(post).toMatchObject({
        group_id: room.group.id,
        kind: 'discussion',
        status: 'visible',
        title: 'Is anyone running Kafka on ARM?',
        author_id: alice.id
      });
      expect(post.body).toContain('> Is anyone running Kafka on ARM?');
      expect(post.body).toContain(room.meeting.title);
      expect((await questions(room, bob)).find((q) => q.id === named.id)?.postId).toBe(postId);
      // The post is news like any other: its activity is in the outbox.
      const activity = await t.testDb.db.kysely
        .selectFrom('activities')
        .select(['kind', 'actor_id'])
        .where('subject_id', '=', postId)
        .executeTakeFirstOrThrow();
      expect(activity).toEqual({ kind: 'post.created', actor_id: alice.id });
      expectConflict(
        await as(room.host, 'POST', `/questions/${named.id}/post`),
        'questionConverted'
      );
      // A topic of the same question is still possible: the two are independent.
      expect((await as(room.host, 'POST', `/questions/${named.id}/topic`)).statusCode).toBe(201);

      const fromAnonymous = await as(room.host, 'POST', `/questions/${anonymous.id}/post`);
      const anonymousPost = await t.testDb.db.kysely
        .selectFrom('posts')
        .select('author_id')
        .where('id', '=', fromAnonymous.json<{ postId: string }>().postId)
        .executeTakeFirstOrThrow();
      expect(anonymousPost.author_id).toBe(room.host.id);

      const hidden = await asked(room, bob, 'Spam');
      await as(room.host, 'POST', `/questions/${hidden.id}/hide`);
      expectConflict(
        await as(room.host, 'POST', `/questions/${hidden.id}/post`),
        'questionNotOpen'
      );
      const posts = await t.testDb.db.kysely
        .selectFrom('posts')
        .select('id')
        .where('group_id', '=', room.group.id)
        .execute();
      expect(posts).toHaveLength(2);
    });
  });

  it('lets authors withdraw their own open question, and nobody else', async () => {
    const room = await buildRoomFixture(t);
    const [alice, bob] = two(room);
    const question = await asked(room, alice, 'Never mind');
    expect((await as(bob, 'DELETE', `/questions/${question.id}`)).statusCode).toBe(403);
    expect((await as(room.host, 'DELETE', `/questions/${question.id}`)).statusCode).toBe(403);
    const res = await as(alice, 'DELETE', `/questions/${question.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect(await questions(room, bob)).toEqual([]);
    expect(await questions(room, room.host)).toEqual([
      expect.objectContaining({ id: question.id, status: 'hidden' })
    ]);
    expectConflict(await as(alice, 'DELETE', `/questions/${question.id}`), 'questionNotOpen');
    expect((await as(alice, 'DELETE', '/questions/no-such-question')).statusCode).toBe(404);
  });
});
