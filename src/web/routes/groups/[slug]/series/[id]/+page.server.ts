import { redirect } from '@sveltejs/kit';
import type { ItemList, Series, Venue } from '#lib/api-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import {
  readSeriesForm,
  SERIES_FIELDS,
  seriesBody,
  seriesField,
  seriesFormValues
} from '#lib/server/meeting-forms.ts';
import {
  groupPath,
  loadGroup,
  notFound,
  renameFields,
  runsMeetings
} from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

function seriesPath(id: string): `/series/${string}` {
  return `/series/${encodeURIComponent(id)}`;
}

export const load: PageServerLoad = async (event) => {
  const [group, series] = await Promise.all([
    loadGroup(event),
    api<Series>(event, 'GET', seriesPath(event.params.id))
  ]);
  const found = unwrap(event, series);
  // The API addresses a series by id alone: one of another group does not exist here.
  if (found.group.slug !== group.slug) notFound(event);
  const runs = runsMeetings(group);
  const venues = runs
    ? unwrap(event, await api<ItemList<Venue>>(event, 'GET', `${groupPath(group.slug)}/venues`))
        .items
    : [];
  return {
    group,
    series: found,
    runs,
    venues,
    values: seriesFormValues(found),
    created: event.url.searchParams.has('created'),
    changed: event.url.searchParams.has('changed')
  };
};

export const actions: Actions = {
  /** "I'll come to all" (or no longer). */
  all: async (event) => {
    requireMe(event);
    const status =
      text(await event.request.formData(), 'status') === 'going' ? 'going' : 'not_going';
    const result = await api<Series>(event, 'PUT', `${seriesPath(event.params.id)}/rsvp`, {
      status,
      guests: 0
    });
    if (!result.ok) return failed(event, result, [], { form: 'all' as const });
    return { form: 'all' as const, going: status === 'going' };
  },

  /** This and following: the new rule from a date on. */
  change: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const values = readSeriesForm(form);
    const from = text(form, 'from');
    const body = { ...seriesBody(values), ...(from && { from }) };
    const result = await api<Series>(event, 'PUT', seriesPath(event.params.id), body);
    if (!result.ok) {
      const problem = renameFields(result.problem, seriesField);
      return failed(event, { ...result, problem }, SERIES_FIELDS, {
        form: 'change' as const,
        values,
        from
      });
    }
    // The old series ends before `from`; the one that carries on has its own page.
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/series/${encodeURIComponent(result.data.id)}?changed`
    );
  },

  end: async (event) => {
    requireMe(event);
    const reason = text(await event.request.formData(), 'reason');
    const result = await api(event, 'POST', `${seriesPath(event.params.id)}/end`, { reason });
    if (!result.ok) return failed(event, result, ['reason'], { form: 'end' as const, reason });
    return { form: 'end' as const, ended: true };
  }
};
