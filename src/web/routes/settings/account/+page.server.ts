import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions } from './$types';

export const actions: Actions = {
  password: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const revokeOtherSessions = form.get('revokeOtherSessions') === 'on';
    const result = await api(event, 'POST', '/me/password', {
      currentPassword: text(form, 'currentPassword'),
      newPassword: text(form, 'newPassword'),
      revokeOtherSessions
    });
    if (!result.ok) {
      return failed(event, result, ['currentPassword', 'newPassword'], {
        form: 'password' as const,
        revokeOtherSessions
      });
    }
    return { form: 'password' as const, revokeOtherSessions, done: true };
  },

  email: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const newEmail = text(form, 'newEmail').trim();
    const result = await api(event, 'POST', '/me/email', { newEmail });
    if (!result.ok)
      return failed(event, result, ['newEmail'], { form: 'email' as const, newEmail });
    return { form: 'email' as const, newEmail, done: true };
  }
};
