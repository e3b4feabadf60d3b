import type { EnqueueOptions, JobQueue } from './job-queue.ts';

/** A job that runs now and then every so often; `stop` ends the timer (the queue keeps running). */
export interface PeriodicJob {
  start(): Promise<void>;
  stop(): void;
}

/**
 * The idempotency key of a periodic run enqueued at `nowMs`: the number of the `everyMs`-long slot
 * (counted from the epoch) it falls in. Every node computes the same key within a slot.
 *
 * @example
 * periodSlotKey(90_000, 60_000); // 'slot:1'
 */
export function periodSlotKey(nowMs: number, everyMs: number): string {
  return `slot:${Math.floor(nowMs / everyMs)}`;
}

/**
 * Registers `work` on queue `name` and returns a handle whose `start` enqueues a run now and then
 * every `everyMs`. Each run is a job, so a failing run is logged (and, with `maxAttempts` above 1,
 * retried) by the queue.
 *
 * Every app node enqueues, but a run is keyed by its time slot (`periodSlotKey`): on PostgreSQL the
 * queue keeps one job per slot, so the work runs once per period across all nodes (a node that
 * starts in a slot that already had its run waits for the next slot). `work` should still be
 * idempotent: a run whose node dies mid-way is retried, and a slow run may overlap the next slot's.
 *
 * @example
 * const sweep = registerPeriodicJob(queue, 'polls', 60_000, () => closeDuePolls(db, deps));
 * await queue.start();
 * await sweep.start();
 */
export function registerPeriodicJob(
  queue: JobQueue,
  name: string,
  everyMs: number,
  work: () => Promise<unknown>,
  options: { maxAttempts?: number } = { maxAttempts: 1 }
): PeriodicJob {
  queue.work(name, async () => {
    await work();
  });
  const enqueue = () => {
    const enqueueOptions: EnqueueOptions = { key: periodSlotKey(Date.now(), everyMs) };
    if (options.maxAttempts !== undefined) enqueueOptions.maxAttempts = options.maxAttempts;
    return queue.enqueue(name, {}, enqueueOptions);
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    async start() {
      await enqueue();
      timer = setInterval(() => {
        void enqueue().catch(() => undefined);
      }, everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    }
  };
}
