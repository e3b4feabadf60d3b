import { redirect } from '@sveltejs/kit';
import type { FeedbackResults } from '#lib/feedback-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { eventPath, loadMeeting } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const meeting = await loadMeeting(event);
  const results = unwrap(
    event,
    await api<FeedbackResults>(event, 'GET', `${eventPath(meeting.id)}/feedback`)
  );
  return {
    meeting: {
      id: meeting.id,
      title: meeting.title,
      startsAt: meeting.startsAt,
      group: meeting.group
    },
    results,
    topicId: event.url.searchParams.get('topic')
  };
};

export const actions: Actions = {
  // A "next time" answer becomes a backlog topic; back here with a link to it.
  topic: async (event) => {
    requireMe(event);
    const feedbackId = text(await event.request.formData(), 'feedbackId');
    const result = await api<{ topicId: string }>(
      event,
      'POST',
      `${eventPath(event.params.id)}/feedback/${encodeURIComponent(feedbackId)}/topic`
    );
    if (!result.ok) return failed(event, result, [], { feedbackId });
    redirect(303, `${event.url.pathname}?topic=${encodeURIComponent(result.data.topicId)}`);
  }
};
