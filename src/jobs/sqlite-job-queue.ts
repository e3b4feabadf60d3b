import { setTimeout as delay } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { EnqueueOptions, JobHandler, JobQueue } from './job-queue.ts';
import { describeError, isPermanentJobError } from './permanent-job-error.ts';

/** Tuning knobs of the table-backed queue; the defaults suit production, tests shrink them. */
export interface SqliteJobQueueOptions {
  /** How often an idle worker looks for due jobs, in ms. Default 500. */
  pollMs?: number;
  /** Base retry delay in ms: a job that failed `n` times waits `backoffMs · 2^n`. Default 1000. */
  backoffMs?: number;
  /** Upper bound of the retry delay, in ms. Default one hour. */
  maxBackoffMs?: number;
  /**
   * How long a claimed job stays locked, in ms. The worker renews the lock while the handler runs,
   * so only a crashed process lets it lapse; the job then becomes claimable again. Default 60 000.
   */
  lockMs?: number;
  /**
   * How long finished (`done`) jobs are kept before the worker deletes them, in ms; checked about
   * once an hour. Failed jobs are kept for inspection. Default seven days.
   */
  retentionMs?: number;
  /** Where failures and retries are logged. Default: silent. */
  logger?: Logger;
}

/** The `state` column's values. */
type JobState = 'queued' | 'running' | 'done' | 'failed';

interface ClaimedJob {
  id: number | string;
  queue: string;
  payload: string;
  attempts: number;
  max_attempts: number;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_ERROR_LENGTH = 2000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * The `JobQueue` over the `jobs` table: the default on SQLite, where one process runs everything.
 * The SQL is portable, so it also runs on PostgreSQL (claims use `FOR UPDATE SKIP LOCKED` there),
 * although production PostgreSQL deployments use pg-boss.
 *
 * - One job at a time per instance. A poll loop (timer `unref`'d, so it never keeps the process
 *   alive) claims the oldest due job atomically: `UPDATE … RETURNING` sets state `running`,
 *   counts the attempt and locks the row until `now + lockMs`; the lock is renewed while the
 *   handler runs.
 * - Success sets state `done`. A thrown error stores `last_error` and reschedules the job
 *   `backoffMs · 2^attempts` later (capped at `maxBackoffMs`); once `max_attempts` attempts have
 *   been used, or when the handler throws a `PermanentJobError`, the state becomes `failed`.
 * - A job whose lock lapsed (its worker crashed) is claimed again; if that crashed attempt was its
 *   last, it is marked `failed` instead.
 * - `done` jobs are deleted after `retentionMs`; `failed` ones stay for inspection.
 * - `key` (idempotent enqueue across nodes) is ignored: with SQLite one process enqueues everything,
 *   and its own enqueues are not repeated by another node.
 * - Jobs of queues without a handler in this process stay `queued`: another process may handle
 *   them. `idle()` only looks at queues this instance enqueued to or works on.
 *
 * @example
 * const queue = new SqliteJobQueue(db, { logger });
 * queue.work('mail', async (payload) => mailer.send(parse(payload)));
 * await queue.start();
 * await queue.enqueue('mail', message);
 * await queue.idle(); // the mail has been sent (or rescheduled after a failure)
 * await queue.stop();
 */
export class SqliteJobQueue implements JobQueue {
  readonly #db: Db;
  readonly #pollMs: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #lockMs: number;
  readonly #retentionMs: number;
  readonly #logger: Logger;
  readonly #handlers = new Map<string, JobHandler>();
  /** Queues this instance enqueued to or works on: what `idle()` waits for. */
  readonly #knownQueues = new Set<string>();
  #started = false;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  /** The drain pass in progress (claiming and running jobs until none is due). */
  #draining: Promise<void> | undefined;
  /** Set when new work may have arrived while a drain pass was running. */
  #wakeAgain = false;
  #lastPruneAt = 0;

  constructor(db: Db, options: SqliteJobQueueOptions = {}) {
    this.#db = db;
    this.#pollMs = options.pollMs ?? 500;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 60 * 60 * 1000;
    this.#lockMs = options.lockMs ?? 60_000;
    this.#retentionMs = options.retentionMs ?? 7 * 24 * 60 * 60 * 1000;
    this.#logger = options.logger ?? pino({ enabled: false });
  }

