import type { ItemList, MeetingEvent, Sponsor, Venue } from '#lib/api-types.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import {
  EVENT_FIELDS,
  eventBody,
  eventFormValues,
  readEventForm
} from '#lib/server/meeting-forms.ts';
import { eventPath, groupPath, loadMeeting, notFound } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const meeting = await loadMeeting(event);
  // Cancelled meetings stay as they were; others than hosts and organizers learn nothing here.
  if (!meeting.viewer.canEdit) notFound(event);
  const path = groupPath(meeting.group.slug);
  const [venues, sponsors] = await Promise.all([
    api<ItemList<Venue>>(event, 'GET', `${path}/venues`),
    api<ItemList<Sponsor>>(event, 'GET', `${path}/sponsors`)
  ]);
  // An archived venue or sponsor stays choosable for the meeting that has it.
  const venueList = unwrap(event, venues).items;
  if (meeting.venue && !venueList.some((v) => v.id === meeting.venue?.id)) {
    venueList.push(meeting.venue);
  }
  const sponsorList = unwrap(event, sponsors).items;
  for (const sponsor of meeting.sponsors) {
    if (!sponsorList.some((s) => s.id === sponsor.id)) sponsorList.push(sponsor);
  }
  return { meeting, values: eventFormValues(meeting), venues: venueList, sponsors: sponsorList };
};

export const actions: Actions = {
  save: async (event) => {
    requireMe(event);
    const values = readEventForm(await event.request.formData());
    const result = await api<MeetingEvent>(
      event,
      'PATCH',
      eventPath(event.params.id),
      eventBody(values, false)
    );
    if (!result.ok) return failed(event, result, EVENT_FIELDS, { values });
    return { saved: true as const };
  }
};
