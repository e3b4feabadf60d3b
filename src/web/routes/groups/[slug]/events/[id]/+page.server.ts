import type { Attendee, Group, ItemList, MeetingEvent } from '#lib/api-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { eventPath, groupPath, loadMeeting } from '#lib/server/meetings.ts';
import type { Agenda } from '#lib/talk-types.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const meeting = await loadMeeting(event);
  const path = eventPath(meeting.id);
  const [group, going, waiting, agenda] = await Promise.all([
    api<Group>(event, 'GET', groupPath(meeting.group.slug)),
    // The API decides who sees the list; nothing is shown when it says no.
    api<ItemList<Attendee>>(event, 'GET', `${path}/attendees`),
    meeting.viewer.canCheckIn
      ? api<ItemList<Attendee>>(event, 'GET', `${path}/attendees?status=waitlisted`)
      : null,
    api<Agenda>(event, 'GET', `${path}/agenda`)
  ]);
  return {
    meeting,
    group: unwrap(event, group),
    going: going.ok ? going.data.items : null,
    waiting: waiting?.ok ? waiting.data.items : null,
    // The meeting page still works when the agenda cannot be read.
    agenda: agenda.ok ? agenda.data : null
  };
};

export const actions: Actions = {
  rsvp: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const status = text(form, 'status') === 'going' ? 'going' : 'not_going';
    const guests = Number(text(form, 'guests') || '0');
    const result = await api<MeetingEvent>(event, 'PUT', `${eventPath(event.params.id)}/rsvp`, {
      status,
      guests: Number.isInteger(guests) ? guests : 0
    });
    if (!result.ok) return failed(event, result, ['guests'], { form: 'rsvp' as const });
    return { form: 'rsvp' as const, answered: result.data.myRsvp?.status ?? 'not_going' };
  },

  publish: async (event) => {
    requireMe(event);
    const result = await api(event, 'POST', `${eventPath(event.params.id)}/publish`);
    if (!result.ok) return failed(event, result, [], { form: 'publish' as const });
    return { form: 'publish' as const, done: true };
  },

  cancel: async (event) => {
    requireMe(event);
    const reason = text(await event.request.formData(), 'reason');
    const result = await api(event, 'POST', `${eventPath(event.params.id)}/cancel`, { reason });
    if (!result.ok) return failed(event, result, ['reason'], { form: 'cancel' as const, reason });
    return { form: 'cancel' as const, done: true };
  }
};
