import { error, redirect } from '@sveltejs/kit';
import type { Group, ItemList, Member } from '#lib/api-types.ts';
import { translator } from '#lib/i18n.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import {
  GROUP_FIELDS,
  groupFormValues,
  readGroupForm,
  updateBody
} from '#lib/server/group-form.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const path = `/groups/${encodeURIComponent(event.params.slug)}` as const;
  const group = unwrap(event, await api<Group>(event, 'GET', path));
  // Members and outsiders learn nothing here: the page does not exist for them, like a hidden group.
  if (!group.viewer.canManage) {
    error(404, translator(event.locals.lang)('errorPage.notFound.title'));
  }
  // The owner may hand the group over: to organizers and hosts first, then the other members.
  // Instance admins may too (a group whose owner is gone or has to leave).
  const mayTransfer = group.viewer.role === 'owner' || event.locals.me?.isAdmin === true;
  const members = mayTransfer
    ? unwrap(event, await api<ItemList<Member>>(event, 'GET', `${path}/members`)).items
    : [];
  const rank = { owner: 0, organizer: 1, host: 2, member: 3 } as const;
  const candidates = members
    .filter((m) => m.role !== 'owner' && m.status === 'active')
    .sort((a, b) => rank[a.role] - rank[b.role] || a.displayName.localeCompare(b.displayName));
  return {
    group,
    mayTransfer,
    candidates,
    values: groupFormValues(group),
    // Set by the redirect after a change of the web address (see `save`).
    saved: event.url.searchParams.has('saved')
  };
};

export const actions: Actions = {
  save: async (event) => {
    requireMe(event);
    const values = readGroupForm(await event.request.formData());
    const result = await api<Group>(
      event,
      'PATCH',
      `/groups/${encodeURIComponent(event.params.slug)}`,
      updateBody(values)
    );
    // The signing secret is write-only: it does not come back, not even after a failed save.
    if (!result.ok) {
      return failed(event, result, GROUP_FIELDS, { values: { ...values, chatSigningSecret: '' } });
    }
    if (result.data.slug !== event.params.slug) {
      // The old address is gone: continue on the new one.
      redirect(303, `/groups/${encodeURIComponent(result.data.slug)}/edit?saved`);
    }
    return { saved: true as const };
  },

  transfer: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const slug = encodeURIComponent(event.params.slug);
    const result = await api(event, 'POST', `/groups/${slug}/transfer`, {
      userId: text(form, 'userId')
    });
    if (!result.ok) return failed(event, result, ['userId'], { transfer: true as const });
    return { transferred: true as const };
  }
};
