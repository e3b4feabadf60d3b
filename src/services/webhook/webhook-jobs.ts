import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';
import { registerLinkPreviewJob } from '../net/link-preview.ts';
import { deliverDue, WEBHOOKS_QUEUE } from './webhook-delivery.ts';

/** What webhook delivery and link previews need beyond the database. */
export interface WebhookJobDeps {
  baseUrl: string;
  secret: string;
  /**
   * `host:port` pairs that may be reached on private addresses (config `outboundAllow`, from
   * `OUTBOUND_ALLOW`); none when not given.
   */
  outboundAllow?: readonly string[];
}

const SWEEP_EVERY_MS = 30_000;

/**
 * Registers webhook delivery on queue `webhooks` (every 30 s, and on every nudge after deliveries
 * are queued: each run attempts the due deliveries, with backoff between attempts) and the
 * `link-preview` job (fetches a post's link preview through the safe fetch).
 */
export function registerWebhookJobs(db: Db, queue: JobQueue, deps: WebhookJobDeps): PeriodicJob {
  const allow = deps.outboundAllow ?? [];
  registerLinkPreviewJob(db, queue, { allow });
  return registerPeriodicJob(queue, WEBHOOKS_QUEUE, SWEEP_EVERY_MS, () =>
    deliverDue(db, { allow })
  );
}
