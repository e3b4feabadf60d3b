import pg from 'pg';
import { PgBoss } from 'pg-boss';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, testDialects } from '../test/test-database.ts';
import { createJobQueue } from './create-job-queue.ts';
import type { JobQueue } from './job-queue.ts';
import { PermanentJobError } from './permanent-job-error.ts';
import { PgBossJobQueue } from './pg-boss-job-queue.ts';
import { SqliteJobQueue } from './sqlite-job-queue.ts';

type FinalState = 'done' | 'failed' | 'pending';

/** What the shared contract needs to know about one implementation. */
interface QueueUnderTest {
  queue: JobQueue;
  /** The smallest wait the queue may leave between attempt `n` failing and attempt `n + 1`. */
  minRetryGapMs(failedAttempts: number): number;
  /**
   * Leaves a job of `queueName` as a worker that died mid-job leaves it: claimed, never finished.
   * Resolves with the time from which the job may be claimed again.
   */
  crashWhileRunning(queueName: string, payload: unknown): Promise<number>;
  /** The state of the only job in `queueName`, and its stored error. */
  jobState(queueName: string): Promise<{ state: FinalState; error: string }>;
}

interface Implementation {
  name: string;
  /** A queue over `t`; a second call gives a second, independent instance (another "process"). */
  create(t: TestDatabase): QueueUnderTest;
}

const tableQueue: Implementation = {
  name: 'SqliteJobQueue (jobs table)',
  create(t) {
    const backoffMs = 25;
    const time = (ms: number): string | Date =>
      t.dialect === 'sqlite' ? new Date(ms).toISOString() : new Date(ms);
    return {
      queue: new SqliteJobQueue(t.db, { pollMs: 20, backoffMs, lockMs: 400 }),
      minRetryGapMs: (n) => backoffMs * 2 ** n,
      async crashWhileRunning(queueName, payload) {
        const now = Date.now();
        const lockedUntil = now + 300;
        await t.db.kysely
          .insertInto('jobs')
          .values({
            queue: queueName,
            payload: JSON.stringify(payload),
            state: 'running',
            attempts: 1,
            max_attempts: 5,
            run_at: time(now),
            locked_until: time(lockedUntil),
            created_at: time(now)
          })
          .execute();
        return lockedUntil;
      },
      async jobState(queueName) {
        const row = await t.db.kysely
          .selectFrom('jobs')
          .select(['state', 'last_error'])
          .where('queue', '=', queueName)
          .executeTakeFirstOrThrow();
        const state = row.state === 'done' || row.state === 'failed' ? row.state : 'pending';
        return { state, error: row.last_error ?? '' };
      }
    };
  }
};

const pgBossQueue: Implementation = {
  name: 'PgBossJobQueue',
  create(t) {
    const queue = new PgBossJobQueue({
      connectionString: t.url,
      pollingIntervalSeconds: 0.5,
      retryDelaySeconds: 1,
      retryDelayMaxSeconds: 1,
      expireInSeconds: 1,
      superviseIntervalSeconds: 1
    });
    return {
      queue,
      minRetryGapMs: () => 900,
      async crashWhileRunning(queueName, payload) {
        await queue.enqueue(queueName, payload);
        const dead = new PgBoss({ connectionString: t.url, supervise: false, schedule: false });
        dead.on('error', () => undefined);
        await dead.start();
        const beforeClaim = Date.now();
        const [job] = await dead.fetch(queueName);
        expect(job).toBeDefined();
        // The "process" goes away without completing or failing the job it holds.
        await dead.stop({ graceful: false, close: true });
        return beforeClaim + 1000; // expireInSeconds after the claim
      },
      async jobState(queueName) {
        const client = new pg.Client({ connectionString: t.url });
        await client.connect();
        try {
          const { rows } = await client.query<{
            state: string;
            output: { message?: string } | null;
          }>('SELECT state, output FROM pgboss.job WHERE name = $1', [queueName]);
          expect(rows).toHaveLength(1);
          const row = rows[0];
          const state =
            row?.state === 'completed' ? 'done' : row?.state === 'failed' ? 'failed' : 'pending';
          return { state, error: row?.output?.message ?? '' };
        } finally {
          await client.end();
        }
      }
    };
  }
};

async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let queueCounter = 0;
const uniqueQueue = (): string => `test-${++queueCounter}`;

