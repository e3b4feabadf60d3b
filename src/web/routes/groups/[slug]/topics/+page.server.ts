import { redirect } from '@sveltejs/kit';
import type { EventList } from '#lib/api-types.ts';
import {
  TOPIC_STATUSES,
  type Round,
  type TopicPage,
  type TopicStatus
} from '#lib/practice-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { groupPath, loadGroup } from '#lib/server/meetings.ts';
import { readTopicForm, roundPath, TOPIC_FIELDS, topicBody, topicsPath } from './topic-form.ts';
import type { Actions, PageServerLoad } from './$types';

function statusOf(value: string | null): TopicStatus | 'all' {
  if (value === 'all') return 'all';
  return TOPIC_STATUSES.find((s) => s === value) ?? 'open';
}

export const load: PageServerLoad = async (event) => {
  const status = statusOf(event.url.searchParams.get('status'));
  const cursor = event.url.searchParams.get('cursor');
  const search = new URLSearchParams({ status, limit: '50' });
  if (cursor) search.set('cursor', cursor);
  const group = await loadGroup(event);
  const [list, current] = await Promise.all([
    api<TopicPage>(event, 'GET', `${topicsPath(group.slug)}?${search.toString()}`),
    api<Round>(event, 'GET', `${groupPath(group.slug)}/rounds/current`)
  ]);
  const topics = unwrap(event, list);
  // No open round is a 404 from the API: the backlog simply has no voting now.
  const round = current.ok ? current.data : null;
  const canOpenRound = !round && group.viewer.canManage;
  const meetings = canOpenRound
    ? await api<EventList>(event, 'GET', `${groupPath(group.slug)}/events?when=upcoming&limit=50`)
    : null;
  // After a redirect from the propose and open forms: what to confirm.
  const proposedId = event.url.searchParams.get('proposed');
  const proposed = proposedId
    ? (topics.items.find((t) => t.id === proposedId)?.title ?? null)
    : null;
  const opened = event.url.searchParams.has('opened') ? (round?.event.title ?? null) : null;
  const next = topics.nextCursor
    ? `?${new URLSearchParams({ status, cursor: topics.nextCursor }).toString()}`
    : null;
  return {
    group,
    status,
    topics: topics.items,
    next,
    round,
    proposed,
    opened,
    canPropose: group.viewer.status === 'active',
    canOpenRound,
    meetings: meetings?.ok ? meetings.data.items.filter((m) => m.status === 'published') : []
  };
};

/** The backlog page of a group. */
function listPath(slug: string): string {
  return `/groups/${encodeURIComponent(slug)}/topics`;
}

/** Back to the list (with its status filter), at the topic that was voted on. */
function backTo(url: URL, topicId: string): string {
  // Only the filter stays: a confirmation of an earlier form is not shown again.
  const status = url.searchParams.get('status');
  const query = status ? `?${new URLSearchParams({ status }).toString()}` : '';
  return `${url.pathname}${query}#topic-${encodeURIComponent(topicId)}`;
}

export const actions: Actions = {
  propose: async (event) => {
    requireMe(event);
    const values = readTopicForm(await event.request.formData());
    const result = await api<{ id: string; title: string }>(
      event,
      'POST',
      topicsPath(event.params.slug),
      topicBody(values)
    );
    if (!result.ok)
      return failed(event, result, TOPIC_FIELDS, { form: 'propose' as const, values });
    // Post/redirect/get: reloading the list must not propose the topic twice.
    redirect(303, `${listPath(event.params.slug)}?proposed=${encodeURIComponent(result.data.id)}`);
  },

  // A plain form per +/− button: one dot more or less, then back to the list (post/redirect/get).
  vote: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const topicId = text(form, 'topic');
    const step = text(form, 'step') === 'remove' ? 'remove' : 'add';
    const result = await api(
      event,
      'POST',
      `${roundPath(text(form, 'round'))}/votes/${encodeURIComponent(topicId)}/${step}`
    );
    if (!result.ok) return failed(event, result, [], { form: 'vote' as const, topicId });
    redirect(303, backTo(event.url, topicId));
  },

  openRound: async (event) => {
    requireMe(event);
    const eventId = text(await event.request.formData(), 'eventId');
    const result = await api<Round>(event, 'POST', `${groupPath(event.params.slug)}/rounds`, {
      eventId
    });
    if (!result.ok) return failed(event, result, ['eventId'], { form: 'openRound' as const });
    redirect(303, `${listPath(event.params.slug)}?opened`);
  },

  closeRound: async (event) => {
    requireMe(event);
    const roundId = text(await event.request.formData(), 'round');
    const result = await api<Round>(event, 'POST', `${roundPath(roundId)}/close`);
    if (!result.ok) return failed(event, result, [], { form: 'closeRound' as const });
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/rounds/${encodeURIComponent(roundId)}?closed`
    );
  }
};
