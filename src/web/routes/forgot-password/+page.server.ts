import { api, failed, text } from '#lib/server/api.ts';
import type { Actions } from './$types';

export const actions: Actions = {
  request: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email').trim();
    const result = await api(event, 'POST', '/auth/forgot-password', { email });
    if (!result.ok) return failed(event, result, ['email'], { email });
    return { email, sent: true };
  }
};
