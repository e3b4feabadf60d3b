import type { MeetingEvent } from '#lib/api-types.ts';
import { POLL_STATUSES, type PollPage, type PollStatus } from '#lib/poll-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import { eventPath, loadGroup, runsMeetings } from '#lib/server/meetings.ts';
import { pollsPath } from './poll-form.ts';
import type { PageServerLoad } from './$types';

function statusOf(value: string | null, manages: boolean): PollStatus {
  const status = POLL_STATUSES.find((s) => s === value) ?? 'open';
  // Drafts are for those who run polls: everyone else sees the open ones.
  return status === 'draft' && !manages ? 'open' : status;
}

export const load: PageServerLoad = async (event) => {
  const group = await loadGroup(event);
  const manages = runsMeetings(group);
  const status = statusOf(event.url.searchParams.get('status'), manages);
  const eventId = event.url.searchParams.get('eventId');
  const cursor = event.url.searchParams.get('cursor');
  const search = new URLSearchParams({ status, limit: '50' });
  if (eventId) search.set('eventId', eventId);
  if (cursor) search.set('cursor', cursor);
  const [list, found] = await Promise.all([
    api<PollPage>(event, 'GET', `${pollsPath(group.slug)}?${search.toString()}`),
    eventId ? api<MeetingEvent>(event, 'GET', eventPath(eventId)) : null
  ]);
  const polls = unwrap(event, list);
  const meeting =
    found?.ok && found.data.group.slug === group.slug
      ? { id: found.data.id, title: found.data.title, startsAt: found.data.startsAt }
      : null;
  const keep: Record<string, string> = eventId ? { eventId } : {};
  const next = polls.nextCursor
    ? `?${new URLSearchParams({ status, ...keep, cursor: polls.nextCursor }).toString()}`
    : null;
  return {
    group,
    status,
    statuses: POLL_STATUSES.filter((s) => s !== 'draft' || manages),
    eventId,
    meeting,
    polls: polls.items,
    next,
    canCreate: manages,
    deleted: event.url.searchParams.has('deleted')
  };
};
