// Delivering webhook deliveries: claim one atomically, POST it signed through the safe fetch,
// then mark it delivered or schedule the next attempt with backoff; a webhook whose deliveries
// keep failing is switched off.

import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { safeFetch, SafeFetchError } from '../net/safe-fetch.ts';
import { testBody, webhookHeaders } from './webhook-body.ts';
import { presentDelivery, type Webhook, type WebhookDelivery } from './webhook.service.ts';

/** The queue of delivery runs (nudged after deliveries are queued, and swept every 30 s). */
export const WEBHOOKS_QUEUE = 'webhooks';

/** Waits after failed attempts 1, 2, …: 30 s, 2 min, 10 min, 1 h, 6 h. */
export const WEBHOOK_BACKOFF_MS = [30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;
/** Attempts before a delivery is given up (`failed`). */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_BACKOFF_MS.length + 1;
/** Consecutive failed deliveries after which a webhook is disabled. */
export const WEBHOOK_DISABLE_AFTER = 10;
/** How long a claimed delivery is left alone (a node that died mid-attempt is retried then). */
export const WEBHOOK_CLAIM_MS = 5 * 60_000;
/** The time one attempt gets. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** The most of an answer read (the rest is dropped). */
export const WEBHOOK_READ_BYTES = 64 * 1024;

/** What delivering needs: the operator's allowlist (`OUTBOUND_ALLOW`), and a timeout for tests. */
export interface DeliveryDeps {
  allow?: readonly string[];
  timeoutMs?: number;
}

/** Asks for a delivery run now; the sweep catches anything a lost nudge missed. */
export function nudgeWebhookDelivery(queue: JobQueue): void {
  void queue.enqueue(WEBHOOKS_QUEUE, {}, { maxAttempts: 1 }).catch(() => undefined);
}

/** The outcome of one POST. */
interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

async function post(
  url: string,
  deliveryId: string,
  secret: string,
  body: string,
  deps: DeliveryDeps,
  now: Date
): Promise<Attempt> {
  try {
    const res = await safeFetch(url, {
      method: 'POST',
      body,
      headers: webhookHeaders(deliveryId, secret, body, now),
      allow: deps.allow ?? [],
      timeoutMs: deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
      maxBytes: WEBHOOK_READ_BYTES,
      truncate: true,
      // A webhook answers where it was set up: redirects are not followed.
      maxRedirects: 0
    });
    return { ok: true, statusCode: res.status, error: null };
  } catch (error) {
    if (error instanceof SafeFetchError) {
      return {
        ok: false,
        statusCode: error.status ?? null,
        error: `${error.kind}: ${error.message}`
      };
    }
    return { ok: false, statusCode: null, error: String(error).slice(0, 500) };
  }
}

/**
 * Claims delivery `id` if it is still pending and due: one conditional update bumps its attempts
 * and pushes its next attempt out by the claim time, so two nodes never send it at once.
 */
async function claim(db: Db, id: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const result = await db.kysely
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      next_attempt_at: new Date(now.getTime() + WEBHOOK_CLAIM_MS).toISOString(),
      updated_at: at
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records a success: delivered, and the webhook's failure count back to zero. */
async function delivered(
  db: Db,
  delivery: { id: string; webhookId: string },
  a: Attempt,
  now: Date
) {
  const at = now.toISOString();
  await db.kysely
    .updateTable('webhook_deliveries')
    .set({
      status: 'delivered',
      next_attempt_at: null,
      last_status_code: a.statusCode,
      last_error: null,
      updated_at: at
    })
    .where('id', '=', delivery.id)
    .execute();
  await db.kysely
    .updateTable('webhooks')
    .set({ failure_count: 0 })
    .where('id', '=', delivery.webhookId)
    .execute();
}

/**
 * Records a failed attempt: the next one after the backoff, or — after the last attempt — the
 * delivery failed, one more consecutive failure of the webhook, which is disabled at the limit.
 */
async function failed(
  db: Db,
  delivery: { id: string; webhookId: string; attempts: number },
  a: Attempt,
  now: Date
) {
  const at = now.toISOString();
  const last = delivery.attempts >= WEBHOOK_MAX_ATTEMPTS;
  const wait = WEBHOOK_BACKOFF_MS[Math.min(delivery.attempts, WEBHOOK_BACKOFF_MS.length) - 1] ?? 0;
  await db.kysely
    .updateTable('webhook_deliveries')
    .set({
      status: last ? 'failed' : 'pending',
      next_attempt_at: last ? null : new Date(now.getTime() + wait).toISOString(),
      last_status_code: a.statusCode,
      last_error: a.error?.slice(0, 500) ?? null,
      updated_at: at
    })
    .where('id', '=', delivery.id)
    .execute();
  if (!last) return;
  await db.kysely
    .updateTable('webhooks')
    .set((eb) => ({ failure_count: eb('failure_count', '+', 1) }))
    .where('id', '=', delivery.webhookId)
    .execute();
  await db.kysely
    .updateTable('webhooks')
    .set({ status: 'disabled', disabled_at: at, updated_at: at })
    .where('id', '=', delivery.webhookId)
    .where('status', '=', 'active')
    .where('failure_count', '>=', WEBHOOK_DISABLE_AFTER)
    .execute();
}

/**
 * Makes one attempt at every due pending delivery of an active webhook (oldest first, up to
 * `limit`), each claimed atomically first. Returns how many were attempted.
 */
export async function deliverDue(
  db: Db,
  deps: DeliveryDeps = {},
  now = new Date(),
  limit = 100
): Promise<number> {
  const due = await db.kysely
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.webhook_id', 'd.body', 'w.url', 'w.secret'])
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now.toISOString())
    .where('w.status', '=', 'active')
    .orderBy('d.next_attempt_at')
    .orderBy('d.id')
    .limit(limit)
    .execute();
  let attempted = 0;
  for (const row of due) {
    if (!(await claim(db, row.id, now))) continue;
    attempted += 1;
    const claimed = await db.kysely
      .selectFrom('webhook_deliveries')
      .select('attempts')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    const a = await post(row.url, row.id, row.secret, row.body, deps, now);
    const delivery = { id: row.id, webhookId: row.webhook_id, attempts: claimed.attempts };
    if (a.ok) await delivered(db, delivery, a, now);
    else await failed(db, delivery, a, now);
  }
  return attempted;
}

/**
 * Sends a test delivery (`webhook.test`) now, whatever the webhook's status, and records it in the
 * log with its outcome. One attempt, no retries; it does not count towards disabling.
 */
export async function sendTestDelivery(
  db: Db,
  webhook: Webhook,
  group: { slug: string; name: string },
  deps: DeliveryDeps & { baseUrl: string },
  now = new Date()
): Promise<WebhookDelivery> {
  const id = randomUUID();
  const body = testBody(webhook.format, id, group, deps.baseUrl, now);
  const secret = await db.kysely
    .selectFrom('webhooks')
    .select('secret')
    .where('id', '=', webhook.id)
    .executeTakeFirstOrThrow();
  const a = await post(webhook.url, id, secret.secret, body, deps, now);
  const at = now.toISOString();
  await db.kysely
    .insertInto('webhook_deliveries')
    .values({
      id,
      webhook_id: webhook.id,
      activity_id: null,
      kind: 'webhook.test',
      body,
      status: a.ok ? 'delivered' : 'failed',
      attempts: 1,
      next_attempt_at: null,
      last_status_code: a.statusCode,
      last_error: a.error?.slice(0, 500) ?? null,
      created_at: at,
      updated_at: at
    })
    .execute();
  const row = await db.kysely
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return presentDelivery(row);
}
