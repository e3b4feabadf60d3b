import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { groupPath, loadGroup, notFound } from '#lib/server/meetings.ts';
import { OUTREACH_FIELDS, type QuietList } from '#lib/health-types.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroup(event);
  // The list is for organizers: the API answers 404 to everyone else, and so does this page.
  const list = await api<QuietList>(event, 'GET', `${groupPath(group.slug)}/health/quiet`);
  if (!list.ok) notFound(event);
  return { group, quiet: list.data };
};

export const actions: Actions = {
  message: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const userId = text(form, 'userId');
    const values = { subject: text(form, 'subject'), body: text(form, 'body') };
    const result = await api<{ sentAt: string }>(
      event,
      'POST',
      `${groupPath(event.params.slug)}/health/quiet/${encodeURIComponent(userId)}/message`,
      values
    );
    if (!result.ok) {
      return failed(event, result, OUTREACH_FIELDS, { form: 'message' as const, userId, values });
    }
    return { form: 'message' as const, userId, sentAt: result.data.sentAt };
  }
};
