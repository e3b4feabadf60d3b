// Loading a webhook with the caller's standing, its wire shape, and refused webhook changes.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import { can } from '../../../domain/group-policy.ts';
import { findGroupById, type Group, viewerOf } from '../../../services/group.service.ts';
import {
  findWebhook,
  type Webhook,
  type WebhookDelivery,
  WebhookError
} from '../../../services/webhook/webhook.service.ts';
import { fieldProblem, Problem } from '../../problem.ts';

/** Maps a refused webhook change onto its problem response. */
export function webhookProblem(error: unknown): never {
  if (error instanceof WebhookError) {
    if (error.field) throw fieldProblem(error.field, error.problem);
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}

/**
 * Loads the webhook named in the URL and its group, and checks `webhook.manage` (organizers and
 * up, admins). A webhook is private: to everyone else it is a 404, as if it did not exist.
 */
export async function requireWebhookAccess(
  db: Db,
  request: FastifyRequest,
  id: string
): Promise<{ webhook: Webhook; group: Group }> {
  const userId = request.caller?.userId ?? null;
  if (!userId) throw new Problem('unauthorized');
  const webhook = await findWebhook(db, id);
  if (!webhook) throw new Problem('not-found');
  const group = await findGroupById(db, webhook.groupId);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, userId);
  if (!can(viewer, group, 'webhook.manage')) throw new Problem('not-found');
  return { webhook, group };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A webhook on the wire (never its secret). */
export function webhookJson(w: Webhook) {
  return {
    id: w.id,
    groupId: w.groupId,
    url: w.url,
    format: w.format,
    events: w.events,
    status: w.status,
    failureCount: w.failureCount,
    disabledAt: iso(w.disabledAt),
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString()
  };
}

export function deliveryJson(d: WebhookDelivery) {
  return {
    id: d.id,
    webhookId: d.webhookId,
    activityId: d.activityId,
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString()
  };
}
