import { flushCompileCache } from 'node:module';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { type Db, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { buildApp } from '../http/app.ts';
import type { Limits } from '../http/context.ts';
import { createJobQueue } from '../jobs/create-job-queue.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { createMailer, registerMailJobs } from '../jobs/mailer.ts';
import { createRealtime } from '../jobs/realtime.ts';
import { registerChatJobs } from '../services/chat/chat-webhook.service.ts';
import { safeFetchAsFetch } from '../services/net/safe-fetch.ts';
import { registerFeedbackJobs } from '../services/feedback/feedback-jobs.ts';
import { registerPollJobs } from '../services/poll/poll-jobs.ts';
import { registerSeriesJobs } from '../services/series.service.ts';
import { registerMeetingMailJobs } from '../services/meeting-mail.service.ts';
import { registerVotingJobs } from '../services/voting/round-jobs.ts';
import { registerActivityJobs } from '../services/activity/activity-jobs.ts';
import { notificationConsumer } from '../services/notification/notification-consumer.ts';
import { registerNotificationJobs } from '../services/notification/notification-jobs.ts';
import { registerBackupJobs } from '../services/backup/backup-jobs.ts';
import { registerHealthJobs } from '../services/health/health-jobs.ts';
import { webhookConsumer } from '../services/webhook/webhook-consumer.ts';
import { registerWebhookJobs } from '../services/webhook/webhook-jobs.ts';

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      remove: true
    }
  });
}

/** Opens the database and brings its schema up to date. */
export async function openMigrated(config: Config, logger: Logger): Promise<Db> {
  const db = openDatabase({
    dialect: config.dialect,
    databaseUrl: config.databaseUrl,
    onConnectionLost: (err) => {
      logger.warn({ err }, 'database connection lost; the pool opens a new one');
    }
  });
  const applied = await migrateToLatest(db.kysely);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  return db;
}

/** A running Guildhall: HTTP server, job runner and database in one process. */
export interface Running {
  url: string;
  db: Db;
  queue: JobQueue;
  /** Stops taking requests, lets in-flight requests and jobs finish, closes the database. */
  close(): Promise<void>;
}

/**
 * Starts Guildhall: migrates, starts the job runner (mail, meeting mail, series, voting rounds) and
 * the realtime fan-out, builds the HTTP server and listens.
 *
 * @example
 * const running = await startGuildhall(loadConfig(), createLogger(config));
 * await running.close();
 */
export async function startGuildhall(
  config: Config,
  logger: Logger,
  options: {
    limits?: Partial<Limits>;
    /** Where the web build is (default ./build); `false` serves the API only (tests). */
    webBuildDir?: string | false;
  } = {}
): Promise<Running> {
  const db = await openMigrated(config, logger);
  const queue = createJobQueue(db, { databaseUrl: config.databaseUrl, logger });
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    logger
  });
  registerMailJobs(queue, mailer);
  registerMeetingMailJobs(queue, { db, baseUrl: config.baseUrl, secret: config.secret });
  const seriesJobs = registerSeriesJobs(db, queue);
  const realtime = await createRealtime({
    dialect: config.dialect,
    databaseUrl: config.databaseUrl,
    logger
  });
  const votingJobs = registerVotingJobs(db, queue, { queue, realtime });
  registerChatJobs(queue, db, {
    baseUrl: config.baseUrl,
    logger,
    fetchImpl: safeFetchAsFetch(config.outboundAllow)
  });
  const pollJobs = registerPollJobs(db, queue, { realtime });
  const feedbackJobs = registerFeedbackJobs(db, queue);
  const links = { baseUrl: config.baseUrl, secret: config.secret };
  const activityJobs = registerActivityJobs(
    db,
    queue,
    [notificationConsumer(db, { queue, ...links }), webhookConsumer(db, { queue, ...links })],
    (error, activity) => {
      logger.error({ err: error, activity: activity.id }, 'activity dispatch failed');
    }
  );
  const periodic = [
    seriesJobs,
    votingJobs,
    pollJobs,
    feedbackJobs,
    activityJobs,
    registerNotificationJobs(db, queue, links),
    registerWebhookJobs(db, queue, { ...links, outboundAllow: config.outboundAllow }),
    registerHealthJobs(db, queue),
    ...(config.backups.everyHours > 0
      ? [
          registerBackupJobs(db, queue, config, config.backups, (made) => {
            if (made)
              logger.info(
                { backup: made.file, bytes: made.bytes, pruned: made.pruned },
                'backup written'
              );
          })
        ]
      : [])
  ];
  await queue.start();
  for (const job of periodic) await job.start();
  const { app } = await buildApp({
    config,
    db,
    queue,
    logger,
    realtime,
    ...(options.webBuildDir === undefined ? {} : { webBuildDir: options.webBuildDir }),
    limits: {
      ...(config.logInLimit ? { logIn: config.logInLimit } : {}),
      ...(config.recoveryLimit ? { recovery: config.recoveryLimit } : {}),
      ...options.limits
    }
  });
  // A backlog that holds a burst of new connections (everyone RSVPs when the mail goes out)
  // instead of resetting them; the kernel caps it at net.core.somaxconn.
  await app.listen({ port: config.port, host: config.host, backlog: 4096 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  logger.info({ url, baseUrl: config.baseUrl, database: config.dialect }, 'Guildhall is listening');
  // What start-up compiled goes to the module compile cache now (bin/guildhall.js), not only at a
  // clean exit: a process that is killed still leaves the next start its stripped modules.
  flushCompileCache();
  let closing: Promise<void> | undefined;
  return {
    url,
    db,
    queue,
    close: () => {
      closing ??= (async () => {
        // Closing the app also closes the realtime fan-out; jobs still running publish nothing.
        await app.close();
        for (const job of periodic) job.stop();
        await queue.stop();
        mailer.close();
        await db.close();
      })();
      return closing;
    }
  };
}

/** What a cluster primary sends a worker to make it shut down gracefully (see cluster.ts). */
export const SHUTDOWN_MESSAGE = 'guildhall:shutdown';

/**
 * Closes `running` on SIGTERM or SIGINT — or, in a cluster worker, when the primary sends
 * `SHUTDOWN_MESSAGE` — then exits; a second signal exits at once.
 */
export function closeOnSignals(running: Running, logger: Logger): void {
  let stopping = false;
  const stop = (reason: NodeJS.Signals | 'primary') => {
    if (stopping) {
      // The primary's request may follow the terminal's SIGINT to the whole process group.
      if (reason !== 'primary') process.exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal: reason }, 'shutting down: finishing requests in flight');
    running.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('message', (message) => {
    if (message === SHUTDOWN_MESSAGE) stop('primary');
  });
}
