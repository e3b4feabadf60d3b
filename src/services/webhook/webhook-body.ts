// What a webhook delivery sends: the JSON body per format, and its signature.
//
// Signature: `Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<Webhook-Timestamp>.<raw body>")>`,
// where the key is the secret exactly as shown (the whole `whsec_…` string, UTF-8).

import { createHmac } from 'node:crypto';
import { apiTranslator, type Locale } from '../../i18n/i18n.ts';
import type { Activity } from '../activity/activity-types.ts';

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one delivery attempt. */
export function webhookHeaders(
  deliveryId: string,
  secret: string,
  body: string,
  now: Date
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Guildhall-Webhook/1',
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, timestamp, body)
  };
}

/** A copy of `value` where every site-relative `path` also has an absolute `url`. */
export function withAbsoluteUrls(value: unknown, baseUrl: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withAbsoluteUrls(v, baseUrl));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = withAbsoluteUrls(v, baseUrl);
    if (key === 'path' && typeof v === 'string' && v.startsWith('/')) out.url = `${baseUrl}${v}`;
  }
  return out;
}

/** The group an activity names. */
export interface BodyGroup {
  slug: string;
  name: string;
}

/** The `guildhall` format: `{id, type, createdAt, group, data}`. */
export function guildhallBody(activity: Activity, group: BodyGroup, baseUrl: string): string {
  return JSON.stringify({
    id: activity.id,
    type: activity.kind,
    createdAt: activity.createdAt.toISOString(),
    group: { slug: group.slug, name: group.name, url: `${baseUrl}/groups/${group.slug}` },
    data: withAbsoluteUrls(activity.payload, baseUrl)
  });
}

/** Slack mrkdwn needs &, < and > escaped. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|label>`: a link in Slack and Mattermost messages. */
function link(url: string, label: string): string {
  return `<${url}|${esc(label)}>`;
}

/** The one-line text of an activity for a chat. */
export function chatText(
  activity: Activity,
  group: BodyGroup,
  baseUrl: string,
  locale: Locale = 'en'
): string {
  const t = apiTranslator(locale);
  const g = esc(group.name);
  switch (activity.kind) {
    case 'member.joined':
      return t('webhooks.chat.memberJoined', {
        member: esc(activity.payload.member.displayName),
        group: g
      });
    case 'meeting.published':
    case 'meeting.changed':
    case 'meeting.cancelled': {
      const m = activity.payload.meeting;
      const key =
        activity.kind === 'meeting.published'
          ? 'webhooks.chat.meetingPublished'
          : activity.kind === 'meeting.changed'
            ? 'webhooks.chat.meetingChanged'
            : 'webhooks.chat.meetingCancelled';
      return t(key, { meeting: link(`${baseUrl}${m.path}`, m.title), group: g });
    }
    case 'rsvp.changed': {
      const m = activity.payload.meeting;
      return t(`webhooks.chat.rsvp.${activity.payload.status}`, {
        member: esc(activity.payload.member.displayName),
        meeting: link(`${baseUrl}${m.path}`, m.title)
      });
    }
    case 'round.closed': {
      const m = activity.payload.meeting;
      const picked = activity.payload.picked.map((p) => esc(p.title)).join(', ');
      return t('webhooks.chat.roundClosed', {
        meeting: m ? link(`${baseUrl}${m.path}`, m.title) : g,
        picked: picked === '' ? t('webhooks.chat.nonePicked') : picked,
        group: g
      });
    }
    case 'post.created': {
      const p = activity.payload.post;
      return t('webhooks.chat.postCreated', {
        author: esc(activity.payload.author.displayName),
        post: link(`${baseUrl}${p.path}`, p.title),
        group: g
      });
    }
    case 'comment.created':
    case 'round.opened':
    case 'report.created':
    case 'member.warned':
      return t('webhooks.chat.other', { kind: activity.kind, group: g });
  }
}

/** The body of a delivery of `activity` in `format`. */
export function deliveryBody(
  format: 'guildhall' | 'chat',
  activity: Activity,
  group: BodyGroup,
  baseUrl: string
): string {
  return format === 'chat'
    ? JSON.stringify({ text: chatText(activity, group, baseUrl) })
    : guildhallBody(activity, group, baseUrl);
}

/** The body of a test delivery ("ping"). */
export function testBody(
  format: 'guildhall' | 'chat',
  deliveryId: string,
  group: BodyGroup,
  baseUrl: string,
  now: Date
): string {
  if (format === 'chat') {
    const t = apiTranslator('en');
    return JSON.stringify({
      text: t('webhooks.chat.test', {
        group: link(`${baseUrl}/groups/${group.slug}`, group.name)
      })
    });
  }
  return JSON.stringify({
    id: deliveryId,
    type: 'webhook.test',
    createdAt: now.toISOString(),
    group: { slug: group.slug, name: group.name, url: `${baseUrl}/groups/${group.slug}` },
    data: {}
  });
}
