import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (!locals.me) redirect(303, '/');
};

export const actions: Actions = {
  default: async (event) => {
    // The API clears the session cookie; handleFetch passes that on to the browser.
    const result = await api(event, 'POST', '/auth/log-out');
    if (!result.ok && result.status !== 401) {
      console.error('Log-out failed', result.problem);
    }
    redirect(303, '/');
  }
};
