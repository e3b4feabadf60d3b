import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { insertUser } from '../../test/factories.ts';
import { RecordingQueue } from '../../test/test-app.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/test-database.ts';
import { digestDue, sendDueDigests } from './notification-jobs.ts';
import type { NotificationPayload } from './notification-payload.ts';
import { insertGroup, setMembership } from './notification-test-support.ts';

const BASE = 'https://guild.example.com';
const deps = { baseUrl: BASE, secret: 's'.repeat(40) };

describe('digestDue', () => {
  it('is due at or after 07:00 in the member’s zone, once a calendar day, weekly on Mondays', () => {
    const zone = 'Europe/Berlin';
    // 2026-11-30 is a Monday; Berlin is UTC+1 in winter.
    expect(digestDue('daily', new Date('2026-11-30T05:59:00Z'), zone, null)).toBe(false);
    expect(digestDue('daily', new Date('2026-11-30T06:00:00Z'), zone, null)).toBe(true);
    const sent = new Date('2026-11-30T06:00:00Z');
    expect(digestDue('daily', new Date('2026-11-30T22:59:00Z'), zone, sent)).toBe(false);
    expect(digestDue('daily', new Date('2026-12-01T05:59:00Z'), zone, sent)).toBe(false);
    expect(digestDue('daily', new Date('2026-12-01T06:00:00Z'), zone, sent)).toBe(true);
    expect(digestDue('weekly', new Date('2026-12-01T06:00:00Z'), zone, null)).toBe(false);
    expect(digestDue('weekly', new Date('2026-11-30T06:00:00Z'), zone, null)).toBe(true);
    expect(digestDue('weekly', new Date('2026-11-30T09:00:00Z'), zone, sent)).toBe(false);
    expect(digestDue('weekly', new Date('2026-12-07T06:00:00Z'), zone, sent)).toBe(true);
    expect(digestDue('daily', new Date('2026-11-30T07:00:00Z'), 'America/New_York', null)).toBe(
      false
    );
    expect(digestDue('daily', new Date('2026-11-30T12:00:00Z'), 'America/New_York', null)).toBe(
      true
    );
  });
});

