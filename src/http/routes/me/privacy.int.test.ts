import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/database.ts';
import { createMeeting } from '../../../services/event.service.ts';
import { EXPORTED, NOT_EXPORTED } from '../../../services/privacy/personal-data.ts';
import { buildRoomFixture, type RoomFixture, type RoomPerson } from '../../../test/room-fixture.ts';
import { createTestApp, PASSWORD, type TestApp } from '../../../test/test-app.ts';
import { testDialects } from '../../../test/test-database.ts';

/** Every (table, column) with a foreign key to users.id, read from the live schema. */
async function userColumns(db: Db): Promise<string[]> {
  if (db.dialect === 'sqlite') {
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table'`.execute(db.kysely);
    const found: string[] = [];
    for (const { name } of tables.rows) {
      const keys = await sql<{
        table: string;
        from: string;
      }>`select "table", "from" from pragma_foreign_key_list(${name})`.execute(db.kysely);
      for (const k of keys.rows) if (k.table === 'users') found.push(`${name}.${k.from}`);
    }
    return found.sort();
  }
  const keys = await sql<{ t: string; c: string }>`
    select kcu.table_name as t, kcu.column_name as c
    from information_schema.referential_constraints rc
    join information_schema.key_column_usage kcu on kcu.constraint_name = rc.constraint_name
    join information_schema.constraint_column_usage ccu on ccu.constraint_name = rc.constraint_name
    where ccu.table_name = 'users' and kcu.table_schema = 'public'`.execute(db.kysely);
  return keys.rows.map((r) => `${r.t}.${r.c}`).sort();
}

