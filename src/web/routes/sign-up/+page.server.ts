import { redirect } from '@sveltejs/kit';
import { api, failed, text } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

const FIELDS = ['displayName', 'email', 'password', 'language'] as const;

export const load: PageServerLoad = ({ locals }) => {
  if (locals.me) redirect(303, '/');
};

export const actions: Actions = {
  signUp: async (event) => {
    const form = await event.request.formData();
    const values = {
      displayName: text(form, 'displayName').trim(),
      email: text(form, 'email').trim()
    };
    const result = await api(event, 'POST', '/auth/sign-up', {
      ...values,
      password: text(form, 'password'),
      language: event.locals.lang
    });
    if (!result.ok) return failed(event, result, FIELDS, { form: 'signUp' as const, values });
    return { form: 'signUp' as const, values, sent: true };
  },

  resend: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email').trim();
    const result = await api(event, 'POST', '/auth/resend-verification', { email });
    const values = { displayName: '', email };
    if (!result.ok) return failed(event, result, [], { form: 'resend' as const, values });
    return { form: 'resend' as const, values, sent: true };
  }
};
