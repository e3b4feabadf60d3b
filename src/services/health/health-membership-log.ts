// Before the health rollup's first run: every active membership without any membership_log row
// (inserted directly: demo, bench, tests) gets a +1 at the membership's creation, so members over
// time add up to today's members. Done a page of groups at a time, each page in its own short
// write transaction, so neither memory nor a held write lock grows with the instance.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Db } from '../../db/database.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { lockRollup } from './health-lock.ts';

/** Groups reconciled per transaction. */
const GROUPS_PER_PAGE = 500;
/** Rows per insert statement. */
const BATCH = 500;

/**
 * Gives every active membership without a log row its +1 (idempotent: the row's id is fixed).
 *
 * @example
 * await reconcileMembershipLog(db);
 */
export async function reconcileMembershipLog(db: Db, signal?: AbortSignal): Promise<void> {
  let after: string | null = null;
  for (;;) {
    signal?.throwIfAborted();
    let page = db.kysely.selectFrom('groups').select('id').orderBy('id').limit(GROUPS_PER_PAGE);
    if (after !== null) page = page.where('id', '>', after);
    const ids = (await page.execute()).map((g) => g.id);
    const last = ids.at(-1);
    if (last === undefined) return;
    after = last;
    // Read inside the write transaction: a join that commits in between writes its own log row.
    await writeTransaction(db, async (trx) => {
      await lockRollup(db, trx);
      // Compared in JS: a correlated NOT EXISTS would scan a group's whole log per member.
      const logged = new Set(
        (
          await trx
            .selectFrom('membership_log')
            .select(['group_id', 'user_id'])
            .distinct()
            .where('group_id', 'in', ids)
            .where('user_id', 'is not', null)
            .execute()
        ).map((r) => `${r.group_id}:${r.user_id ?? ''}`)
      );
      const missing = (
        await trx
          .selectFrom('memberships')
          .select(['group_id', 'user_id', 'created_at'])
          .where('group_id', 'in', ids)
          .where('status', '=', 'active')
          .execute()
      ).filter((m) => !logged.has(`${m.group_id}:${m.user_id}`));
      for (let i = 0; i < missing.length; i += BATCH)
        await trx
          .insertInto('membership_log')
          .values(
            missing.slice(i, i + BATCH).map((m) => ({
              id: `joined:${m.group_id}:${m.user_id}`,
              group_id: m.group_id,
              user_id: m.user_id,
              delta: 1,
              created_at: m.created_at
            }))
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
    });
    await yieldToEventLoop();
  }
}