function jobQueueContract(implementation: Implementation, dialect: 'sqlite' | 'postgres'): void {
  describe(`${implementation.name} on ${dialect}`, () => {
    let t: TestDatabase;
    const open: JobQueue[] = [];
    const make = (): QueueUnderTest => {
      const made = implementation.create(t);
      open.push(made.queue);
      return made;
    };
    const finished = (q: QueueUnderTest, name: string) =>
      waitFor(async () => {
        const s = await q.jobState(name);
        return s.state === 'pending' ? undefined : s;
      });

    beforeAll(async () => {
      t = await createTestDatabase(dialect);
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((q) => q.stop()));
    });
    afterAll(async () => {
      await t.dispose();
    });

    it('runs jobs with their payloads, enqueued before and after start', async () => {
      const q = make();
      const name = uniqueQueue();
      const seen: unknown[] = [];
      q.queue.work(name, (payload) => {
        seen.push(payload);
        return Promise.resolve();
      });
      await q.queue.enqueue(name, { n: 1, text: 'ä <b>' });
      await q.queue.start();
      await q.queue.enqueue(name, 'two');
      await q.queue.idle(10_000);
      expect(seen).toEqual([{ n: 1, text: 'ä <b>' }, 'two']);
    });

    it('retries a failing job with backoff until it succeeds', async () => {
      const q = make();
      const name = uniqueQueue();
      const calls: number[] = [];
      q.queue.work(name, () => {
        calls.push(Date.now());
        return calls.length < 3
          ? Promise.reject(new Error(`boom ${calls.length}`))
          : Promise.resolve();
      });
      await q.queue.start();
      await q.queue.enqueue(name, {}, { maxAttempts: 5 });
      const final = await finished(q, name);
      expect(final.state).toBe('done');
      expect(calls).toHaveLength(3);
      const [first = 0, second = 0, third = 0] = calls;
      expect(second - first).toBeGreaterThanOrEqual(q.minRetryGapMs(1));
      expect(third - second).toBeGreaterThanOrEqual(q.minRetryGapMs(2));
    });

    it('gives up after maxAttempts and keeps the last error', async () => {
      const q = make();
      const name = uniqueQueue();
      let calls = 0;
      q.queue.work(name, () => Promise.reject(new Error(`boom ${++calls}`)));
      await q.queue.start();
      await q.queue.enqueue(name, {}, { maxAttempts: 3 });
      const final = await finished(q, name);
      expect(final).toEqual({
        state: 'failed',
        error: expect.stringContaining('boom 3') as unknown
      });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(calls).toBe(3);
    });

    it('fails a job at once when the handler throws PermanentJobError', async () => {
      const q = make();
      const name = uniqueQueue();
      let calls = 0;
      q.queue.work(name, () => {
        calls++;
        return Promise.reject(new PermanentJobError('payload is malformed'));
      });
      await q.queue.start();
      await q.queue.enqueue(name, {}, { maxAttempts: 5 });
      const final = await finished(q, name);
      expect(final).toEqual({
        state: 'failed',
        error: expect.stringContaining('payload is malformed') as unknown
      });
      expect(calls).toBe(1);
    });

    it('retries a job whose worker crashed, once its lock has expired', async () => {
      const q = make();
      const name = uniqueQueue();
      const claimableAt = await q.crashWhileRunning(name, { id: 7 });
      const calls: { at: number; payload: unknown }[] = [];
      q.queue.work(name, (payload) => {
        calls.push({ at: Date.now(), payload });
        return Promise.resolve();
      });
      await q.queue.start();
      const final = await finished(q, name);
      expect(final.state).toBe('done');
      expect(calls).toEqual([{ at: expect.any(Number) as unknown, payload: { id: 7 } }]);
      expect(calls[0]?.at).toBeGreaterThanOrEqual(claimableAt - 50);
    });

    it('stop() waits for the running job to finish', async () => {
      const q = make();
      const name = uniqueQueue();
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      q.queue.work(name, async () => {
        started = true;
        await gate;
      });
      await q.queue.start();
      await q.queue.enqueue(name, {});
      await waitFor(() => (started ? true : undefined));
      let stopped = false;
      const stopping = q.queue.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect((await q.jobState(name)).state).toBe('done');
    });

    it('idle() rejects on timeout while a due job cannot run, and resolves once it ran', async () => {
      const q = make();
      const name = uniqueQueue();
      let ran = false;
      q.queue.work(name, () => {
        ran = true;
        return Promise.resolve();
      });
      await q.queue.enqueue(name, {});
      await expect(q.queue.idle(300)).rejects.toThrow(/after 300 ms/);
      await q.queue.start();
      await q.queue.idle(10_000);
      expect(ran).toBe(true);
    });

    it('runs a job no earlier than its runAt, and idle() does not wait for it', async () => {
      const q = make();
      const name = uniqueQueue();
      const calls: number[] = [];
      q.queue.work(name, () => {
        calls.push(Date.now());
        return Promise.resolve();
      });
      await q.queue.start();
      const runAt = new Date(Date.now() + 1500);
      await q.queue.enqueue(name, {}, { runAt });
      await q.queue.idle(1000);
      expect(calls).toEqual([]);
      await finished(q, name);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toBeGreaterThanOrEqual(runAt.getTime() - 50);
    });

    it('rejects a maxAttempts below 1', async () => {
      const q = make();
      await expect(q.queue.enqueue(uniqueQueue(), {}, { maxAttempts: 0 })).rejects.toThrow(
        RangeError
      );
    });
  });
}