for (const dialect of testDialects()) {
  describe(`digests (${dialect})`, () => {
    let t: TestDatabase;
    let db: Db;
    const queue = new RecordingQueue();

    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      db = t.db;
      await insertGroup(db, 'g1');
      for (const id of ['ann', 'bob', 'cy']) {
        await insertUser(db, id, { language: id === 'bob' ? 'de' : 'en' });
        await setMembership(db, 'g1', id);
      }
    });
    afterAll(async () => t.dispose());

    /** Adds a notification for `userId` with delivery `delivery`, created at `at`. */
    async function item(
      userId: string,
      title: string,
      at: string,
      delivery = 'daily',
      kind = 'post'
    ): Promise<void> {
      const payload: NotificationPayload = {
        text: kind === 'meeting' ? 'meetingPublished' : 'post',
        title,
        excerpt: null,
        path: `/groups/g1/board/${title}`,
        actor: { id: 'cy', handle: 'cy', displayName: 'Cy' },
        group: { id: 'g1', slug: 'g1', name: 'Rust Berlin' }
      };
      await db.kysely
        .insertInto('notifications')
        .values({
          id: randomUUID(),
          user_id: userId,
          activity_id: null,
          kind,
          group_id: 'g1',
          actor_id: null,
          subject_type: 'post',
          subject_id: title,
          payload: JSON.stringify(payload),
          delivery,
          created_at: new Date(at).toISOString(),
          read_at: null,
          mailed_at: null
        })
        .execute();
    }

    /** The digest mails sent by one run at `at` (UTC), as `to: titles`. */
    async function run(at: string, runs = 1): Promise<string[]> {
      queue.clear();
      await Promise.all(
        Array.from({ length: runs }, () => sendDueDigests(db, queue, deps, new Date(at)))
      );
      return queue.mails.map((mail) => {
        const titles = [...(mail.params.digest ?? '').matchAll(/“(\w+)”|„(\w+)“/g)].map(
          (m) => m[1] ?? m[2]
        );
        return `${mail.to.split('@')[0] ?? ''}: ${titles.join(' ')}`;
      });
    }

    it('sends a daily digest once a day with exactly the items since the last one', async () => {
      await item('ann', 'a1', '2026-11-29T20:00:00Z');
      await item('ann', 'a2', '2026-11-30T05:00:00Z');
      await item('ann', 'inapp', '2026-11-30T05:00:00Z', 'in_app');
      await item('ann', 'mailed', '2026-11-30T05:00:00Z', 'email');
      // 06:59 in Berlin: not yet.
      expect(await run('2026-11-30T05:59:00Z')).toEqual([]);
      expect(await run('2026-11-30T06:00:00Z')).toEqual(['ann: a1 a2']);
      const mail = queue.lastMail('ann@example.org', 'notification-digest');
      expect(mail.params.frequency).toBe('daily');
      expect(mail.params.digest).toContain(
        'Rust Berlin\n\nPosts:\n• Cy posted “a1” in Rust Berlin'
      );
      expect(mail.params.digest).toContain(`${BASE}/groups/g1/board/a1`);
      expect(mail.listUnsubscribe).toMatch(/\/api\/v1\/unsubscribe\?token=/);
      // The same day again: nothing, even with a new item.
      expect(await run('2026-11-30T06:15:00Z')).toEqual([]);
      await item('ann', 'a3', '2026-11-30T10:00:00Z');
      expect(await run('2026-11-30T10:15:00Z')).toEqual([]);
      // Day two: only the new item.
      expect(await run('2026-12-01T06:15:00Z')).toEqual(['ann: a3']);
      await item('ann', 'a4', '2026-12-01T12:00:00Z');
      await item('ann', 'a5', '2026-12-01T23:30:00Z');
      // Day three: the items of day two; day four without items: no mail.
      expect(await run('2026-12-02T06:00:00Z')).toEqual(['ann: a4 a5']);
      expect(await run('2026-12-03T06:00:00Z')).toEqual([]);
      const unmailed = await db.kysely
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', 'ann')
        .where('delivery', '=', 'daily')
        .where('mailed_at', 'is', null)
        .execute();
      expect(unmailed).toEqual([]);
    });

    it('sends one mail when two runs race', async () => {
      await item('ann', 'r1', '2026-12-03T08:00:00Z');
      await item('ann', 'r2', '2026-12-03T09:00:00Z');
      expect(await run('2026-12-04T06:30:00Z', 3)).toEqual(['ann: r1 r2']);
      expect(await run('2026-12-04T07:00:00Z', 2)).toEqual([]);
    });

    it('sends the weekly digest on Monday morning, in the member’s language, grouped', async () => {
      await item('bob', 'w1', '2026-11-24T10:00:00Z', 'weekly');
      await item('bob', 'm1', '2026-11-25T10:00:00Z', 'weekly', 'meeting');
      await item('bob', 'w2', '2026-11-28T10:00:00Z', 'weekly');
      // Sunday: not yet; Monday 2026-11-30 at 07:00 in Berlin: the week's items (the meeting's
      // sentence has no quoted title, so `run` lists only the posts).
      expect(await run('2026-11-29T09:00:00Z')).toEqual([]);
      expect(await run('2026-11-30T06:00:00Z', 2)).toEqual(['bob: w1 w2']);
      const mail = queue.lastMail('bob@example.org', 'notification-digest');
      expect(mail.locale).toBe('de');
      expect(mail.params.frequency).toBe('weekly');
      expect(mail.params.digest).toContain('Treffen:\n• Neues Treffen in Rust Berlin: m1');
      expect(mail.params.count).toBe('3');
      expect(mail.params.digest?.indexOf('Treffen:')).toBeLessThan(
        mail.params.digest?.indexOf('Beiträge:') ?? -1
      );
      await item('bob', 'w3', '2026-11-30T10:00:00Z', 'weekly');
      expect(await run('2026-12-01T06:00:00Z')).toEqual([]);
      expect(await run('2026-12-07T06:00:00Z')).toEqual(['bob: w3']);
    });
  });
}
