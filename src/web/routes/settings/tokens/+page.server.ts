import type { ApiToken, CreatedToken, ItemList } from '#lib/api-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const tokens = unwrap(event, await api<ItemList<ApiToken>>(event, 'GET', '/me/tokens'));
  return { tokens: tokens.items };
};

export const actions: Actions = {
  create: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const values = {
      name: text(form, 'name').trim(),
      scope: text(form, 'scope'),
      expiresInDays: text(form, 'expiresInDays')
    };
    const result = await api<CreatedToken>(event, 'POST', '/me/tokens', {
      name: values.name,
      scope: values.scope,
      expiresInDays: values.expiresInDays === '' ? null : Number(values.expiresInDays)
    });
    if (!result.ok) {
      return failed(event, result, ['name', 'scope', 'expiresInDays'], {
        form: 'create' as const,
        values
      });
    }
    return { form: 'create' as const, created: result.data };
  },

  revoke: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const id = text(form, 'id');
    const result = await api(event, 'DELETE', `/me/tokens/${encodeURIComponent(id)}`);
    if (!result.ok) return failed(event, result, [], { form: 'revoke' as const });
    return { form: 'revoke' as const, revoked: text(form, 'name') };
  }
};
