import { redirect } from '@sveltejs/kit';
import type { MeetingEvent } from '#lib/api-types.ts';
import type { Poll } from '#lib/poll-types.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { eventPath, loadGroup, notFound } from '#lib/server/meetings.ts';
import { pollPath } from '../poll-form.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** What the page confirms after a redirect (post/redirect/get). */
const DONE = ['created', 'answered', 'opened', 'closed'] as const;

export const load: PageServerLoad = async (event) => {
  const [group, found] = await Promise.all([
    loadGroup(event),
    api<Poll>(event, 'GET', pollPath(event.params.id))
  ]);
  const poll = unwrap(event, found);
  // The API addresses polls by id alone: a poll of another group is not on this page.
  if (poll.groupId !== group.id) notFound(event);
  const meeting = poll.eventId
    ? await api<MeetingEvent>(event, 'GET', eventPath(poll.eventId))
    : null;
  return {
    group,
    poll,
    meeting: meeting?.ok
      ? { id: meeting.data.id, title: meeting.data.title, startsAt: meeting.data.startsAt }
      : null,
    done: DONE.find((key) => event.url.searchParams.has(key)) ?? null
  };
};

/** Back to this poll's page with a confirmation. */
function back(event: Pick<RequestEvent, 'params'>, done: (typeof DONE)[number]): never {
  redirect(
    303,
    `/groups/${encodeURIComponent(event.params.slug)}/polls/${encodeURIComponent(event.params.id)}?${done}`
  );
}

export const actions: Actions = {
  // One ballot, final: radio buttons or checkboxes named `optionIds`.
  answer: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const optionIds = form.getAll('optionIds').filter((v): v is string => typeof v === 'string');
    const result = await api<Poll>(event, 'POST', `${pollPath(event.params.id)}/ballots`, {
      optionIds
    });
    if (!result.ok)
      return failed(event, result, ['optionIds'], { form: 'answer' as const, optionIds });
    back(event, 'answered');
  },

  open: async (event) => {
    requireMe(event);
    const result = await api<Poll>(event, 'POST', `${pollPath(event.params.id)}/open`);
    if (!result.ok) return failed(event, result, [], { form: 'manage' as const });
    back(event, 'opened');
  },

  close: async (event) => {
    requireMe(event);
    const result = await api<Poll>(event, 'POST', `${pollPath(event.params.id)}/close`);
    if (!result.ok) return failed(event, result, [], { form: 'manage' as const });
    back(event, 'closed');
  },

  delete: async (event) => {
    requireMe(event);
    const result = await api(event, 'DELETE', pollPath(event.params.id));
    if (!result.ok) return failed(event, result, [], { form: 'manage' as const });
    redirect(303, `/groups/${encodeURIComponent(event.params.slug)}/polls?status=draft&deleted`);
  }
};
