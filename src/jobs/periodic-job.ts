import type { JobQueue } from './job-queue.ts';

/** A job that runs now and then every so often; `stop` ends the timer (the queue keeps running). */
export interface PeriodicJob {
  start(): Promise<void>;
  stop(): void;
}

/**
 * Registers `work` on queue `name` and returns a handle whose `start` enqueues a run now and then
 * every `everyMs`. Each run is a job, so a failing run is logged (and, with `maxAttempts` above 1,
 * retried) by the queue; `work` must be idempotent, since two app nodes may both enqueue it.
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
  const enqueueOptions =
    options.maxAttempts === undefined ? undefined : { maxAttempts: options.maxAttempts };
  let timer: NodeJS.Timeout | undefined;
  return {
    async start() {
      await queue.enqueue(name, {}, enqueueOptions);
      timer = setInterval(() => {
        void queue.enqueue(name, {}, enqueueOptions).catch(() => undefined);
      }, everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    }
  };
}
