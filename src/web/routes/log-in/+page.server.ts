import { redirect } from '@sveltejs/kit';
import type { Me } from '#lib/api-types.ts';
import { api, failed, text } from '#lib/server/api.ts';
import { safeNext } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

const FIELDS = ['email', 'password'] as const;

export const load: PageServerLoad = ({ locals, url }) => {
  const next = safeNext(url.searchParams.get('next'));
  if (locals.me) redirect(303, next);
  return {
    next,
    passwordReset: url.searchParams.has('reset'),
    email: url.searchParams.get('email') ?? ''
  };
};

export const actions: Actions = {
  logIn: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email').trim();
    const remember = form.get('remember') === 'on';
    const result = await api<{ user: Me }>(event, 'POST', '/auth/log-in', {
      email,
      password: text(form, 'password'),
      remember
    });
    if (!result.ok) {
      return failed(event, result, FIELDS, {
        form: 'logIn' as const,
        email,
        remember,
        unverified: result.problem.type.endsWith(':email-not-verified')
      });
    }
    redirect(303, safeNext(text(form, 'next')));
  },

  resend: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email').trim();
    const result = await api(event, 'POST', '/auth/resend-verification', { email });
    if (!result.ok) return failed(event, result, [], { form: 'resend' as const, email });
    return { form: 'resend' as const, email, sent: true };
  }
};
