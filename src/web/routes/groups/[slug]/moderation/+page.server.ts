import {
  loadQueue,
  reopenAction,
  resolveAction
} from '#lib/components/moderation/queue-actions.server.ts';
import { groupPath, loadGroup } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const group = await loadGroup(event);
  return { group, ...(await loadQueue(event, `${groupPath(group.slug)}/reports`)) };
};

export const actions: Actions = {
  resolve: (event) => resolveAction(event),
  reopen: (event) => reopenAction(event)
};
