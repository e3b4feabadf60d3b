import { TALK_STATUSES, type TalkPage, type TalkStatus } from '#lib/talk-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import { loadGroup } from '#lib/server/meetings.ts';
import { acceptAction, decideAction, talksPath, upcomingMeetings } from './talk-form.ts';
import type { Actions, PageServerLoad } from './$types';

function statusOf(value: string | null, fallback: TalkStatus | 'all'): TalkStatus | 'all' {
  if (value === 'all') return 'all';
  return TALK_STATUSES.find((s) => s === value) ?? fallback;
}

export const load: PageServerLoad = async (event) => {
  const group = await loadGroup(event);
  const canDecide = group.viewer.canManageTopics ?? false;
  // Organizers start with what waits for a decision; everyone else with what they may see.
  const status = statusOf(event.url.searchParams.get('status'), canDecide ? 'proposed' : 'all');
  const cursor = event.url.searchParams.get('cursor');
  const search = new URLSearchParams({ status, limit: '50' });
  if (cursor) search.set('cursor', cursor);
  const [list, meetings] = await Promise.all([
    api<TalkPage>(event, 'GET', `${talksPath(group.slug)}?${search.toString()}`),
    canDecide ? upcomingMeetings(event, group.slug) : []
  ]);
  const talks = unwrap(event, list);
  const next = talks.nextCursor
    ? `?${new URLSearchParams({ status, cursor: talks.nextCursor }).toString()}`
    : null;
  return {
    group,
    status,
    talks: talks.items,
    next,
    meetings,
    canPropose: (group.viewer.canProposeTopics ?? false) || canDecide
  };
};

export const actions: Actions = {
  accept: acceptAction,
  decide: decideAction
};
