import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDate } from '../../db/values.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/test-database.ts';
import { HEALTH_STATE, rollUpHealth } from './health-rollup.ts';
import {
  GROUP_ID,
  insertHistory,
  NOW,
  resetHealth,
  snapshotHealth
} from './health-test-history.ts';

// The rollup goes through history in slices of days and records a first run's progress: the
// tables must come out the same however the history is sliced, and when a first run is stopped
// part-way and a later run resumes it (see health.int.test.ts for the known answers themselves).

for (const dialect of testDialects()) {
  describe(`health rollup slices on ${dialect}`, () => {
    let t: TestDatabase;
    /** The tables after one uninterrupted first run with one slice over all history. */
    let whole: Record<string, string[]>;

    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      await insertHistory(t.db);
      await rollUpHealth(t.db, { now: NOW, sliceDays: 100_000 });
      whole = await snapshotHealth(t.db);
    });
    afterAll(async () => {
      await t.dispose();
    });

    it('tiny slices give the same tables as one slice, and the run yields between them', async () => {
      await resetHealth(t.db);
      let ticks = 0;
      const timer = setInterval(() => {
        ticks += 1;
      }, 1);
      const sliced = await rollUpHealth(t.db, { now: NOW, sliceDays: 5 });
      clearInterval(timer);
      expect(await snapshotHealth(t.db)).toEqual(whole);
      expect(sliced.meetings).toBe(8);
      expect(sliced.signals).toBe(whole.health_signals?.length);
      // Timers ran while the rollup was going: it gave the event loop a turn between slices.
      expect(ticks).toBeGreaterThan(5);
      // The default slice size, and a second (incremental) run in tiny slices, agree as well.
      await resetHealth(t.db);
      await rollUpHealth(t.db, { now: NOW });
      expect(await snapshotHealth(t.db)).toEqual(whole);
      await rollUpHealth(t.db, { now: NOW, sliceDays: 1 });
      expect(await snapshotHealth(t.db)).toEqual(whole);
    });

    it('a first run stopped part-way is resumed where it stopped, with the same result', async () => {
      await resetHealth(t.db);
      const observe = t.db.observeQueries;
      if (!observe) throw new Error('the test database observes no queries');
      // Stop right after the first slice that wrote a meeting has committed its progress.
      const stop = new AbortController();
      let wroteMeeting = false;
      const unobserve = observe((q) => {
        if (q.sql.startsWith('insert into "health_meetings"')) wroteMeeting = true;
        else if (wroteMeeting && q.sql.startsWith('insert into "health_state"')) stop.abort();
      });
      await expect(
        rollUpHealth(t.db, { now: NOW, sliceDays: 30, signal: stop.signal })
      ).rejects.toThrow();
      unobserve();

      const state = new Map(
        (await t.db.kysely.selectFrom('health_state').selectAll().execute()).map((r) => [
          r.key,
          r.value
        ])
      );
      expect(state.has(HEALTH_STATE.signalsUntil)).toBe(false);
      const progress = JSON.parse(state.get(HEALTH_STATE.firstRun) ?? '{}') as {
        next: string;
        on: string;
      };
      expect(progress.on).toBe('2026-11-24');
      expect(progress.next > '2026-04-15' && progress.next < '2026-10-14').toBe(true);
      const done = await t.db.kysely.selectFrom('health_meetings').select('starts_at').execute();
      expect(done.length).toBeGreaterThan(0);
      expect(done.length).toBeLessThan(8);

      // The next run goes on from the recorded day only, and ends where one run would have.
      const resumed = await rollUpHealth(t.db, { now: NOW, sliceDays: 30 });
      expect(resumed.meetings).toBe(8 - done.length);
      const after = (await t.db.kysely.selectFrom('health_signals').select('day').execute()).filter(
        (s) => s.day >= progress.next
      );
      expect(resumed.signals).toBe(after.length);
      expect(await snapshotHealth(t.db)).toEqual(whole);
      expect(
        done.every((m) => toDate(m.starts_at).toISOString() < `${progress.next}T00:00:00.000Z`)
      ).toBe(true);
    });

    it('a run stopped after its signals recomputes every group’s members next time', async () => {
      // Once a day's members are done, later runs that day recompute the changed groups only; if
      // such a run stops after writing changed signals, the next one must not skip those groups.
      await resetHealth(t.db);
      await rollUpHealth(t.db, { now: NOW });
      await t.db.kysely.deleteFrom('health_members').execute();
      // A stale row in the window a later run the same day recomputes (from yesterday): the next
      // run finds the group changed.
      await t.db.kysely
        .insertInto('health_signals')
        .values({ group_id: GROUP_ID, day: '2026-11-23', user_id: 'A', signal: 'posted', count: 1 })
        .execute();
      const stop = new AbortController();
      const observe = t.db.observeQueries;
      if (!observe) throw new Error('the test database observes no queries');
      const unobserve = observe((q) => {
        if (
          q.sql.startsWith('insert into "health_meetings"') ||
          q.sql.startsWith('delete from "health_meetings"')
        )
          stop.abort();
      });
      await expect(rollUpHealth(t.db, { now: NOW, signal: stop.signal })).rejects.toThrow();
      unobserve();
      expect(await t.db.kysely.selectFrom('health_members').selectAll().execute()).toEqual([]);
      const next = await rollUpHealth(t.db, { now: NOW });
      expect(next.members).toBe(14);
      expect(await snapshotHealth(t.db)).toEqual(whole);
    });
  });
}
