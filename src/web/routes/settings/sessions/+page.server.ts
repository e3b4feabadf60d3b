import type { ItemList, SessionInfo } from '#lib/api-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const sessions = unwrap(event, await api<ItemList<SessionInfo>>(event, 'GET', '/me/sessions'));
  // This device first, then the most recently active.
  const items = [...sessions.items].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.updatedAt.localeCompare(a.updatedAt)
  );
  return { sessions: items };
};

export const actions: Actions = {
  revoke: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const id = text(form, 'id');
    const result = await api(event, 'DELETE', `/me/sessions/${encodeURIComponent(id)}`);
    if (!result.ok) return failed(event, result, [], { form: 'revoke' as const });
    return { form: 'revoke' as const, done: true };
  },

  revokeOthers: async (event) => {
    requireMe(event);
    const result = await api(event, 'POST', '/me/sessions/revoke-others');
    if (!result.ok) return failed(event, result, [], { form: 'revokeOthers' as const });
    return { form: 'revokeOthers' as const, done: true };
  }
};