/** Every row of every table of Guildhall's, as text, to look for a name in. */
async function everything(db: Db): Promise<string> {
  const tables =
    db.dialect === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
          db.kysely
        )
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(
          db.kysely
        );
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(db.kysely);
    parts.push(`${name}: ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

for (const dialect of testDialects()) {
  describe(`data export and account deletion (${dialect})`, () => {
    let t: TestApp;
    let room: RoomFixture;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      await t.buildUser({ name: 'Instance Admin' }); // the first account is the admin
    });
    afterAll(async () => {
      await t.close();
    });

    const as = (p: RoomPerson) => ({ token: p.token });

    /** `p` writes something of every kind in the room fixture's group, each with `marker` in it. */
    async function contribute(p: RoomPerson, r: RoomFixture, marker: string) {
      const meetingId = r.meeting.id;
      const question = await t.request({
        method: 'POST',
        url: `/api/v1/events/${meetingId}/questions`,
        ...as(p),
        body: { body: `Question ${marker}` }
      });
      expect(question.statusCode, question.body).toBe(201);
      const hand = await t.request({
        method: 'POST',
        url: `/api/v1/events/${meetingId}/hands`,
        ...as(p)
      });
      expect(hand.statusCode, hand.body).toBeLessThan(300);
      const kudos = await t.request({
        method: 'POST',
        url: `/api/v1/events/${meetingId}/kudos`,
        ...as(p),
        body: { toUserId: r.host.id, message: `Thanks ${marker}` }
      });
      expect(kudos.statusCode, kudos.body).toBe(201);
      const post = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${r.group.slug}/posts`,
        ...as(p),
        body: { kind: 'help', title: `Help ${marker}`, body: `Body ${marker}` }
      });
      expect(post.statusCode, post.body).toBe(201);
      const ownerPost = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${r.group.slug}/posts`,
        ...as(r.owner),
        body: { kind: 'discussion', title: 'Owner asks', body: 'What do you think?' }
      });
      const comment = await t.request({
        method: 'POST',
        url: `/api/v1/posts/${ownerPost.json().id}/comments`,
        ...as(p),
        body: { body: `Comment ${marker}` }
      });
      expect(comment.statusCode, comment.body).toBe(201);
      const reply = await t.request({
        method: 'POST',
        url: `/api/v1/posts/${ownerPost.json().id}/comments`,
        ...as(r.owner),
        body: { body: 'A reply by the owner', parentId: comment.json().id }
      });
      expect(reply.statusCode, reply.body).toBe(201);
      const topic = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${r.group.slug}/topics`,
        ...as(p),
        body: { title: `Topic ${marker}`, wants: 'explain' }
      });
      expect(topic.statusCode, topic.body).toBe(201);
      const topicComment = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${r.group.slug}/topics/${topic.json().id}/comments`,
        ...as(r.owner),
        body: { body: 'Good one' }
      });
      expect(topicComment.statusCode, topicComment.body).toBe(201);
      const ownComment = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${r.group.slug}/topics/${topic.json().id}/comments`,
        ...as(p),
        body: { body: `Topic comment ${marker}` }
      });
      expect(ownComment.statusCode, ownComment.body).toBe(201);
      return {
        questionId: question.json().id as string,
        postId: post.json().id as string,
        ownerPostId: ownerPost.json().id as string,
        commentId: comment.json().id as string,
        topicId: topic.json().id as string
      };
    }

    /** A meeting tomorrow with one seat: `holder` has it, `waiting` is first on the waitlist. */
    async function fullMeeting(r: RoomFixture, holder: RoomPerson, waiting: RoomPerson) {
      const startsAt = new Date(Date.now() + 24 * 3600_000);
      const meeting = await createMeeting(t.testDb.db, t.queue, r.group.id, r.owner.id, {
        title: 'Tomorrow',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 90 * 60_000),
        timeZone: 'Europe/Berlin',
        capacity: 1,
        publish: true
      });
      for (const p of [holder, waiting]) {
        const res = await t.request({
          method: 'PUT',
          url: `/api/v1/events/${meeting.id}/rsvp`,
          ...as(p),
          body: { status: 'going' }
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      return meeting.id;
    }

    async function seats(eventId: string) {
      const k = t.testDb.db.kysely;
      const event = await k
        .selectFrom('events')
        .select(['going_seats', 'waitlist_count'])
        .where('id', '=', eventId)
        .executeTakeFirstOrThrow();
      const rows = await k
        .selectFrom('rsvps')
        .select(['user_id', 'status', 'guests'])
        .where('event_id', '=', eventId)
        .execute();
      return {
        counted: { going: event.going_seats, waiting: event.waitlist_count },
        rows: {
          going: rows.filter((r) => r.status === 'going').reduce((n, r) => n + 1 + r.guests, 0),
          waiting: rows.filter((r) => r.status === 'waitlisted').length
        },
        goingIds: rows.filter((r) => r.status === 'going').map((r) => r.user_id)
      };
    }

    async function personOf(p: RoomPerson) {
      const user = await t.testDb.db.kysely
        .selectFrom('users')
        .select(['email', 'handle'])
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      return { ...user, cookie: await t.logIn(user.email) };
    }

    it('exports or explains every column that names a person', async () => {
      const listed = [...EXPORTED, ...NOT_EXPORTED]
        .filter((s) => !(s.table === 'users' && s.column === 'id'))
        .map((s) => `${s.table}.${s.column}`)
        .sort();
      expect(listed).toEqual(await userColumns(t.testDb.db));
      expect(new Set(EXPORTED.map((s) => s.section)).size).toBe(EXPORTED.length);
    });

    it('downloads everything about the caller, without secrets, to sessions only', async () => {
      room = await buildRoomFixture(t, { going: 3 });
      const [me] = room.going;
      if (!me) throw new Error('fixture');
      const made = await contribute(me, room, 'export-marker');
      const { cookie } = await personOf(me);
      const res = await t.request({ method: 'GET', url: '/api/v1/me/export', cookie });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-disposition']).toMatch(
        /^attachment; filename="guildhall-data-\d{4}-\d{2}-\d{2}\.json"$/
      );
      const data = res.json();
      expect(data.format).toBe('guildhall-data-export');
      const s = data.sections;
      expect(s.account).toEqual([expect.objectContaining({ id: me.id, name: me.name })]);
      expect(s.memberships).toEqual([
        expect.objectContaining({ groupId: room.group.id, role: 'member', status: 'active' })
      ]);
      expect(s.rsvps).toEqual([
        expect.objectContaining({ eventId: room.meeting.id, status: 'going' })
      ]);
      expect(s.posts.map((p: { id: string }) => p.id)).toEqual([made.postId]);
      expect(s.postComments.map((c: { id: string }) => c.id)).toEqual([made.commentId]);
      expect(s.questions.map((q: { id: string }) => q.id)).toEqual([made.questionId]);
      expect(s.topicsProposed.map((q: { id: string }) => q.id)).toEqual([made.topicId]);
      expect(s.kudosGiven).toHaveLength(1);
      expect(s.raisedHands).toHaveLength(1);
      expect(s.sessions.length).toBeGreaterThan(0);
      expect(s.apiTokens).toHaveLength(1);
      expect(data.groups).toEqual([expect.objectContaining({ slug: room.group.slug })]);
      expect(data.meetings).toEqual([expect.objectContaining({ id: room.meeting.id })]);
      // No secrets: password hashes, session tokens, token digests.
      const secrets = await t.testDb.db.kysely
        .selectFrom('sessions')
        .select('token')
        .where('user_id', '=', me.id)
        .execute();
      for (const { token } of secrets) expect(res.body).not.toContain(token);
      expect(res.body).not.toMatch(/"(password|tokenHash|token|accessToken|refreshToken)"/);
      expect(res.body).not.toContain('$argon2');
      // Someone else's data is not in it.
      expect(res.body).not.toContain(room.going[1]?.id);

      const byToken = await t.request({ method: 'GET', url: '/api/v1/me/export', ...as(me) });
      expect(byToken.statusCode).toBe(403);
      expect(byToken.json().type).toBe('urn:guildhall:problem:session-required');
      const anonymous = await t.request({ method: 'GET', url: '/api/v1/me/export' });
      expect(anonymous.statusCode).toBe(401);
    });

    it('refuses deletion with a wrong password, by token, or while owning a group', async () => {
      const [me] = room.going;
      if (!me) throw new Error('fixture');
      const { cookie } = await personOf(me);
      const owner = await personOf(room.owner);
      const before = await everything(t.testDb.db);
      const wrong = await t.request({
        method: 'DELETE',
        url: '/api/v1/me',
        cookie,
        body: { password: 'not-the-password', content: 'remove' }
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().errors).toEqual([
        expect.objectContaining({ field: 'password', message: 'The password is wrong.' })
      ]);
      const bad = await t.request({
        method: 'DELETE',
        url: '/api/v1/me',
        cookie,
        body: { password: PASSWORD, content: 'everything', role: 'admin' }
      });
      expect(bad.statusCode).toBe(400);
      expect(
        bad
          .json()
          .errors.map((e: { field: string }) => e.field)
          .sort()
      ).toEqual(['content', 'role']);
      const byToken = await t.request({
        method: 'DELETE',
        url: '/api/v1/me',
        ...as(me),
        body: { password: PASSWORD, content: 'remove' }
      });
      expect(byToken.statusCode).toBe(403);
      const anonymous = await t.request({
        method: 'DELETE',
        url: '/api/v1/me',
        body: { password: PASSWORD, content: 'remove' }
      });
      expect(anonymous.statusCode).toBe(401);

      const blockers = await t.request({
        method: 'GET',
        url: '/api/v1/me/deletion',
        cookie: owner.cookie
      });
      expect(blockers.json()).toEqual({
        ownedGroups: [{ slug: room.group.slug, name: room.group.name }],
        lastAdmin: false
      });
      const owning = await t.request({
        method: 'DELETE',
        url: '/api/v1/me',
        cookie: owner.cookie,
        body: { password: PASSWORD, content: 'anonymize' }
      });
      expect(owning.statusCode).toBe(409);
      expect(owning.json().detail).toContain(room.group.name);
      // Nothing changed (but sessions' last-seen times and rate-limit counters requests touch).
      const after = await everything(t.testDb.db);
      const withoutSessions = (s: string) =>
        s
          .split('\n')
          .filter((l) => !l.startsWith('sessions:') && !l.startsWith('rate_limits:'))
          .join('\n');
      expect(withoutSessions(after)).toBe(withoutSessions(before));
    });

    it('refuses to delete the only admin', async () => {
      const admin = await t.testDb.db.kysely
        .selectFrom('users')
        .select(['email'])
        .where('name', '=', 'Instance Admin')
        .executeTakeFirstOrThrow();
      const cookie = await t.logIn(admin.email);
      const res = await t.request({
        method: 'DELETE',
        url: '/api/v1/me',
        cookie,
        body: { password: PASSWORD, content: 'remove' }
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toMatch(/only administrator/);
    });

    for (const content of ['anonymize', 'remove'] as const) {
      it(`deletes an account and ${content === 'remove' ? 'removes' : 'anonymizes'} its content`, async () => {
        const r = await buildRoomFixture(t, { going: 3 });
        const [me, waiting, upvoter] = r.going;
        if (!me || !waiting || !upvoter) throw new Error('fixture');
        const marker = `marker-${content}-${r.group.slug}`;
        const made = await contribute(me, r, marker);
        const upvote = await t.request({
          method: 'POST',
          url: `/api/v1/questions/${made.questionId}/upvote`,
          ...as(upvoter)
        });
        expect(upvote.statusCode, upvote.body).toBeLessThan(300);
        const tomorrow = await fullMeeting(r, me, waiting);
        const person = await personOf(me);
        const membersBefore = (
          await t.testDb.db.kysely
            .selectFrom('groups')
            .select('member_count')
            .where('id', '=', r.group.id)
            .executeTakeFirstOrThrow()
        ).member_count;
        t.queue.jobs.length = 0;

        const res = await t.request({
          method: 'DELETE',
          url: '/api/v1/me',
          cookie: person.cookie,
          body: { password: PASSWORD, content }
        });
        expect(res.statusCode, res.body).toBe(204);
        expect(String(res.headers['set-cookie'])).toMatch(/session_token=;/);

        // Sessions and tokens no longer work.
        const cookieAfter = await t.request({
          method: 'GET',
          url: '/api/v1/me',
          cookie: person.cookie
        });
        expect(cookieAfter.statusCode).toBe(401);
        const tokenAfter = await t.request({ method: 'GET', url: '/api/v1/me', ...as(me) });
        expect(tokenAfter.statusCode).toBe(401);
        const logIn = await t.request({
          method: 'POST',
          url: '/api/v1/auth/log-in',
          body: { email: person.email, password: PASSWORD }
        });
        expect(logIn.statusCode).toBe(401);

        // Their name, address and handle are nowhere in the database.
        const all = await everything(t.testDb.db);
        expect(all).not.toContain(me.name);
        expect(all).not.toContain(person.email);
        expect(all).not.toContain(person.handle);
        expect(all).not.toContain(me.id);

        // The seat went to the front of the waitlist; counts match the rows.
        const s = await seats(tomorrow);
        expect(s.counted).toEqual(s.rows);
        expect(s.goingIds).toEqual([waiting.id]);
        const group = await t.testDb.db.kysely
          .selectFrom('groups')
          .select('member_count')
          .where('id', '=', r.group.id)
          .executeTakeFirstOrThrow();
        expect(group.member_count).toBe(membersBefore - 1);
        const q = await t.testDb.db.kysely
          .selectFrom('questions')
          .select('upvotes')
          .where('id', '=', made.questionId)
          .executeTakeFirst();

        // What they wrote, as they chose.
        const post = await t.request({
          method: 'GET',
          url: `/api/v1/posts/${made.postId}`,
          ...as(r.owner)
        });
        const ownerPost = await t.request({
          method: 'GET',
          url: `/api/v1/posts/${made.ownerPostId}/comments`,
          ...as(r.owner)
        });
        const topic = await t.request({
          method: 'GET',
          url: `/api/v1/groups/${r.group.slug}/topics/${made.topicId}`,
          ...as(r.owner)
        });
        const roomState = await t.request({
          method: 'GET',
          url: `/api/v1/events/${r.meeting.id}/room`,
          ...as(r.host)
        });
        expect(roomState.statusCode, roomState.body).toBe(200);
        const roomJson = roomState.json();
        const replies = JSON.stringify(ownerPost.json());
        expect(replies).toContain('A reply by the owner');
        if (content === 'anonymize') {
          expect(post.statusCode).toBe(200);
          expect(post.json().body).toBe(`Body ${marker}`);
          expect(post.json().author).toBeNull();
          expect(replies).toContain(`Comment ${marker}`);
          expect(topic.statusCode).toBe(200);
          expect(q?.upvotes).toBe(1);
          expect(JSON.stringify(roomJson)).toContain(`Question ${marker}`);
          expect(JSON.stringify(roomJson)).toContain(`Thanks ${marker}`);
        } else {
          expect(post.statusCode === 404 || post.json().body === '').toBe(true);
          // Nothing they wrote is left anywhere.
          expect(all).not.toContain(marker);
          expect(topic.statusCode).toBe(404);
          expect(q).toBeUndefined();
          expect(JSON.stringify(roomJson)).not.toContain(marker);
        }
        // The hand they raised is gone from the room either way.
        expect(JSON.stringify(roomJson.hands ?? [])).not.toContain(me.id);

        // A last mail confirms it, in their language.
        expect(t.queue.jobs).toContainEqual(
          expect.objectContaining({
            payload: expect.objectContaining({ template: 'account-deleted', to: person.email })
          })
        );
      });
    }
  });
}
