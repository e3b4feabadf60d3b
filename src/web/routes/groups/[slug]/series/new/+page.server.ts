import { redirect } from '@sveltejs/kit';
import type { ItemList, Series, Venue } from '#lib/api-types.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import {
  readSeriesForm,
  SERIES_FIELDS,
  seriesBody,
  seriesField
} from '#lib/server/meeting-forms.ts';
import { groupPath, loadGroupToRun, renameFields } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroupToRun(event);
  const venues = await api<ItemList<Venue>>(event, 'GET', `${groupPath(group.slug)}/venues`);
  return { group, venues: unwrap(event, venues).items };
};

export const actions: Actions = {
  create: async (event) => {
    requireMe(event);
    const values = readSeriesForm(await event.request.formData());
    const result = await api<Series>(
      event,
      'POST',
      `${groupPath(event.params.slug)}/series`,
      seriesBody(values)
    );
    if (!result.ok) {
      const problem = renameFields(result.problem, seriesField);
      return failed(event, { ...result, problem }, SERIES_FIELDS, { values });
    }
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/series/${encodeURIComponent(result.data.id)}?created`
    );
  }
};
