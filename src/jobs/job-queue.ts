/** Options for one job. */
export interface EnqueueOptions {
  /** Earliest time the job runs; default now. */
  runAt?: Date;
  /** Attempts before the job is given up (state `failed`); default 5. */
  maxAttempts?: number;
  /**
   * Makes enqueueing idempotent across app nodes: while a job of this queue with the same key is
   * stored (waiting, running, or finished but not yet deleted), another one is silently dropped.
   * Work that several nodes may enqueue — a periodic sweep, a meeting's reminder — gives the same
   * key for the same work. The SQLite queue, whose process is the only one enqueueing, ignores it.
   */
  key?: string;
}

/**
 * A handler for one queue. Throwing makes the job retry with exponential backoff; throwing a
 * `PermanentJobError` (`./permanent-job-error.ts`) fails it at once, without retries.
 */
export type JobHandler = (payload: unknown) => Promise<void>;

/**
 * Durable background work: a table-backed queue on SQLite, pg-boss on PostgreSQL.
 * Services only enqueue; the process that runs `start()` executes handlers.
 */
export interface JobQueue {
  /** Stores a job durably; resolves once it is committed. */
  enqueue(queue: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  /** Registers the handler for `queue`. Call before `start()`. */
  work(queue: string, handler: JobHandler): void;
  /** Starts executing due jobs. */
  start(): Promise<void>;
  /** Stops taking new jobs and waits for running ones to finish. */
  stop(): Promise<void>;
  /** Resolves once no job is due or running (tests and the CLI use it to wait for mail). */
  idle(timeoutMs?: number): Promise<void>;
  /** Jobs of registered queues that are running or due now (the queue depth `/metrics` shows). */
  depth(): Promise<number>;
}
