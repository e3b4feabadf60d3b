import { redirect } from '@sveltejs/kit';
import type { Group } from '#lib/api-types.ts';
import { api, failed } from '#lib/server/api.ts';
import { GROUP_FIELDS, groupBody, readGroupForm } from '#lib/server/group-form.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
  requireMe(event);
  return {};
};

export const actions: Actions = {
  create: async (event) => {
    requireMe(event);
    const values = readGroupForm(await event.request.formData());
    const result = await api<Group>(event, 'POST', '/groups', groupBody(values));
    if (!result.ok) return failed(event, result, GROUP_FIELDS, { values });
    redirect(303, `/groups/${encodeURIComponent(result.data.slug)}`);
  }
};
