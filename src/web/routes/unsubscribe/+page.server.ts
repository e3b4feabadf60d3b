import type { UnsubscribeSummary } from '#lib/api-types.ts';
import { api, failed, text } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

// No log-in: the signed token in the link from the mail says who and what.
export const load: PageServerLoad = async (event) => {
  const token = event.url.searchParams.get('token')?.trim() ?? '';
  if (!token) return { token, summary: null, invalid: true };
  const result = await api<UnsubscribeSummary>(
    event,
    'GET',
    `/unsubscribe?token=${encodeURIComponent(token)}`
  );
  if (!result.ok) {
    if (result.status >= 500 || result.status === 429) {
      return {
        token,
        summary: null,
        invalid: false,
        problem: result.problem.detail ?? result.problem.title
      };
    }
    return { token, summary: null, invalid: true };
  }
  return { token, summary: result.data, invalid: false };
};

export const actions: Actions = {
  stop: async (event) => {
    const token = text(await event.request.formData(), 'token');
    const result = await api<UnsubscribeSummary>(event, 'POST', '/unsubscribe', { token });
    if (!result.ok) return failed(event, result, [], {});
    return { done: result.data };
  }
};
