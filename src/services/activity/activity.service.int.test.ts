import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../db/write-transaction.ts';
import { insertUser } from '../../test/factories.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/test-database.ts';
import {
  type Activity,
  dispatchActivities,
  pendingActivities,
  recordActivity
} from './activity.service.ts';

const group = { id: 'g-none', slug: 'none', name: 'None' };

describe.each(testDialects())('the activity outbox (%s)', (dialect) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(dialect);
    await insertUser(test.db, 'u-actor');
  });
  afterAll(async () => {
    await test.dispose();
  });

  const record = (title: string) =>
    writeTransaction(test.db, (trx) =>
      recordActivity(trx, {
        kind: 'post.created',
        groupId: null,
        actorId: 'u-actor',
        subjectType: 'post',
        subjectId: `p-${title}`,
        payload: {
          group,
          post: {
            id: `p-${title}`,
            kind: 'help',
            title,
            excerpt: '',
            authorId: 'u-actor',
            path: `/groups/none/board/p-${title}`
          },
          author: { id: 'u-actor', handle: 'actor', displayName: 'Actor' },
          mentions: []
        }
      })
    );

  it('keeps nothing of a transaction that rolls back', async () => {
    await expect(
      writeTransaction(test.db, async (trx) => {
        await recordActivity(trx, {
          kind: 'member.warned',
          groupId: null,
          actorId: null,
          subjectType: 'user',
          subjectId: 'u-actor',
          payload: { group: null, userId: 'u-actor', message: 'nope' }
        });
        throw new Error('the change failed');
      })
    ).rejects.toThrow('the change failed');
    expect(await pendingActivities(test.db)).toEqual([]);
  });

  it('hands every activity to every consumer once, in order, with its payload', async () => {
    await record('first');
    await record('second');
    const seen: string[][] = [[], []];
    const consumers = seen.map((list) => (a: Activity) => {
      if (a.kind === 'post.created') list.push(a.payload.post.title);
      return Promise.resolve();
    });
    expect(await dispatchActivities(test.db, consumers)).toBe(2);
    expect(seen).toEqual([
      ['first', 'second'],
      ['first', 'second']
    ]);
    expect(await dispatchActivities(test.db, consumers)).toBe(0);
    expect(seen[0]).toHaveLength(2);
  });

  it('leaves an activity pending while a consumer fails, and dispatches it on the next run', async () => {
    await record('flaky');
    let fail = true;
    const errors: unknown[] = [];
    const consumer = () => (fail ? Promise.reject(new Error('receiver down')) : Promise.resolve());
    expect(await dispatchActivities(test.db, [consumer], (e) => errors.push(e))).toBe(0);
    expect(errors).toHaveLength(1);
    expect((await pendingActivities(test.db)).map((a) => a.subjectId)).toEqual(['p-flaky']);
    fail = false;
    expect(await dispatchActivities(test.db, [consumer])).toBe(1);
    expect(await pendingActivities(test.db)).toEqual([]);
  });
});
