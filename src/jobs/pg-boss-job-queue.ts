import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { JobResult, PgBoss, QueueOptions } from 'pg-boss';
import pino, { type Logger } from 'pino';
import type { EnqueueOptions, JobHandler, JobQueue } from './job-queue.ts';
import { describeError, isPermanentJobError } from './permanent-job-error.ts';
import { lazyPackage } from '../lazy-package.ts';

/** pg-boss, loaded only when the database is PostgreSQL. */
const pgBossModule = lazyPackage<typeof import('pg-boss')>('pg-boss');

/** How to reach PostgreSQL and how pg-boss should retry; the defaults suit production. */
export interface PgBossJobQueueOptions {
  /** A postgres:// connection string (pg-boss keeps its own pool). */
  connectionString: string;
  /** Where pg-boss errors, warnings and job failures are logged. Default: silent. */
  logger?: Logger;
  /** The schema pg-boss installs itself into. Default `pgboss`. */
  schema?: string;
  /** How often an idle worker polls for jobs, in seconds (at least 0.5). Default 1. */
  pollingIntervalSeconds?: number;
  /** Base retry delay in whole seconds; retries back off exponentially from it. Default 2. */
  retryDelaySeconds?: number;
  /** Upper bound of the retry delay, in whole seconds. Default 3600. */
  retryDelayMaxSeconds?: number;
  /**
   * How long a job may stay active before pg-boss assumes its worker died and retries it, in
   * seconds. Handlers must finish within it. Default 300.
   */
  expireInSeconds?: number;
  /**
   * How often pg-boss looks for expired jobs (its supervise and monitor intervals), in seconds.
   * A crashed job runs again within `expireInSeconds` plus this. Default 60.
   */
  superviseIntervalSeconds?: number;
}

/**
 * The job id for an idempotency key: a UUID (version 8, name-based) derived from the queue and
 * the key, so every node computes the same id and pg-boss keeps only the first job.
 *
 * @example
 * jobIdForKey('polls', 'slot:29000000') === jobIdForKey('polls', 'slot:29000000'); // true
 */
