import { afterEach, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, testDialects } from '../test/test-database.ts';
import { createJobQueue } from './create-job-queue.ts';
import type { JobQueue } from './job-queue.ts';
import { PgBossJobQueue, jobIdForKey } from './pg-boss-job-queue.ts';
import { type PeriodicJob, periodSlotKey, registerPeriodicJob } from './periodic-job.ts';
import pino from 'pino';

const HOUR = 3600_000;

describe('periodSlotKey', () => {
  it('names the epoch-aligned slot a time falls in, the same on every node', () => {
    expect(periodSlotKey(0, 60_000)).toBe('slot:0');
    expect(periodSlotKey(59_999, 60_000)).toBe('slot:0');
    expect(periodSlotKey(60_000, 60_000)).toBe('slot:1');
    expect(periodSlotKey(Date.UTC(2026, 10, 25, 13), HOUR)).toBe(
      `slot:${Date.UTC(2026, 10, 25, 13) / HOUR}`
    );
  });

  it('maps a key to one job id per queue (a UUID pg-boss accepts)', () => {
    const id = jobIdForKey('polls', 'slot:7');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jobIdForKey('polls', 'slot:7')).toBe(id);
    expect(jobIdForKey('polls', 'slot:8')).not.toBe(id);
    expect(jobIdForKey('digests', 'slot:7')).not.toBe(id);
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

for (const dialect of testDialects()) {
  describe(`a periodic job on ${dialect}`, { timeout: 60_000 }, () => {
    it('runs at start, on the queue of this deployment', async () => {
      const t = await createTestDatabase(dialect);
      cleanups.push(() => t.dispose());
      const queue = createJobQueue(t.db, { databaseUrl: t.url, logger: pino({ enabled: false }) });
      let runs = 0;
      const job = registerPeriodicJob(queue, 'tick', HOUR, () => {
        runs += 1;
        return Promise.resolve();
      });
      await queue.start();
      cleanups.push(async () => {
        job.stop();
        await queue.stop();
      });
      await job.start();
      await queue.idle(20_000);
      expect(runs).toBe(1);
    });
  });
}

// Several app nodes each enqueue every periodic job; the work must still run once per period.
describe.runIf(process.env.GUILDHALL_TEST_PG_URL)(
  'periodic jobs across app nodes (postgres)',
  { timeout: 60_000 },
  () => {
    let t: TestDatabase;

    async function node(work: () => Promise<void>): Promise<{ queue: JobQueue; job: PeriodicJob }> {
      const queue = new PgBossJobQueue({ connectionString: t.url, pollingIntervalSeconds: 0.5 });
      const job = registerPeriodicJob(queue, 'sweep', HOUR, work);
      await queue.start();
      cleanups.push(async () => {
        job.stop();
        await queue.stop();
      });
      return { queue, job };
    }

    it('runs once per period although three nodes enqueue it', async () => {
      t = await createTestDatabase('postgres');
      cleanups.push(() => t.dispose());
      let runs = 0;
      const work = () => {
        runs += 1;
        return Promise.resolve();
      };
      const nodes = await Promise.all([node(work), node(work), node(work)]);
      await Promise.all(nodes.map((n) => n.job.start()));
      await Promise.all(nodes.map((n) => n.queue.idle(20_000)));
      // Each node polls twice a second: a second job would have run by now.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await Promise.all(nodes.map((n) => n.queue.idle(20_000)));
      expect(runs).toBe(1);
    });

    it('keeps one job per key, and distinct keys apart', async () => {
      t = await createTestDatabase('postgres');
      cleanups.push(() => t.dispose());
      const seen: unknown[] = [];
      const a = new PgBossJobQueue({ connectionString: t.url, pollingIntervalSeconds: 0.5 });
      const b = new PgBossJobQueue({ connectionString: t.url, pollingIntervalSeconds: 0.5 });
      cleanups.push(async () => {
        await Promise.all([a.stop(), b.stop()]);
      });
      for (const queue of [a, b]) {
        queue.work('keyed', (payload) => {
          seen.push(payload);
          return Promise.resolve();
        });
      }
      await Promise.all([a.start(), b.start()]);
      await Promise.all([
        a.enqueue('keyed', 'first', { key: 'k1' }),
        b.enqueue('keyed', 'second', { key: 'k1' }),
        a.enqueue('keyed', 'third', { key: 'k2' }),
        b.enqueue('keyed', 'unkeyed'),
        a.enqueue('keyed', 'unkeyed')
      ]);
      await Promise.all([a.idle(20_000), b.idle(20_000)]);
      expect(seen).toHaveLength(4);
      expect(seen.filter((p) => p === 'first' || p === 'second')).toHaveLength(1);
      expect(seen.filter((p) => p === 'third')).toHaveLength(1);
      expect(seen.filter((p) => p === 'unkeyed')).toHaveLength(2);
    });
  }
);
