import { redirect } from '@sveltejs/kit';
import { api, failed } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { loadGroup, notFound } from '#lib/server/meetings.ts';
import {
  readWebhookForm,
  WEBHOOK_FIELDS,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  type WebhookWithSecret
} from '#lib/webhook-types.ts';
import type { Actions, PageServerLoad } from './$types';

const hookPath = (id: string): `/webhooks/${string}` => `/webhooks/${encodeURIComponent(id)}`;

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroup(event);
  if (!group.viewer.canManage) notFound(event);
  const cursor = event.url.searchParams.get('cursor');
  const search = new URLSearchParams({ limit: '25' });
  if (cursor) search.set('cursor', cursor);
  const [hook, log] = await Promise.all([
    api<Webhook>(event, 'GET', hookPath(event.params.id)),
    api<WebhookDeliveryPage>(
      event,
      'GET',
      `${hookPath(event.params.id)}/deliveries?${search.toString()}`
    )
  ]);
  // The API addresses webhooks by id alone: one of another group is no page here.
  if (!hook.ok || !log.ok || hook.data.groupId !== group.id) notFound(event);
  return {
    group,
    webhook: hook.data,
    deliveries: log.data.items,
    next: log.data.nextCursor
      ? `?${new URLSearchParams({ cursor: log.data.nextCursor }).toString()}`
      : null
  };
};

export const actions: Actions = {
  update: async (event) => {
    requireMe(event);
    const values = readWebhookForm(await event.request.formData());
    const result = await api<Webhook>(event, 'PATCH', hookPath(event.params.id), {
      url: values.url,
      events: values.events,
      ...(values.format ? { format: values.format } : {})
    });
    if (!result.ok) return failed(event, result, WEBHOOK_FIELDS, { form: 'update', values });
    return { form: 'update' as const, saved: true };
  },
  test: async (event) => {
    requireMe(event);
    const result = await api<WebhookDelivery>(event, 'POST', `${hookPath(event.params.id)}/test`);
    if (!result.ok) return failed(event, result, [], { form: 'test' });
    return { form: 'test' as const, delivery: result.data };
  },
  enable: async (event) => {
    requireMe(event);
    const result = await api<Webhook>(event, 'POST', `${hookPath(event.params.id)}/enable`);
    if (!result.ok) return failed(event, result, [], { form: 'enable' });
    return { form: 'enable' as const, enabled: true };
  },
  rotate: async (event) => {
    requireMe(event);
    const result = await api<WebhookWithSecret>(
      event,
      'POST',
      `${hookPath(event.params.id)}/rotate-secret`
    );
    if (!result.ok) return failed(event, result, [], { form: 'rotate' });
    return { form: 'rotate' as const, secret: result.data.secret };
  },
  delete: async (event) => {
    requireMe(event);
    const result = await api(event, 'DELETE', hookPath(event.params.id));
    if (!result.ok) return failed(event, result, [], { form: 'delete' });
    redirect(303, `/groups/${encodeURIComponent(event.params.slug)}/webhooks?deleted`);
  }
};
