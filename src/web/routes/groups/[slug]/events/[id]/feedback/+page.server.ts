import { redirect } from '@sveltejs/kit';
import type { Feedback, FeedbackForm } from '#lib/feedback-types.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { eventPath, loadMeeting, renameFields } from '#lib/server/meetings.ts';
import {
  feedbackField,
  feedbackFields,
  feedbackValues,
  readFeedbackForm
} from './feedback-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const meeting = await loadMeeting(event);
  const form = unwrap(
    event,
    await api<FeedbackForm>(event, 'GET', `${eventPath(meeting.id)}/feedback/form`)
  );
  return {
    meeting: {
      id: meeting.id,
      title: meeting.title,
      startsAt: meeting.startsAt,
      group: meeting.group
    },
    form,
    values: feedbackValues(form),
    saved: event.url.searchParams.has('saved')
  };
};

export const actions: Actions = {
  default: async (event) => {
    requireMe(event);
    const values = readFeedbackForm(await event.request.formData());
    const result = await api<Feedback>(
      event,
      'PUT',
      `${eventPath(event.params.id)}/feedback`,
      values
    );
    if (!result.ok)
      return failed(
        event,
        { ...result, problem: renameFields(result.problem, feedbackField) },
        feedbackFields(values.items.length),
        { values }
      );
    // Post/redirect/get: the form shows the saved answers with a confirmation.
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/events/${encodeURIComponent(event.params.id)}/feedback?saved`
    );
  }
};
