import { redirect } from '@sveltejs/kit';
import type { EventList } from '#lib/api-types.ts';
import type { Poll } from '#lib/poll-types.ts';
import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { groupPath, loadGroup, loadGroupToRun } from '#lib/server/meetings.ts';
import { blankPollForm, POLL_FIELDS, pollBody, pollsPath, readPollForm } from '../poll-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroupToRun(event);
  const meetings = await api<EventList>(
    event,
    'GET',
    `${groupPath(group.slug)}/events?when=upcoming&limit=50`
  );
  return {
    group,
    timeZone: group.details?.timeZone ?? 'UTC',
    meetings: meetings.ok
      ? meetings.data.items
          .filter((m) => m.status === 'published')
          .map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt, timeZone: m.timeZone }))
      : [],
    values: blankPollForm(event.url.searchParams.get('eventId') ?? '')
  };
};

export const actions: Actions = {
  default: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const values = readPollForm(form);
    const open = text(form, 'launch') === 'open';
    const group = await loadGroup(event);
    const result = await api<Poll>(
      event,
      'POST',
      pollsPath(event.params.slug),
      pollBody(values, group.details?.timeZone ?? 'UTC', open)
    );
    if (!result.ok) return failed(event, result, POLL_FIELDS, { values });
    // Post/redirect/get: reloading the poll must not create it twice.
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/polls/${encodeURIComponent(result.data.id)}?created`
    );
  }
};
