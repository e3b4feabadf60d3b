import { error, redirect } from '@sveltejs/kit';
import type { Group } from '#lib/api-types.ts';
import { translator } from '#lib/i18n.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
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
  return {
    group,
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
  }
};
