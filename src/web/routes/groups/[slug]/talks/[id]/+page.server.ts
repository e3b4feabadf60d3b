import type { TalkFeedback } from '#lib/feedback-types.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { loadGroup } from '#lib/server/meetings.ts';
import type { Talk } from '#lib/talk-types.ts';
import {
  acceptAction,
  decideAction,
  LINK_FIELDS,
  linkBody,
  readLinkForm,
  readTalkForm,
  TALK_FIELDS,
  talkBody,
  talkFormValues,
  talkPath,
  upcomingMeetings
} from '../talk-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const [group, found] = await Promise.all([
    loadGroup(event),
    api<Talk>(event, 'GET', talkPath(event.params.slug, event.params.id))
  ]);
  const talk = unwrap(event, found);
  const meId = event.locals.me?.id ?? null;
  const isSubmitter = meId !== null && talk.submittedBy?.id === meId;
  // Feedback on the talk: its speaker and organizers get it, everyone else a 403/404 (no section).
  const feedback = meId
    ? await api<TalkFeedback>(
        event,
        'GET',
        `${talkPath(event.params.slug, event.params.id)}/feedback`
      )
    : null;
  return {
    group,
    talk,
    values: talkFormValues(talk),
    // Slides and recording: the submitter and those who decide, at any time.
    canEditLinks: talk.viewer.canEdit || talk.viewer.canDecide || isSubmitter,
    meetings: talk.viewer.canDecide ? await upcomingMeetings(event, group.slug) : [],
    proposed: event.url.searchParams.has('proposed'),
    feedback: feedback?.ok ? feedback.data : null
  };
};

export const actions: Actions = {
  save: async (event) => {
    requireMe(event);
    const values = readTalkForm(await event.request.formData());
    // The speaker of a talk stays who it is.
    const result = await api<Talk>(
      event,
      'PATCH',
      talkPath(event.params.slug, event.params.id),
      talkBody({ ...values, speakerId: '' })
    );
    if (!result.ok) return failed(event, result, TALK_FIELDS, { form: 'save' as const, values });
    return { form: 'save' as const, saved: true };
  },

  links: async (event) => {
    requireMe(event);
    const links = readLinkForm(await event.request.formData());
    const result = await api<Talk>(
      event,
      'PATCH',
      talkPath(event.params.slug, event.params.id),
      linkBody(links)
    );
    if (!result.ok) return failed(event, result, LINK_FIELDS, { form: 'links' as const, links });
    return { form: 'links' as const, saved: true };
  },

  withdraw: async (event) => {
    requireMe(event);
    const result = await api<Talk>(
      event,
      'POST',
      `${talkPath(event.params.slug, event.params.id)}/withdraw`
    );
    if (!result.ok) return failed(event, result, [], { form: 'withdraw' as const });
    return { form: 'withdraw' as const, withdrawn: true };
  },

  accept: acceptAction,
  decide: decideAction
};
