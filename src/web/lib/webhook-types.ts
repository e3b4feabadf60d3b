// The webhooks API's wire shapes as the web UI reads them (see src/http/routes/webhooks).
import type { MessageKey } from './i18n.ts';

/** The activity kinds a webhook may subscribe to, in the order the form lists them. */
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

export const WEBHOOK_FORMATS = ['guildhall', 'chat'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface Webhook {
  id: string;
  groupId: string;
  url: string;
  format: WebhookFormat;
  events: WebhookEvent[];
  status: 'active' | 'disabled';
  failureCount: number;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A webhook as created or after its secret was rotated: the only answers with the secret. */
export type WebhookWithSecret = Webhook & { secret: string };

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  activityId: string | null;
  kind: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDeliveryPage {
  items: WebhookDelivery[];
  nextCursor: string | null;
}

/** What the webhook form holds (also after a refused submit). */
export interface WebhookFormValues {
  url: string;
  events: string[];
  format: string;
}

export const WEBHOOK_FIELDS = ['url', 'events', 'format'] as const;

/** Reads the webhook form: `url`, one `events` entry per ticked box, `format`. */
export function readWebhookForm(form: FormData): WebhookFormValues {
  const value = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v : '';
  };
  return {
    url: value('url').trim(),
    events: form.getAll('events').filter((v): v is string => typeof v === 'string'),
    format: value('format')
  };
}

/** The label of each activity kind (and of test deliveries) in the catalog. */
export const WEBHOOK_EVENT_LABELS = {
  'member.joined': 'webhooks.events.memberJoined',
  'meeting.published': 'webhooks.events.meetingPublished',
  'meeting.changed': 'webhooks.events.meetingChanged',
  'meeting.cancelled': 'webhooks.events.meetingCancelled',
  'rsvp.changed': 'webhooks.events.rsvpChanged',
  'round.closed': 'webhooks.events.roundClosed',
  'post.created': 'webhooks.events.postCreated',
  'webhook.test': 'webhooks.events.test'
} as const satisfies Record<WebhookEvent | 'webhook.test', MessageKey>;

/** The label key of a delivery's kind; null for kinds this UI does not know. */
export function eventLabel(kind: string): MessageKey | null {
  return Object.hasOwn(WEBHOOK_EVENT_LABELS, kind)
    ? WEBHOOK_EVENT_LABELS[kind as keyof typeof WEBHOOK_EVENT_LABELS]
    : null;
}
