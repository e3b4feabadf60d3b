import { redirect } from '@sveltejs/kit';
import { api, failed } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { loadGroup, notFound } from '#lib/server/meetings.ts';
import type { Speaker } from '#lib/talk-types.ts';
import { readSpeakerForm, SPEAKER_FIELDS, speakerBody, speakersPath } from '../speaker-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroup(event);
  // Only organizers add invited speakers; the page does not exist for anyone else.
  if (!group.viewer.canManageTopics) notFound(event);
  return { group };
};

export const actions: Actions = {
  create: async (event) => {
    requireMe(event);
    const values = readSpeakerForm(await event.request.formData());
    const result = await api<Speaker>(
      event,
      'POST',
      speakersPath(event.params.slug),
      speakerBody(values, true)
    );
    if (!result.ok) return failed(event, result, SPEAKER_FIELDS, { values });
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/speakers/${encodeURIComponent(result.data.id)}?added`
    );
  }
};
