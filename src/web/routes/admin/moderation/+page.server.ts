import {
  loadQueue,
  reopenAction,
  resolveAction
} from '#lib/components/moderation/queue-actions.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const all = event.url.searchParams.get('scope') === 'all';
  return { all, ...(await loadQueue(event, '/admin/reports', all ? { scope: 'all' } : {})) };
};

export const actions: Actions = {
  resolve: (event) => resolveAction(event),
  reopen: (event) => reopenAction(event)
};
