import { redirect } from '@sveltejs/kit';
import { api, failed, text } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { url } = event;
  if (url.searchParams.get('status') === 'verified') return { status: 'verified' as const };
  const token = url.searchParams.get('token');
  if (!token) return { status: 'missing' as const, message: null };
  const result = await api<{ verified: boolean; email: string }>(
    event,
    'POST',
    '/auth/verify-email',
    { token }
  );
  // Drop the token from the address bar (and from any later Referer).
  if (result.ok) redirect(303, '/verify-email?status=verified');
  const tokenError = result.problem.errors?.find((error) => error.field === 'token');
  return {
    status: 'invalid' as const,
    message: tokenError?.message ?? result.problem.detail ?? result.problem.title
  };
};

export const actions: Actions = {
  resend: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email').trim();
    const result = await api(event, 'POST', '/auth/resend-verification', { email });
    if (!result.ok) return failed(event, result, ['email'], { email });
    return { email, sent: true };
  }
};
