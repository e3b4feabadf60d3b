import { api, failed } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { notFound } from '#lib/server/meetings.ts';
import type { InstanceHealth } from '#lib/health-types.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const me = requireMe(event);
  if (!me.isAdmin) notFound(event);
  const figures = await api<InstanceHealth>(event, 'GET', '/admin/health');
  if (!figures.ok) notFound(event);
  return { figures: figures.data };
};

export const actions: Actions = {
  // Brings the figures up to date now, instead of at the job's next run.
  rollup: async (event) => {
    requireMe(event);
    const result = await api(event, 'POST', '/admin/health/rollup');
    if (!result.ok) return failed(event, result, [], { form: 'rollup' as const });
    return { form: 'rollup' as const, done: true };
  }
};
