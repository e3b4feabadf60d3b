import { redirect } from '@sveltejs/kit';
import type { ItemList, MeetingEvent, Sponsor, Venue } from '#lib/api-types.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { EVENT_FIELDS, eventBody, readEventForm } from '#lib/server/meeting-forms.ts';
import { groupPath, loadGroupToRun } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroupToRun(event);
  const path = groupPath(group.slug);
  const [venues, sponsors] = await Promise.all([
    api<ItemList<Venue>>(event, 'GET', `${path}/venues`),
    api<ItemList<Sponsor>>(event, 'GET', `${path}/sponsors`)
  ]);
  return {
    group,
    venues: unwrap(event, venues).items,
    sponsors: unwrap(event, sponsors).items
  };
};

export const actions: Actions = {
  create: async (event) => {
    requireMe(event);
    const values = readEventForm(await event.request.formData());
    const result = await api<MeetingEvent>(
      event,
      'POST',
      `${groupPath(event.params.slug)}/events`,
      eventBody(values, true)
    );
    if (!result.ok) return failed(event, result, EVENT_FIELDS, { values });
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/events/${encodeURIComponent(result.data.id)}`
    );
  }
};