for (const dialect of testDialects()) {
  jobQueueContract(tableQueue, dialect);
  if (dialect === 'postgres') jobQueueContract(pgBossQueue, dialect);

  describe(`SqliteJobQueue specifics on ${dialect}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await t.dispose();
    });

    it('leaves jobs of queues it has no handler for queued', async () => {
      const producer = new SqliteJobQueue(t.db, { pollMs: 20 });
      await producer.enqueue('handled-elsewhere', { x: 1 });
      const worker = new SqliteJobQueue(t.db, { pollMs: 20 });
      let ran = 0;
      worker.work('handled-here', () => {
        ran++;
        return Promise.resolve();
      });
      await worker.start();
      await worker.enqueue('handled-here', {});
      await worker.idle(5000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await worker.stop();
      expect(ran).toBe(1);
      const row = await t.db.kysely
        .selectFrom('jobs')
        .select(['state', 'attempts'])
        .where('queue', '=', 'handled-elsewhere')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'queued', attempts: 0 });
      await expect(producer.idle(200)).rejects.toThrow(/still has due/);
    });

    it('fails a job whose worker crashed during its last attempt', async () => {
      const past = new Date(Date.now() - 1000);
      const time = dialect === 'sqlite' ? past.toISOString() : past;
      await t.db.kysely
        .insertInto('jobs')
        .values({
          queue: 'crashed-last',
          payload: '{}',
          state: 'running',
          attempts: 3,
          max_attempts: 3,
          run_at: time,
          locked_until: time,
          created_at: time
        })
        .execute();
      const worker = new SqliteJobQueue(t.db, { pollMs: 20 });
      let ran = 0;
      worker.work('crashed-last', () => {
        ran++;
        return Promise.resolve();
      });
      await worker.start();
      await worker.idle(5000);
      await worker.stop();
      const row = await t.db.kysely
        .selectFrom('jobs')
        .select(['state', 'last_error', 'finished_at'])
        .where('queue', '=', 'crashed-last')
        .executeTakeFirstOrThrow();
      expect(ran).toBe(0);
      expect(row.state).toBe('failed');
      expect(row.last_error).toMatch(/lock expired/);
      expect(row.finished_at).not.toBeNull();
    });
    it('deletes done jobs older than the retention period and keeps failed ones', async () => {
      const time = (ms: number): string | Date =>
        dialect === 'sqlite' ? new Date(ms).toISOString() : new Date(ms);
      const old = time(Date.now() - 10_000);
      const row = {
        queue: 'retention',
        payload: '{}',
        attempts: 1,
        max_attempts: 5,
        run_at: old,
        created_at: old
      };
      await t.db.kysely
        .insertInto('jobs')
        .values([
          { ...row, state: 'done', finished_at: old },
          { ...row, state: 'failed', finished_at: old, last_error: 'Error: boom' },
          { ...row, state: 'done', finished_at: time(Date.now() + 60_000) }
        ])
        .execute();
      const worker = new SqliteJobQueue(t.db, { pollMs: 20, retentionMs: 5000 });
      worker.work('retention', () => Promise.resolve());
      await worker.start();
      await waitFor(async () => {
        const rows = await t.db.kysely
          .selectFrom('jobs')
          .select('state')
          .where('queue', '=', 'retention')
          .execute();
        return rows.length === 2 ? rows : undefined;
      });
      await worker.stop();
      const states = await t.db.kysely
        .selectFrom('jobs')
        .select('state')
        .where('queue', '=', 'retention')
        .orderBy('id')
        .execute();
      expect(states.map((r) => r.state)).toEqual(['failed', 'done']);
    });
  });

  describe(`createJobQueue on ${dialect}`, () => {
    it(`picks the ${dialect === 'sqlite' ? 'table-backed' : 'pg-boss'} queue`, async () => {
      const t = await createTestDatabase(dialect);
      try {
        const queue = createJobQueue(t.db, {
          databaseUrl: t.url,
          logger: pino({ enabled: false })
        });
        expect(queue).toBeInstanceOf(dialect === 'sqlite' ? SqliteJobQueue : PgBossJobQueue);
        await queue.stop();
      } finally {
        await t.dispose();
      }
    });
  });
}
