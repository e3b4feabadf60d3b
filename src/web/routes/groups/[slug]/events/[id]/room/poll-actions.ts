// The room's form actions for meeting polls: a host launches one (made right here, or a draft),
// closes it; members answer. Each redirects back to the room or returns the refusal for its form.
import { redirect } from '@sveltejs/kit';
import type { LaunchValues } from '#lib/room-types.ts';
import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { groupPath } from '#lib/server/meetings.ts';
import { backToRoom, pollApi } from './room-paths.ts';
import type { RequestEvent } from './$types';

export const LAUNCH_FIELDS = ['question', 'options', 'choice', 'anonymous', 'results'] as const;

/** Reads the launch form. */
export function readLaunchForm(form: FormData): LaunchValues {
  return {
    question: text(form, 'question'),
    options: text(form, 'options'),
    choice: text(form, 'choice') === 'multiple' ? 'multiple' : 'single',
    anonymous: text(form, 'anonymous') === 'on',
    results: text(form, 'results') === 'closed' ? 'closed' : 'live'
  };
}

/** The options of the form: one per non-empty line, trimmed. */
export function optionLines(options: string): string[] {
  return options
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A host makes a meeting poll and opens it at once. */
export const launchPoll = async (event: RequestEvent) => {
  requireMe(event);
  const values = readLaunchForm(await event.request.formData());
  const result = await api<{ id: string }>(event, 'POST', `${groupPath(event.params.slug)}/polls`, {
    question: values.question,
    options: optionLines(values.options),
    choice: values.choice,
    anonymous: values.anonymous,
    results: values.results,
    eventId: event.params.id,
    open: true
  });
  if (!result.ok) return failed(event, result, LAUNCH_FIELDS, { form: 'launch' as const, values });
  redirect(303, backToRoom(event.params, 'launched', `poll-${result.data.id}`));
};

/** A host launches a draft (`to=open`) or closes an open poll (`to=close`). */
export const switchPoll = async (event: RequestEvent) => {
  requireMe(event);
  const form = await event.request.formData();
  const pollId = text(form, 'poll');
  const to = text(form, 'to') === 'close' ? 'close' : 'open';
  const result = await api(event, 'POST', `${pollApi(pollId)}/${to}`);
  if (!result.ok) return failed(event, result, [], { form: 'poll' as const, pollId });
  redirect(
    303,
    backToRoom(event.params, to === 'open' ? 'pollOpened' : 'pollClosed', `poll-${pollId}`)
  );
};

/** A member answers a poll: one option (radio) or several (checkboxes). */
export const vote = async (event: RequestEvent) => {
  requireMe(event);
  const form = await event.request.formData();
  const pollId = text(form, 'poll');
  const optionIds = form.getAll('optionIds').filter((v): v is string => typeof v === 'string');
  const result = await api(event, 'POST', `${pollApi(pollId)}/ballots`, { optionIds });
  if (!result.ok)
    return failed(event, result, ['optionIds'], { form: 'poll' as const, pollId, optionIds });
  redirect(303, backToRoom(event.params, 'voted', `poll-${pollId}`));
};
