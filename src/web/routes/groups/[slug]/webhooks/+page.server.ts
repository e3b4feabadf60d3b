import { api, failed } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { groupPath, loadGroup, notFound } from '#lib/server/meetings.ts';
import {
  readWebhookForm,
  WEBHOOK_FIELDS,
  type Webhook,
  type WebhookWithSecret
} from '#lib/webhook-types.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroup(event);
  // Webhooks are for organizers: everyone else finds no such page.
  if (!group.viewer.canManage) notFound(event);
  const list = await api<{ items: Webhook[] }>(event, 'GET', `${groupPath(group.slug)}/webhooks`);
  if (!list.ok) notFound(event);
  return {
    group,
    webhooks: list.data.items,
    values: { url: '', events: [], format: 'guildhall' },
    deleted: event.url.searchParams.has('deleted')
  };
};

export const actions: Actions = {
  create: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const values = readWebhookForm(form);
    const result = await api<WebhookWithSecret>(
      event,
      'POST',
      `${groupPath(event.params.slug)}/webhooks`,
      {
        url: values.url,
        events: values.events,
        ...(values.format ? { format: values.format } : {})
      }
    );
    if (!result.ok) return failed(event, result, WEBHOOK_FIELDS, { values });
    // The secret is shown in this answer only: no redirect, nothing in the URL.
    return { created: { id: result.data.id, url: result.data.url, secret: result.data.secret } };
  }
};
