import { api, unwrap } from '#lib/server/api.ts';
import { loadGroup } from '#lib/server/meetings.ts';
import type { Speaker } from '#lib/talk-types.ts';
import { speakersPath } from './speaker-form.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const group = await loadGroup(event);
  const list = await api<{ items: Speaker[] }>(event, 'GET', speakersPath(group.slug));
  return {
    group,
    speakers: unwrap(event, list).items,
    canManage: group.viewer.canManageTopics ?? false
  };
};
