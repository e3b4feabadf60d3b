import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { dbBool } from '../../db/values.ts';
import { insertUser } from '../../test/factories.ts';
import { RecordingQueue } from '../../test/test-app.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/test-database.ts';
import { dispatchActivities, pendingActivities } from '../activity/activity.service.ts';
import type { GroupRef } from '../activity/activity-types.ts';
import { notificationConsumer } from './notification-consumer.ts';
import {
  addActivity,
  insertGroup,
  insertPostWithComment,
  person,
  postPayload,
  setMembership
} from './notification-test-support.ts';

const BASE = 'https://guild.example.com';

for (const dialect of testDialects()) {
  describe(`notification consumer (${dialect})`, () => {
    let t: TestDatabase;
    let db: Db;
    const queue = new RecordingQueue();
    const consumer = () =>
      notificationConsumer(db, { queue, baseUrl: BASE, secret: 's'.repeat(40) });
    let group: GroupRef;

    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      db = t.db;
      group = await insertGroup(db, 'g1');
      for (const id of ['owner', 'orga', 'host', 'ann', 'bob', 'cat', 'dan', 'pen', 'out', 'adm']) {
        await insertUser(db, id, { language: id === 'cat' ? 'de' : 'en' });
      }
      await db.kysely
        .updateTable('users')
        .set({ is_admin: dbBool(db, true) })
        .where('id', '=', 'adm')
        .execute();
      await setMembership(db, 'g1', 'owner', 'owner');
      await setMembership(db, 'g1', 'orga', 'organizer');
      await setMembership(db, 'g1', 'host', 'host');
      for (const id of ['ann', 'bob', 'cat']) await setMembership(db, 'g1', id);
      await setMembership(db, 'g1', 'dan', 'member', 'banned');
      await setMembership(db, 'g1', 'pen', 'member', 'pending');
    });
    afterAll(async () => t.dispose());

    async function notified(activityId: string): Promise<Record<string, string>> {
      const rows = await db.kysely
        .selectFrom('notifications')
        .select(['user_id', 'kind', 'delivery'])
        .where('activity_id', '=', activityId)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.user_id, `${r.kind}/${r.delivery}`]));
    }

    it('tells active members of a post, the mentioned with a mention only, never the author', async () => {
      queue.clear();
      const id = await addActivity(
        db,
        'post.created',
        'g1',
        'ann',
        postPayload(group, 'ann', ['cat'])
      );
      expect(await dispatchActivities(db, [consumer()])).toBe(1);
      expect(await notified(id)).toEqual({
        owner: 'post/daily',
        orga: 'post/daily',
        host: 'post/daily',
        bob: 'post/daily',
        cat: 'mention/email'
      });
      // One mail at once, to the mentioned member, in her language, with one-click unsubscribe.
      expect(queue.mails).toHaveLength(1);
      const mail = queue.lastMail('cat@example.org', 'notification');
      expect(mail.locale).toBe('de');
      expect(mail.params.headline).toBe('User ann hat dich in „Post p1“ erwähnt');
      expect(mail.params.url).toBe(`${BASE}/groups/g1/board/p1`);
      expect(mail.listUnsubscribe).toMatch(
        /^https:\/\/guild\.example\.com\/api\/v1\/unsubscribe\?token=/
      );
      expect(mail.params.settingsUrl).toBe(`${BASE}/settings/notifications`);
      const row = await db.kysely
        .selectFrom('notifications')
        .select('mailed_at')
        .where('activity_id', '=', id)
        .where('user_id', '=', 'cat')
        .executeTakeFirstOrThrow();
      expect(row.mailed_at).not.toBeNull();

      // A second dispatch (another node, a retry) changes nothing and sends nothing.
      const [activity] = await db.kysely
        .selectFrom('activities')
        .selectAll()
        .where('id', '=', id)
        .execute();
      expect(activity).toBeDefined();
      await db.kysely
        .updateTable('activities')
        .set({ dispatched_at: null })
        .where('id', '=', id)
        .execute();
      const [again] = await pendingActivities(db);
      if (!again) throw new Error('not pending');
      await consumer()(again);
      await consumer()(again);
      expect(await notified(id)).toHaveProperty('bob', 'post/daily');
      expect(Object.keys(await notified(id))).toHaveLength(5);
      expect(queue.mails).toHaveLength(1);
      await dispatchActivities(db, [consumer()]);
    });

    it('respects preferences: off makes nothing, in_app sends no mail', async () => {
      queue.clear();
      await db.kysely
        .insertInto('notification_preferences')
        .values([
          { user_id: 'bob', kind: 'post', channel: 'off' },
          { user_id: 'cat', kind: 'mention', channel: 'in_app' },
          { user_id: 'host', kind: 'post', channel: 'email' }
        ])
        .execute();
      const id = await addActivity(
        db,
        'post.created',
        'g1',
        'ann',
        postPayload(group, 'ann', ['cat'], 'p2')
      );
      await dispatchActivities(db, [consumer()]);
      const got = await notified(id);
      expect(got).not.toHaveProperty('bob');
      expect(got.cat).toBe('mention/in_app');
      expect(got.host).toBe('post/email');
      expect(queue.mails.map((m) => m.to)).toEqual(['host@example.org']);
      await db.kysely.deleteFrom('notification_preferences').execute();
    });

    it('tells the post author and the parent comment author of a reply, and the mentioned', async () => {
      await insertPostWithComment(db, 'g1', 'p3', 'ann', 'c1', 'bob');
      const id = await addActivity(
        db,
        'comment.created',
        'g1',
        'cat',
        {
          group,
          post: { ...postPayload(group, 'ann', [], 'p3').post },
          comment: { id: 'c2', parentId: 'c1', excerpt: 'Me too' },
          author: person('cat'),
          mentions: ['host', 'cat', 'dan']
        },
        { type: 'comment', id: 'c2' }
      );
      await dispatchActivities(db, [consumer()]);
      expect(await notified(id)).toEqual({
        ann: 'reply/email',
        bob: 'reply/email',
        host: 'mention/email'
      });
      const texts = await db.kysely
        .selectFrom('notifications')
        .select(['user_id', 'payload'])
        .where('activity_id', '=', id)
        .execute();
      const text = (u: string) =>
        (JSON.parse(texts.find((r) => r.user_id === u)?.payload ?? '{}') as { text: string }).text;
      expect([text('ann'), text('bob'), text('host')]).toEqual([
        'comment',
        'reply',
        'commentMention'
      ]);
    });

    it('tells members of meetings and closed rounds, staff of new members and reports', async () => {
      const meeting = {
        id: 'e1',
        title: 'Rust night',
        startsAt: '2026-12-01T18:00:00.000Z',
        endsAt: '2026-12-01T20:00:00.000Z',
        timeZone: 'Europe/Berlin',
        path: '/groups/g1/events/e1'
      };
      const published = await addActivity(db, 'meeting.published', 'g1', 'orga', {
        group,
        meeting
      });
      const round = await addActivity(db, 'round.closed', 'g1', null, {
        group,
        roundId: 'r1',
        meeting,
        picked: [{ id: 't1', title: 'Async' }]
      });
      const opened = await addActivity(db, 'round.opened', 'g1', 'orga', {
        group,
        roundId: 'r2',
        meeting,
        closesAt: '2026-11-30T18:00:00.000Z'
      });
      const joined = await addActivity(db, 'member.joined', 'g1', 'bob', {
        group,
        member: person('bob')
      });
      const report = await addActivity(db, 'report.created', 'g1', 'cat', {
        group,
        report: { id: 'rep1', subjectType: 'post', reason: 'spam' }
      });
      const profileReport = await addActivity(db, 'report.created', null, 'cat', {
        group: null,
        report: { id: 'rep2', subjectType: 'profile', reason: 'spam' }
      });
      await db.kysely
        .insertInto('notification_preferences')
        .values({ user_id: 'dan', kind: 'moderation', channel: 'off' })
        .execute();
      const warned = await addActivity(db, 'member.warned', 'g1', 'orga', {
        group,
        userId: 'dan',
        message: 'Be kind.'
      });
      queue.clear();
      await dispatchActivities(db, [consumer()]);
      const members = ['owner', 'host', 'ann', 'bob', 'cat'];
      expect(Object.keys(await notified(published)).sort()).toEqual([...members].sort());
      expect(Object.values(await notified(published))).toEqual(members.map(() => 'meeting/email'));
      expect(Object.keys(await notified(round)).sort()).toEqual([...members, 'orga'].sort());
      // An open round reaches everyone but the organizer who opened it, linking to the round.
      expect(Object.keys(await notified(opened)).sort()).toEqual([...members].sort());
      expect(Object.values(await notified(opened))).toEqual(members.map(() => 'round/in_app'));
      const openedRow = await db.kysely
        .selectFrom('notifications')
        .select('payload')
        .where('activity_id', '=', opened)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(openedRow.payload)).toMatchObject({
        text: 'roundOpened',
        title: 'Rust night',
        path: '/groups/g1/rounds/r2'
      });
      expect(await notified(joined)).toEqual({ owner: 'member/in_app', orga: 'member/in_app' });
      expect(await notified(report)).toEqual({ owner: 'report/email', orga: 'report/email' });
      expect(await notified(profileReport)).toEqual({ adm: 'report/email' });
      // A warning always arrives, in the app and by mail, with no unsubscribe link.
      expect(await notified(warned)).toEqual({ dan: 'moderation/email' });
      const mail = queue.lastMail('dan@example.org', 'notification');
      expect(mail.listUnsubscribe).toBeUndefined();
      expect(mail.params.unsubscribeUrl).toBeUndefined();
    });

    it('tells a big group in pages, not one query per member', async () => {
      const big = await insertGroup(db, 'big');
      const at = new Date().toISOString();
      const ids = Array.from({ length: 1203 }, (_, i) => `bulk${String(i).padStart(5, '0')}`);
      for (let i = 0; i < ids.length; i += 200) {
        const chunk = ids.slice(i, i + 200);
        await db.kysely
          .insertInto('users')
          .values(
            chunk.map((id) => ({
              id,
              name: id,
              email: `${id}@example.org`,
              email_verified: dbBool(db, true),
              image: null,
              created_at: at,
              updated_at: at,
              handle: id,
              bio: '',
              city: null,
              country: null,
              time_zone: 'UTC',
              language: 'en',
              tags: '[]',
              is_admin: dbBool(db, false)
            }))
          )
          .execute();
        await db.kysely
          .insertInto('memberships')
          .values(
            chunk.map((id) => ({
              group_id: 'big',
              user_id: id,
              role: 'member',
              status: 'active',
              created_at: at,
              updated_at: at
            }))
          )
          .execute();
      }
      const id = await addActivity(
        db,
        'post.created',
        'big',
        'bulk00000',
        postPayload(big, 'bulk00000', [], 'pb')
      );
      await dispatchActivities(db, [consumer()]);
      expect(Object.keys(await notified(id))).toHaveLength(1202);
    });
  });
}
