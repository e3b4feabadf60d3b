import type { Group, ItemList, Member } from '#lib/api-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const slug = encodeURIComponent(event.params.slug);
  const [group, requests] = await Promise.all([
    api<Group>(event, 'GET', `/groups/${slug}`),
    api<ItemList<Member>>(event, 'GET', `/groups/${slug}/requests`)
  ]);
  return { group: unwrap(event, group), requests: unwrap(event, requests).items };
};

/** Approves or declines the request of the form's `userId`. */
async function decide(event: RequestEvent, decision: 'approve' | 'decline') {
  requireMe(event);
  const form = await event.request.formData();
  const userId = text(form, 'userId');
  const name = text(form, 'name');
  const result = await api(
    event,
    'POST',
    `/groups/${encodeURIComponent(event.params.slug)}/requests/${encodeURIComponent(userId)}/${decision}`
  );
  if (!result.ok) return failed(event, result, [], { decision, name });
  return { decision, name, done: true };
}

export const actions: Actions = {
  approve: (event) => decide(event, 'approve'),
  decline: (event) => decide(event, 'decline')
};
