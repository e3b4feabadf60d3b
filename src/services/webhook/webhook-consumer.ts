import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { ActivityConsumer } from '../activity/activity.service.ts';
import { deliveryBody } from './webhook-body.ts';
import { nudgeWebhookDelivery } from './webhook-delivery.ts';
import { isWebhookEvent, presentWebhook } from './webhook.service.ts';

/** What turning activities into webhook deliveries needs beyond the database. */
export interface WebhookConsumerDeps {
  queue: JobQueue;
  baseUrl: string;
  secret: string;
}

/**
 * Queues one delivery per active webhook of the activity's group that subscribed to its kind: a
 * `webhook_deliveries` row with the exact body, pending and due now, then asks for a delivery run.
 * Idempotent: a second call for the same activity inserts nothing (unique webhook + activity).
 */
export function webhookConsumer(db: Db, deps: WebhookConsumerDeps): ActivityConsumer {
  return async (activity) => {
    if (activity.groupId === null || !isWebhookEvent(activity.kind)) return;
    const rows = await db.kysely
      .selectFrom('webhooks')
      .selectAll()
      .where('group_id', '=', activity.groupId)
      .where('status', '=', 'active')
      .execute();
    const hooks = rows.map(presentWebhook).filter((w) => w.events.some((e) => e === activity.kind));
    if (hooks.length === 0) return;
    const group = await db.kysely
      .selectFrom('groups')
      .select(['slug', 'name'])
      .where('id', '=', activity.groupId)
      .executeTakeFirst();
    if (!group) return;
    const at = new Date().toISOString();
    let inserted = 0;
    for (const hook of hooks) {
      const result = await db.kysely
        .insertInto('webhook_deliveries')
        .values({
          id: randomUUID(),
          webhook_id: hook.id,
          activity_id: activity.id,
          kind: activity.kind,
          body: deliveryBody(hook.format, activity, group, deps.baseUrl),
          status: 'pending',
          attempts: 0,
          next_attempt_at: at,
          last_status_code: null,
          last_error: null,
          created_at: at,
          updated_at: at
        })
        .onConflict((oc) => oc.columns(['webhook_id', 'activity_id']).doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    if (inserted > 0) nudgeWebhookDelivery(deps.queue);
  };
}
