import { redirect } from '@sveltejs/kit';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { groupPath, loadGroup } from '#lib/server/meetings.ts';
import type { Speaker, Talk } from '#lib/talk-types.ts';
import { readTalkForm, TALK_FIELDS, talkBody, talksPath } from '../talk-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroup(event);
  const canDecide = group.viewer.canManageTopics ?? false;
  // Organizers may propose a talk for an invited speaker (one without an account).
  const speakers = canDecide
    ? unwrap(
        event,
        await api<{ items: Speaker[] }>(event, 'GET', `${groupPath(group.slug)}/speakers`)
      ).items.filter((s) => s.invited)
    : null;
  return {
    group,
    canPropose: (group.viewer.canProposeTopics ?? false) || canDecide,
    speakers: speakers?.map((s) => ({ id: s.id, name: s.name })) ?? null
  };
};

export const actions: Actions = {
  propose: async (event) => {
    requireMe(event);
    const values = readTalkForm(await event.request.formData());
    const result = await api<Talk>(event, 'POST', talksPath(event.params.slug), talkBody(values));
    if (!result.ok) return failed(event, result, TALK_FIELDS, { values });
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/talks/${encodeURIComponent(result.data.id)}?proposed`
    );
  }
};
