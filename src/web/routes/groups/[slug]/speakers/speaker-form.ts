import { text } from '#lib/server/api.ts';
import { groupPath, optionalText } from '#lib/server/meetings.ts';
import type { Speaker, SpeakerFormValues } from '#lib/talk-types.ts';

export type { SpeakerFormValues };

/** Fields of the speaker form that API errors may name. */
export const SPEAKER_FIELDS = ['name', 'bio', 'company', 'contact'] as const;

/** `/groups/<slug>/speakers` for API paths. */
export function speakersPath(slug: string): `/groups/${string}/speakers` {
  return `${groupPath(slug)}/speakers`;
}

/** Reads the speaker form. */
export function readSpeakerForm(form: FormData): SpeakerFormValues {
  return {
    name: text(form, 'name'),
    bio: text(form, 'bio'),
    company: text(form, 'company'),
    contact: text(form, 'contact')
  };
}

/**
 * The API body of the speaker form. Organizers set every field; a member editing their own
 * speaker profile sets bio and company only.
 */
export function speakerBody(values: SpeakerFormValues, manage: boolean): Record<string, unknown> {
  const own = { bio: values.bio, company: optionalText(values.company, null) };
  if (!manage) return own;
  return { name: values.name.trim(), ...own, contact: optionalText(values.contact, null) };
}

/** The speaker form filled with a speaker. */
export function speakerFormValues(speaker: Speaker): SpeakerFormValues {
  return {
    name: speaker.name,
    bio: speaker.bio,
    company: speaker.company ?? '',
    contact: speaker.contact ?? ''
  };
}