export function jobIdForKey(queue: string, key: string): string {
  const bytes = createHash('sha256').update(`${queue}\n${key}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** pg-boss stores objects; every payload travels wrapped so that any JSON value fits. */
interface Envelope {
  payload: unknown;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The `JobQueue` over pg-boss 12, used when Guildhall runs on PostgreSQL (any number of app
 * nodes share the queue).
 *
 * - `maxAttempts` becomes pg-boss's `retryLimit` (`maxAttempts - 1`); retries back off
 *   exponentially from `retryDelaySeconds` (pg-boss adds jitter), capped at `retryDelayMaxSeconds`.
 * - A handler that throws `PermanentJobError` fails its job at once (pg-boss "deadletter"
 *   disposition, no retries).
 * - A worker that dies mid-job leaves it active; after `expireInSeconds` pg-boss's supervisor
 *   retries it.
 * - pg-boss starts lazily on the first `enqueue` or on `start()`; workers run only after `start()`.
 * - `key` becomes the job id (`jobIdForKey`): pg-boss drops a job whose id is taken, so nodes that
 *   enqueue the same keyed work create one job, which one worker of one node runs.
 * - `idle()` counts the jobs of known queues that are active or due directly in pg-boss's `job`
 *   table: the counts `getQueueStats()`/`getQueue()` return are a monitor cache (even a forced
 *   refresh may be a minute old), too stale to wait on.
 *
 * @example
 * const queue = new PgBossJobQueue({ connectionString: 'postgres://app@db/guildhall', logger });
 * queue.work('mail', async (payload) => mailer.send(parse(payload)));
 * await queue.start();
 * await queue.enqueue('mail', message);
 * await queue.stop();
 */
export class PgBossJobQueue implements JobQueue {
  readonly #boss: PgBoss;
  readonly #schema: string;
  readonly #logger: Logger;
  readonly #pollingIntervalSeconds: number;
  readonly #queueOptions: QueueOptions;
  readonly #handlers = new Map<string, JobHandler>();
  /** Queues created in pg-boss by this instance (creation is idempotent, this just saves calls). */
  readonly #createdQueues = new Map<string, Promise<void>>();
  /** Queues this instance enqueued to or works on: what `idle()` waits for. */
  readonly #knownQueues = new Set<string>();
  #booting: Promise<void> | undefined;
  #started = false;
  #stopped = false;

  constructor(options: PgBossJobQueueOptions) {
    this.#schema = options.schema ?? 'pgboss';
    if (!SCHEMA_NAME.test(this.#schema))
      throw new Error(`Invalid pg-boss schema name "${this.#schema}"`);
    this.#logger = options.logger ?? pino({ enabled: false });
    this.#pollingIntervalSeconds = options.pollingIntervalSeconds ?? 1;
    this.#queueOptions = {
      retryDelay: options.retryDelaySeconds ?? 2,
      retryBackoff: true,
      retryDelayMax: options.retryDelayMaxSeconds ?? 3600,
      expireInSeconds: options.expireInSeconds ?? 300
    };
    this.#boss = new (pgBossModule().PgBoss)({
      connectionString: options.connectionString,
      schema: this.#schema,
      application_name: 'guildhall-jobs',
      // Expired jobs are found by the supervisor, per queue at most once per monitor interval.
      superviseIntervalSeconds: options.superviseIntervalSeconds ?? 60,
      monitorIntervalSeconds: options.superviseIntervalSeconds ?? 60
    });
    // An EventEmitter without an 'error' listener would crash the process on pg-boss's first hiccup.
    this.#boss.on('error', (error) => {
      this.#logger.error({ err: error }, 'pg-boss error');
    });
    this.#boss.on('warning', (warning) => {
      this.#logger.warn({ warning }, 'pg-boss warning');
    });
  }

  async enqueue(queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a whole number of at least 1, got ${maxAttempts}`);
    }
    await this.#ensureQueue(queue);
    const envelope: Envelope = { payload: payload ?? null };
    await this.#boss.send(queue, envelope, {
      ...this.#queueOptions,
      retryLimit: maxAttempts - 1,
      ...(options.runAt ? { startAfter: options.runAt } : {}),
      // pg-boss inserts with ON CONFLICT DO NOTHING: a second job with this id is dropped.
      ...(options.key === undefined ? {} : { id: jobIdForKey(queue, options.key) })
    });
    this.#knownQueues.add(queue);
  }

  work(queue: string, handler: JobHandler): void {
    if (this.#handlers.has(queue))
      throw new Error(`A handler for queue "${queue}" is already registered`);
    if (this.#started) throw new Error('Register handlers with work() before start()');
    this.#handlers.set(queue, handler);
    this.#knownQueues.add(queue);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#boot();
    for (const [queue, handler] of this.#handlers) {
      await this.#ensureQueue(queue);
      await this.#boss.work<Envelope>(
        queue,
        {
          batchSize: 1,
          perJobResults: true,
          pollingIntervalSeconds: this.#pollingIntervalSeconds
        },
        async (jobs) => {
          const results: JobResult[] = [];
          for (const job of jobs) {
            try {
              await handler(job.data.payload);
              results.push({ id: job.id, status: 'completed' });
            } catch (error) {
              const permanent = isPermanentJobError(error);
              this.#logger[permanent ? 'error' : 'warn'](
                { err: error, jobId: job.id, queue, retryCount: job.retryCount },
                permanent
                  ? 'job failed permanently'
                  : 'job failed; pg-boss retries it unless this was the last attempt'
              );
              results.push({
                id: job.id,
                status: permanent ? 'deadletter' : 'failed',
                output: { message: describeError(error) }
              });
            }
          }
          return results;
        }
      );
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (!this.#booting) return;
    await this.#booting.catch(() => undefined);
    // Graceful: waits (up to 30 s) for running handlers, then closes pg-boss's pool.
    await this.#boss.stop({ graceful: true, close: true });
  }

  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.depth()) === 0) return;
      if (Date.now() >= deadline) {
        throw new Error(`Job queue still has due or active jobs after ${timeoutMs} ms`);
      }
      await delay(50);
    }
  }

  #boot(): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('This job queue was stopped'));
    this.#booting ??= this.#boss.start().then(() => undefined);
    return this.#booting;
  }

  #ensureQueue(queue: string): Promise<void> {
    let created = this.#createdQueues.get(queue);
    if (!created) {
      created = this.#boot().then(() => this.#boss.createQueue(queue, this.#queueOptions));
      created.catch(() => this.#createdQueues.delete(queue));
      this.#createdQueues.set(queue, created);
    }
    return created;
  }

  /** Jobs of known queues that are active, or queued and due now. */
  async depth(): Promise<number> {
    const queues = [...this.#knownQueues];
    if (queues.length === 0 || !this.#booting) return 0;
    await this.#booting;
    const { rows } = await this.#boss.getDb().executeSql(
      `SELECT count(*)::int AS n FROM ${this.#schema}.job
        WHERE name = ANY($1::text[])
          AND (state = 'active' OR (state IN ('created', 'retry') AND start_after <= now()))`,
      [queues]
    );
    const first: unknown = rows[0];
    return typeof first === 'object' && first !== null && 'n' in first ? Number(first.n) : 0;
  }
}
