import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { loadGroup } from '#lib/server/meetings.ts';
import type { Speaker, SpeakerDetail } from '#lib/talk-types.ts';
import {
  readSpeakerForm,
  SPEAKER_FIELDS,
  speakerBody,
  speakerFormValues,
  speakersPath
} from '../speaker-form.ts';
import type { Actions, PageServerLoad } from './$types';

function speakerPath(slug: string, id: string): `/groups/${string}/speakers/${string}` {
  return `${speakersPath(slug)}/${encodeURIComponent(id)}`;
}

export const load: PageServerLoad = async (event) => {
  const [group, found] = await Promise.all([
    loadGroup(event),
    api<SpeakerDetail>(event, 'GET', speakerPath(event.params.slug, event.params.id))
  ]);
  const speaker = unwrap(event, found);
  const canManage = group.viewer.canManageTopics ?? false;
  const meId = event.locals.me?.id ?? null;
  const isSelf = meId !== null && speaker.member?.id === meId;
  return {
    group,
    speaker,
    canManage,
    canEdit: canManage || isSelf,
    values: speakerFormValues(speaker),
    added: event.url.searchParams.has('added')
  };
};

export const actions: Actions = {
  save: async (event) => {
    requireMe(event);
    const values = readSpeakerForm(await event.request.formData());
    // A member editing their own profile sends bio and company only.
    const manage = (await loadGroup(event)).viewer.canManageTopics ?? false;
    const result = await api<Speaker>(
      event,
      'PATCH',
      speakerPath(event.params.slug, event.params.id),
      speakerBody(values, manage)
    );
    if (!result.ok) return failed(event, result, SPEAKER_FIELDS, { values });
    return { saved: true as const };
  }
};
