import { redirect } from '@sveltejs/kit';
import type { PublicProfile } from '#lib/report-types.ts';
import { parseSubject } from '#lib/report-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe, safeNext } from '#lib/server/guard.ts';
import { notFound } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

/** The form's fields, as the API names them. */
const FIELDS = ['reason', 'details'] as const;

/** Where "back" goes: the `back` of the URL when it is a path on this site, else nothing. */
function backOf(url: URL): string | null {
  const given = url.searchParams.get('back');
  const next = safeNext(given);
  return given && next !== '/' ? next : null;
}

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const subject = parseSubject(event.url.searchParams.get('subject'));
  if (!subject) notFound(event);
  let name: string | null = null;
  let back = backOf(event.url);
  if (subject.type === 'profile') {
    const person = unwrap(
      event,
      await api<PublicProfile>(event, 'GET', `/people/${encodeURIComponent(subject.id)}`)
    );
    name = person.displayName;
    back ??= `/people/${person.handle}`;
  } else if (subject.type === 'post') {
    // The post's title when the board answers (a post one may not see simply has none here).
    const post = await api<{ title?: unknown }>(
      event,
      'GET',
      `/posts/${encodeURIComponent(subject.id)}`
    );
    if (post.ok && typeof post.data.title === 'string') name = post.data.title;
  }
  return {
    subject,
    name,
    back,
    sent: event.url.searchParams.has('sent'),
    values: { reason: '', details: '' }
  };
};

export const actions: Actions = {
  default: async (event) => {
    requireMe(event);
    const subject = parseSubject(event.url.searchParams.get('subject'));
    if (!subject) notFound(event);
    const form = await event.request.formData();
    const values = { reason: text(form, 'reason'), details: text(form, 'details') };
    const result = await api(event, 'POST', '/reports', {
      subjectType: subject.type,
      subjectId: subject.id,
      ...(values.reason ? { reason: values.reason } : {}),
      details: values.details
    });
    if (!result.ok) return failed(event, result, FIELDS, { values });
    // Post/redirect/get: a reload must not file the report twice.
    const search = new URLSearchParams(event.url.search);
    for (const key of [...search.keys()]) if (key.startsWith('/')) search.delete(key);
    search.set('sent', '');
    redirect(303, `/report?${search.toString()}`);
  }
};
