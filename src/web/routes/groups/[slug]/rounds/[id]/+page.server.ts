import type { MeetingEvent } from '#lib/api-types.ts';
import type { Round } from '#lib/practice-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { eventPath, loadGroup, notFound } from '#lib/server/meetings.ts';
import { roundPath } from '../../topics/topic-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const [group, round] = await Promise.all([
    loadGroup(event),
    api<Round>(event, 'GET', roundPath(event.params.id)).then((r) => unwrap(event, r))
  ]);
  // Rounds are addressed by id alone: a round of another group's meeting is a 404 here.
  const meeting = await api<MeetingEvent>(event, 'GET', eventPath(round.event.id));
  if (!meeting.ok || meeting.data.group.slug !== group.slug) notFound(event);
  return { group, round, closedNow: event.url.searchParams.has('closed') };
};

export const actions: Actions = {
  override: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const topicIds = form.getAll('topicIds').filter((v): v is string => typeof v === 'string');
    const reason = text(form, 'reason');
    const result = await api<Round>(event, 'POST', `${roundPath(event.params.id)}/override`, {
      topicIds,
      reason
    });
    if (!result.ok)
      return failed(event, result, ['topicIds', 'reason'], {
        form: 'override' as const,
        topicIds,
        reason
      });
    return { form: 'override' as const, done: true };
  }
};
