import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { SHUTDOWN_MESSAGE, openMigrated } from './start.ts';

/** Tuning of the primary; the defaults suit production, tests shrink them. */
export interface ClusterOptions {
  /** Delay before replacing a worker that died; doubles while workers keep dying young. Default 1000. */
  restartDelayMs?: number;
  /** Longest restart delay, in ms. Default 30 000. */
  maxRestartDelayMs?: number;
  /** A worker that lived this long before dying is not "young": the delay starts over. Default 10 000. */
  stableAfterMs?: number;
  /**
   * How long shutdown waits for workers (their requests in flight and running jobs) before it
   * kills them, in ms. Longer than a worker's own graceful job stop (30 s). Default 45 000.
   */
  shutdownTimeoutMs?: number;
}

/**
 * Runs `guildhall start` as the primary of `config.workers` app processes (node:cluster) that share
 * one port; every worker is a whole Guildhall (HTTP, jobs, realtime) on the same PostgreSQL
 * database, like separate nodes. The primary serves no requests. It:
 *
 * - migrates the database once, before forking, so workers find the schema up to date;
 * - replaces a worker that dies (after a delay that grows while workers keep dying young, so a
 *   broken configuration does not spin);
 * - on SIGTERM or SIGINT asks every worker to finish its requests and jobs and exits once all
 *   have (code 0, or 1 if one failed to stop cleanly); a second signal, or workers still running
 *   after `shutdownTimeoutMs`, kills them and exits 1.
 *
 * Resolves once the workers are forked; the process then lives until shutdown.
 *
 * @example
 * if (cluster.isPrimary && config.workers > 1) await runCluster(config, logger);
 */
export async function runCluster(
  config: Config,
  logger: Logger,
  options: ClusterOptions = {}
): Promise<void> {
  const baseDelay = options.restartDelayMs ?? 1000;
  const maxDelay = options.maxRestartDelayMs ?? 30_000;
  const stableAfter = options.stableAfterMs ?? 10_000;
  const shutdownTimeout = options.shutdownTimeoutMs ?? 45_000;

  const db = await openMigrated(config, logger);
  await db.close();

  const bornAt = new Map<Worker, number>();
  let delay = baseDelay;
  let stopping = false;
  let failed = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const fork = () => {
    const worker = cluster.fork();
    bornAt.set(worker, Date.now());
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (bornAt.get(worker) ?? 0);
    bornAt.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      logger.info({ workerPid: worker.process.pid, code, signal }, 'worker stopped');
      if (bornAt.size === 0) finish();
      return;
    }
    delay = lived >= stableAfter ? baseDelay : delay;
    logger.error(
      { workerPid: worker.process.pid, code, signal, restartInMs: delay },
      'worker died; starting a new one'
    );
    const wait = delay;
    delay = Math.min(maxDelay, delay * 2);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (!stopping) fork();
    }, wait);
  });

  let killTimer: NodeJS.Timeout | undefined;
  const finish = () => {
    clearTimeout(killTimer);
    logger.info('stopped');
    process.exit(failed ? 1 : 0);
  };
  const killAll = () => {
    for (const worker of bornAt.keys()) worker.process.kill('SIGKILL');
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: killing workers');
      killAll();
      process.exit(1);
    }
    stopping = true;
    clearTimeout(restartTimer);
    logger.info(
      { signal, workers: bornAt.size },
      'shutting down: workers finish requests in flight'
    );
    if (bornAt.size === 0) finish();
    for (const worker of bornAt.keys()) {
      // A message, not a signal: on Ctrl-C the terminal already sent SIGINT to every worker, and a
      // second signal would make them exit at once instead of gracefully.
      if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
      else worker.process.kill('SIGTERM');
    }
    killTimer = setTimeout(() => {
      logger.error({ workers: bornAt.size }, 'workers did not stop in time; killing them');
      failed = true;
      killAll();
    }, shutdownTimeout);
    killTimer.unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  for (let i = 0; i < config.workers; i++) fork();
  logger.info({ workers: config.workers, port: config.port }, 'cluster started');
}
