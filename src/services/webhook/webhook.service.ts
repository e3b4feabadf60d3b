// A group's outgoing webhooks: who set them up, where they post, which activities they hear of,
// their signing secret (returned only at creation and on rotation) and their delivery log.

import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { recordAudit } from '../audit.service.ts';
import { parseJsonList, toDate } from '../../db/values.ts';
import type { CreatedCursor } from '../created-cursor.ts';

/** The activity kinds a webhook may subscribe to. */
export const WEBHOOK_EVENTS = [
  'member.joined',
  'meeting.published',
  'meeting.changed',
  'meeting.cancelled',
  'rsvp.changed',
  'round.closed',
  'post.created'
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** `guildhall`: JSON with the activity; `chat`: a Slack/Mattermost/Teams-compatible message. */
export const WEBHOOK_FORMATS = ['guildhall', 'chat'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WEBHOOK_URL_MAX = 2000;
/** The most webhooks one group may have. */
export const WEBHOOKS_PER_GROUP = 20;

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

/** A webhook as services see it; `secret` never leaves the server after creation. */
export interface Webhook {
  id: string;
  groupId: string;
  url: string;
  format: WebhookFormat;
  events: WebhookEvent[];
  status: 'active' | 'disabled';
  failureCount: number;
  disabledAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  activityId: string | null;
  kind: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function presentWebhook(row: Selectable<WebhooksTable>): Webhook {
  return {
    id: row.id,
    groupId: row.group_id,
    url: row.url,
    format: row.format as WebhookFormat,
    events: parseJsonList(row.events).filter(isWebhookEvent),
    status: row.status === 'disabled' ? 'disabled' : 'active',
    failureCount: row.failure_count,
    disabledAt: toDate(row.disabled_at),
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

export function presentDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    activityId: row.activity_id,
    kind: row.kind,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts,
    nextAttemptAt: toDate(row.next_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

/** A fresh signing secret: 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Why a webhook change was refused; `field` names the input at fault. */
export class WebhookError extends Error {
  readonly problem: 'webhookUrlInvalid' | 'webhookLimit';
  readonly field: string | undefined;
  constructor(problem: WebhookError['problem'], field?: string) {
    super(problem);
    this.name = 'WebhookError';
    this.problem = problem;
    this.field = field;
  }
}

/**
 * Whether `raw` may be a webhook URL: absolute http(s), no user name or password, at most 2000
 * characters. Where it points is checked when it is called (safe fetch), not here: DNS can change.
 */
export function checkWebhookUrl(raw: string): boolean {
  if (raw.length > WEBHOOK_URL_MAX) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.hostname !== ''
  );
}

export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
}

/** Creates a webhook; returns it with its secret (the only time the secret is returned). */
export async function createWebhook(
  db: Db,
  groupId: string,
  createdBy: string | null,
  input: WebhookInput,
  now = new Date()
): Promise<{ webhook: Webhook; secret: string }> {
  if (!checkWebhookUrl(input.url)) throw new WebhookError('webhookUrlInvalid', 'url');
  const id = randomUUID();
  const secret = newWebhookSecret();
  const at = now.toISOString();
  await writeTransaction(db, async (trx) => {
    const count = await trx
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('group_id', '=', groupId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= WEBHOOKS_PER_GROUP) throw new WebhookError('webhookLimit');
    await trx
      .insertInto('webhooks')
      .values({
        id,
        group_id: groupId,
        url: input.url,
        format: input.format,
        events: JSON.stringify([...new Set(input.events)]),
        secret,
        status: 'active',
        failure_count: 0,
        disabled_at: null,
        created_by: createdBy,
        created_at: at,
        updated_at: at
      })
      .execute();
    await auditWebhook(trx, { groupId, actorId: createdBy }, 'webhook.created', id, input.url);
  });
  const webhook = await findWebhook(db, id);
  if (!webhook) throw new Error('webhook vanished after insert');
  return { webhook, secret };
}

/** Who changes a webhook, for the group's audit log. */
export interface WebhookChange {
  groupId: string;
  actorId: string | null;
}

/** Writes one webhook change to the group's audit log (never the secret). */
async function auditWebhook(
  trx: Kysely<Database>,
  by: WebhookChange,
  action: string,
  webhookId: string,
  url?: string
): Promise<void> {
  await recordAudit(trx, {
    groupId: by.groupId,
    actorId: by.actorId,
    action,
    details: { webhookId, ...(url === undefined ? {} : { url }) }
  });
}

export async function findWebhook(db: Db, id: string): Promise<Webhook | undefined> {
  const row = await db.kysely
    .selectFrom('webhooks')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? presentWebhook(row) : undefined;
}

/** The signing secret of a webhook (for delivery only). */
export async function webhookSecret(db: Db, id: string): Promise<string | undefined> {
  const row = await db.kysely
    .selectFrom('webhooks')
    .select('secret')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.secret;
}

/** A group's webhooks, oldest first. */
export async function listWebhooks(db: Db, groupId: string): Promise<Webhook[]> {
  const rows = await db.kysely
    .selectFrom('webhooks')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(presentWebhook);
}

/** Changes the fields given. */
export async function updateWebhook(
  db: Db,
  id: string,
  by: WebhookChange,
  patch: Partial<WebhookInput>,
  now = new Date()
): Promise<Webhook> {
  if (patch.url !== undefined && !checkWebhookUrl(patch.url)) {
    throw new WebhookError('webhookUrlInvalid', 'url');
  }
  await writeTransaction(db, async (trx) => {
    await trx
      .updateTable('webhooks')
      .set({
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.format !== undefined ? { format: patch.format } : {}),
        ...(patch.events !== undefined
          ? { events: JSON.stringify([...new Set(patch.events)]) }
          : {}),
        updated_at: now.toISOString()
      })
      .where('id', '=', id)
      .execute();
    await auditWebhook(trx, by, 'webhook.updated', id, patch.url);
  });
  const webhook = await findWebhook(db, id);
  if (!webhook) throw new Error('webhook vanished');
  return webhook;
}

export async function deleteWebhook(db: Db, id: string, by: WebhookChange): Promise<void> {
  await writeTransaction(db, async (trx) => {
    await trx.deleteFrom('webhooks').where('id', '=', id).execute();
    await auditWebhook(trx, by, 'webhook.deleted', id);
  });
}

/** A new secret; the old one stops signing at once. Returns the new secret (shown once). */
export async function rotateWebhookSecret(
  db: Db,
  id: string,
  by: WebhookChange,
  now = new Date()
): Promise<string> {
  const secret = newWebhookSecret();
  await writeTransaction(db, async (trx) => {
    await trx
      .updateTable('webhooks')
      .set({ secret, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    await auditWebhook(trx, by, 'webhook.secretRotated', id);
  });
  return secret;
}

/**
 * Turns a disabled webhook back on: its failure count starts again at zero and the deliveries that
 * waited while it was off are due now.
 */
export async function enableWebhook(
  db: Db,
  id: string,
  by: WebhookChange,
  now = new Date()
): Promise<Webhook> {
  const at = now.toISOString();
  await writeTransaction(db, async (trx) => {
    await trx
      .updateTable('webhooks')
      .set({ status: 'active', failure_count: 0, disabled_at: null, updated_at: at })
      .where('id', '=', id)
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: at, updated_at: at })
      .where('webhook_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await auditWebhook(trx, by, 'webhook.enabled', id);
  });
  const webhook = await findWebhook(db, id);
  if (!webhook) throw new Error('webhook vanished');
  return webhook;
}

/** One page of a webhook's deliveries, newest first; `next` continues it. */
export async function listDeliveries(
  db: Db,
  webhookId: string,
  options: { cursor?: CreatedCursor | undefined; limit: number }
): Promise<{ items: WebhookDelivery[]; next: CreatedCursor | null }> {
  let query = db.kysely
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId);
  const cursor = options.cursor;
  if (cursor) {
    const at = cursor.createdAt.toISOString();
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', at),
        eb.and([eb('created_at', '=', at), eb('id', '<', cursor.id)])
      ])
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map(presentDelivery);
  const last = items.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}
