import type { Attendee, ItemList } from '#lib/api-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { eventPath, loadMeeting, notFound } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const meeting = await loadMeeting(event);
  if (!meeting.viewer.canCheckIn) notFound(event);
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  const path = eventPath(meeting.id);
  const started = new Date(meeting.startsAt).getTime() <= Date.now();
  const [going, noShows] = await Promise.all([
    api<ItemList<Attendee>>(
      event,
      'GET',
      `${path}/attendees${q ? `?q=${encodeURIComponent(q)}` : ''}`
    ),
    started ? api<ItemList<Attendee>>(event, 'GET', `${path}/no-shows`) : null
  ]);
  return {
    meeting,
    q,
    going: unwrap(event, going).items,
    noShows: noShows ? unwrap(event, noShows).items : null
  };
};

export const actions: Actions = {
  /** By the personal code people show at the door. */
  code: async (event) => {
    requireMe(event);
    const code = text(await event.request.formData(), 'code').trim();
    const result = await api<Attendee>(event, 'POST', `${eventPath(event.params.id)}/check-ins`, {
      code
    });
    if (!result.ok) return failed(event, result, ['code'], { form: 'code' as const, code });
    return { form: 'code' as const, name: result.data.name, checkedIn: true };
  },

  /** By the button next to a name. */
  person: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const userId = text(form, 'userId');
    const name = text(form, 'name');
    const result = await api<Attendee>(event, 'POST', `${eventPath(event.params.id)}/check-ins`, {
      userId
    });
    if (!result.ok) return failed(event, result, [], { form: 'person' as const, name });
    return { form: 'person' as const, name, checkedIn: true };
  },

  undo: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const userId = text(form, 'userId');
    const name = text(form, 'name');
    const result = await api(
      event,
      'DELETE',
      `${eventPath(event.params.id)}/check-ins/${encodeURIComponent(userId)}`
    );
    if (!result.ok) return failed(event, result, [], { form: 'undo' as const, name });
    return { form: 'undo' as const, name, checkedIn: false };
  }
};