  async enqueue(queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a whole number of at least 1, got ${maxAttempts}`);
    }
    const now = Date.now();
    await this.#db.kysely
      .insertInto('jobs')
      .values({
        queue,
        payload: JSON.stringify(payload ?? null),
        state: 'queued' satisfies JobState,
        attempts: 0,
        max_attempts: maxAttempts,
        run_at: this.#time(options.runAt?.getTime() ?? now),
        created_at: this.#time(now)
      })
      .execute();
    this.#knownQueues.add(queue);
    this.#wake();
  }

  work(queue: string, handler: JobHandler): void {
    if (this.#handlers.has(queue))
      throw new Error(`A handler for queue "${queue}" is already registered`);
    this.#handlers.set(queue, handler);
    this.#knownQueues.add(queue);
    this.#wake();
  }

  start(): Promise<void> {
    if (this.#stopping) return Promise.reject(new Error('This job queue was stopped'));
    if (!this.#started) {
      this.#started = true;
      this.#schedule(0);
    }
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#draining;
  }

  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.depth()) === 0) return;
      if (Date.now() >= deadline) {
        throw new Error(`Job queue still has due or running jobs after ${timeoutMs} ms`);
      }
      await delay(Math.min(25, this.#pollMs));
    }
  }

  /** Runs the next poll at once (after enqueue or work) instead of waiting for the timer. */
  #wake(): void {
    if (!this.#started || this.#stopping) return;
    if (this.#draining) this.#wakeAgain = true;
    else this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#stopping) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wakeAgain = false;
      this.#draining = this.#drain();
    }, delayMs);
    this.#timer.unref();
  }

  /** Claims and runs due jobs one after another until none is left, then schedules the next poll. */
  async #drain(): Promise<void> {
    try {
      await this.#failAbandoned();
      await this.#pruneFinished();
      while (!this.#stopping) {
        const job = await this.#claim();
        if (!job) break;
        await this.#run(job);
      }
    } catch (error) {
      this.#logger.error({ err: error }, 'job queue poll failed; trying again');
    } finally {
      this.#draining = undefined;
      this.#schedule(this.#wakeAgain ? 0 : this.#pollMs);
    }
  }

  /** Atomically takes the oldest due job of a queue this instance handles, or returns undefined. */
  async #claim(): Promise<ClaimedJob | undefined> {
    const queues = [...this.#handlers.keys()];
    if (queues.length === 0) return undefined;
    const now = Date.now();
    const nowValue = this.#time(now);
    const postgres = this.#db.dialect === 'postgres';
    return this.#db.kysely
      .updateTable('jobs')
      .set((eb) => ({
        state: 'running' satisfies JobState,
        attempts: eb('attempts', '+', 1),
        locked_until: this.#time(now + this.#lockMs)
      }))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('queue', 'in', queues)
          .where((w) =>
            w.or([
              w.and([w('state', '=', 'queued'), w('run_at', '<=', nowValue)]),
              w.and([
                w('state', '=', 'running'),
                w('locked_until', '<', nowValue),
                w('attempts', '<', w.ref('max_attempts'))
              ])
            ])
          )
          .orderBy('run_at')
          .orderBy('id')
          .limit(1)
          .$if(postgres, (q) => q.forUpdate().skipLocked())
      )
      .returning(['id', 'queue', 'payload', 'attempts', 'max_attempts'])
      .executeTakeFirst();
  }

  /** Fails jobs whose worker died during their last allowed attempt (lock lapsed, no attempts left). */
  async #failAbandoned(): Promise<void> {
    const queues = [...this.#handlers.keys()];
    if (queues.length === 0) return;
    const now = this.#time(Date.now());
    const rows = await this.#db.kysely
      .updateTable('jobs')
      .set({
        state: 'failed' satisfies JobState,
        locked_until: null,
        finished_at: now,
        last_error:
          'The worker running the last attempt stopped without finishing it (lock expired)'
      })
      .where('queue', 'in', queues)
      .where('state', '=', 'running')
      .where('locked_until', '<', now)
      .whereRef('attempts', '>=', 'max_attempts')
      .returning(['id', 'queue'])
      .execute();
    for (const row of rows) {
      this.#logger.error(
        { jobId: row.id, queue: row.queue },
        'job failed: its worker crashed on the last attempt'
      );
    }
  }

  /** Deletes `done` jobs older than the retention period (at most once per PRUNE_EVERY_MS). */
  async #pruneFinished(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPruneAt < PRUNE_EVERY_MS) return;
    this.#lastPruneAt = now;
    const result = await this.#db.kysely
      .deleteFrom('jobs')
      .where('state', '=', 'done')
      .where('finished_at', '<', this.#time(now - this.#retentionMs))
      .executeTakeFirst();
    if (result.numDeletedRows > 0n) {
      this.#logger.debug({ deleted: Number(result.numDeletedRows) }, 'deleted old finished jobs');
    }
  }

  async #run(job: ClaimedJob): Promise<void> {
    const handler = this.#handlers.get(job.queue);
    if (!handler) return; // cannot happen: #claim only takes queues with a handler
    const renew = setInterval(
      () => {
        this.#renewLock(job).catch((error: unknown) => {
          this.#logger.warn({ err: error, jobId: job.id }, 'could not renew job lock');
        });
      },
      Math.max(10, Math.floor(this.#lockMs / 3))
    );
    renew.unref();
    try {
      let payload: unknown;
      try {
        payload = JSON.parse(job.payload);
      } catch (error) {
        await this.#finishFailed(
          job,
          new Error(`Stored payload is not JSON: ${describeError(error)}`),
          true
        );
        return;
      }
      try {
        await handler(payload);
      } catch (error) {
        await this.#finishFailed(job, error, isPermanentJobError(error));
        return;
      }
      await this.#settle(job, {
        state: 'done',
        locked_until: null,
        finished_at: this.#time(Date.now())
      });
    } finally {
      clearInterval(renew);
    }
  }

  async #finishFailed(job: ClaimedJob, error: unknown, permanent: boolean): Promise<void> {
    const lastError = describeError(error).slice(0, MAX_ERROR_LENGTH);
    const now = Date.now();
    if (permanent || job.attempts >= job.max_attempts) {
      await this.#settle(job, {
        state: 'failed',
        locked_until: null,
        finished_at: this.#time(now),
        last_error: lastError
      });
      this.#logger.error(
        { err: error, jobId: job.id, queue: job.queue, attempts: job.attempts },
        permanent ? 'job failed permanently' : 'job failed after its last attempt'
      );
      return;
    }
    const waitMs = Math.min(this.#backoffMs * 2 ** job.attempts, this.#maxBackoffMs);
    await this.#settle(job, {
      state: 'queued',
      locked_until: null,
      run_at: this.#time(now + waitMs),
      last_error: lastError
    });
    this.#logger.warn(
      { err: error, jobId: job.id, queue: job.queue, attempts: job.attempts, retryInMs: waitMs },
      'job failed; retrying later'
    );
  }

  /**
   * Writes the outcome of an attempt. The row must still be ours: running, with the attempt count
   * we claimed it with (a fencing token against a second worker that took over a lapsed lock).
   */
  async #settle(
    job: ClaimedJob,
    values: {
      state: JobState;
      locked_until: null;
      finished_at?: string | Date;
      run_at?: string | Date;
      last_error?: string;
    }
  ): Promise<void> {
    const result = await this.#db.kysely
      .updateTable('jobs')
      .set(values)
      .where('id', '=', Number(job.id))
      .where('state', '=', 'running')
      .where('attempts', '=', job.attempts)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) {
      this.#logger.warn(
        { jobId: job.id, queue: job.queue },
        'job was taken over by another worker; outcome dropped'
      );
    }
  }

  async #renewLock(job: ClaimedJob): Promise<void> {
    await this.#db.kysely
      .updateTable('jobs')
      .set({ locked_until: this.#time(Date.now() + this.#lockMs) })
      .where('id', '=', Number(job.id))
      .where('state', '=', 'running')
      .where('attempts', '=', job.attempts)
      .execute();
  }

  /** Jobs of known queues that are running or due now. */
  async depth(): Promise<number> {
    const queues = [...this.#knownQueues];
    if (queues.length === 0) return 0;
    const now = this.#time(Date.now());
    const row = await this.#db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where('queue', 'in', queues)
      .where((w) =>
        w.or([
          w('state', '=', 'running'),
          w.and([w('state', '=', 'queued'), w('run_at', '<=', now)])
        ])
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A timestamp as the dialect stores it: ISO text on SQLite, a Date on PostgreSQL. */
  #time(ms: number): string | Date {
    return this.#db.dialect === 'sqlite' ? new Date(ms).toISOString() : new Date(ms);
  }
}
