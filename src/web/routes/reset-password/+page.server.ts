import { redirect } from '@sveltejs/kit';
import { api, failed, text } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({
  token: url.searchParams.get('token') ?? ''
});

export const actions: Actions = {
  reset: async (event) => {
    const form = await event.request.formData();
    const result = await api(event, 'POST', '/auth/reset-password', {
      token: text(form, 'token'),
      password: text(form, 'password')
    });
    if (!result.ok) {
      return failed(event, result, ['password'], {
        tokenInvalid: result.problem.errors?.some((error) => error.field === 'token') ?? false
      });
    }
    redirect(303, '/log-in?reset=1');
  }
};
