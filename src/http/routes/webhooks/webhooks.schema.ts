import { z } from 'zod';
import {
  WEBHOOK_EVENTS,
  WEBHOOK_FORMATS,
  WEBHOOK_URL_MAX
} from '../../../services/webhook/webhook.service.ts';

export const WEBHOOK_DELIVERY_PAGE_MAX = 100;

const instant = z.iso.datetime();

/** A choice among `values` whose absence reads "required", not "must be one of". */
const choiceOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => (issue.input === undefined ? 'required' : undefined) });

export const webhookSchema = z
  .object({
    id: z.string(),
    groupId: z.string(),
    url: z.string(),
    format: z.enum(WEBHOOK_FORMATS),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    status: z.enum(['active', 'disabled']).meta({
      description:
        'disabled after 10 consecutive failed deliveries; POST /webhooks/{id}/enable turns it back on'
    }),
    failureCount: z.number().int().meta({ description: 'Consecutive failed deliveries' }),
    disabledAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant
  })
  .meta({ id: 'Webhook' });

export const webhookWithSecretSchema = webhookSchema
  .extend({
    secret: z.string().meta({
      description:
        'The signing secret: shown only now. Webhook-Signature is v1=<hex HMAC-SHA256(secret, Webhook-Timestamp + "." + body)>'
    })
  })
  .meta({ id: 'WebhookWithSecret' });

export const webhookListSchema = z
  .object({ items: z.array(webhookSchema) })
  .meta({ id: 'WebhookList' });

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    activityId: z.string().nullable(),
    kind: z.string().meta({ description: 'The activity kind, or webhook.test' }),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: instant.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookDeliveryListSchema = z
  .object({ items: z.array(webhookDeliverySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'WebhookDeliveryList' });

export const webhookParams = z.object({ id: z.string().max(100) });

export const deliveryListQuery = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(WEBHOOK_DELIVERY_PAGE_MAX).optional()
});

const webhookFields = z.strictObject({
  url: z.string().trim().min(1).max(WEBHOOK_URL_MAX).meta({
    description:
      'http(s) URL without user name or password; private addresses are refused when called'
  }),
  events: z
    .array(choiceOf(WEBHOOK_EVENTS))
    .min(1)
    .max(WEBHOOK_EVENTS.length)
    .meta({ description: 'The activity kinds to deliver' }),
  format: choiceOf(WEBHOOK_FORMATS).meta({
    description:
      'guildhall: JSON {id, type, createdAt, group, data}; chat: {text} for Slack, Mattermost, Teams'
  })
});

export const createWebhookBody = webhookFields.meta({ description: 'A new webhook' });

export const updateWebhookBody = webhookFields
  .partial()
  .meta({ description: 'Only the fields to change' });
