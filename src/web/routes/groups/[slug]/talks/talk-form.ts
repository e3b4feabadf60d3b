import { fail, type RequestEvent } from '@sveltejs/kit';
import type { EventList, EventSummary } from '#lib/api-types.ts';
import { translator } from '#lib/i18n.ts';
import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { groupPath, numberInput, optionalText } from '#lib/server/meetings.ts';
import type { Talk, TalkFormValues, TalkLinkValues } from '#lib/talk-types.ts';

export type { TalkFormValues, TalkLinkValues };

type ApiEvent = Pick<RequestEvent, 'fetch' | 'locals' | 'url'>;
type ActionEvent = Pick<RequestEvent, 'fetch' | 'locals' | 'url' | 'request'> & {
  params: { slug: string };
};

/** Fields of the talk forms that API errors may name. */
export const TALK_FIELDS = ['title', 'abstract', 'durationMinutes', 'level', 'speakerId'] as const;

/** Fields of the slides-and-recording form. */
export const LINK_FIELDS = ['slidesUrl', 'recordingUrl'] as const;

/** `/groups/<slug>/talks` for API paths. */
export function talksPath(slug: string): `/groups/${string}/talks` {
  return `${groupPath(slug)}/talks`;
}

/** `/groups/<slug>/talks/<id>` for API paths. */
export function talkPath(slug: string, id: string): `/groups/${string}/talks/${string}` {
  return `${talksPath(slug)}/${encodeURIComponent(id)}`;
}

/** Reads the propose or edit form of a talk. */
export function readTalkForm(form: FormData): TalkFormValues {
  return {
    title: text(form, 'title'),
    abstract: text(form, 'abstract'),
    durationMinutes: text(form, 'durationMinutes'),
    level: text(form, 'level'),
    speakerId: text(form, 'speakerId')
  };
}

/** The API body of a talk form; `speakerId` only when an organizer chose an invited speaker. */
export function talkBody(values: TalkFormValues): Record<string, unknown> {
  return {
    title: values.title.trim(),
    abstract: values.abstract,
    durationMinutes: numberInput(values.durationMinutes, undefined),
    level: values.level,
    ...(values.speakerId && { speakerId: values.speakerId })
  };
}

/** The edit form filled with a talk. */
export function talkFormValues(talk: Talk): TalkFormValues {
  return {
    title: talk.title,
    abstract: talk.abstract,
    durationMinutes: String(talk.durationMinutes),
    level: talk.level,
    speakerId: ''
  };
}

/** Reads the slides-and-recording form. */
export function readLinkForm(form: FormData): TalkLinkValues {
  return { slidesUrl: text(form, 'slidesUrl'), recordingUrl: text(form, 'recordingUrl') };
}

/** The API body of the slides-and-recording form: blank removes a link. */
export function linkBody(values: TalkLinkValues): Record<string, unknown> {
  return {
    slidesUrl: optionalText(values.slidesUrl, null),
    recordingUrl: optionalText(values.recordingUrl, null)
  };
}

/** The group's meetings a talk can be accepted into: upcoming and published. */
export async function upcomingMeetings(event: ApiEvent, slug: string): Promise<EventSummary[]> {
  const result = await api<EventList>(
    event,
    'GET',
    `${groupPath(slug)}/events?when=upcoming&limit=50`
  );
  return result.ok ? result.data.items.filter((m) => m.status === 'published') : [];
}

/** Form action: accept the talk of the form into the chosen meeting (its agenda gets the talk). */
export async function acceptAction(event: ActionEvent) {
  requireMe(event);
  const form = await event.request.formData();
  const talkId = text(form, 'talk');
  const eventId = text(form, 'eventId');
  if (!eventId) {
    const message = translator(event.locals.lang)('talks.decide.meetingRequired');
    return fail(400, {
      form: 'decide' as const,
      talkId,
      errors: { message: null, fields: { eventId: [message] } }
    });
  }
  const result = await api<Talk>(event, 'POST', `${talkPath(event.params.slug, talkId)}/accept`, {
    eventId
  });
  if (!result.ok) return failed(event, result, ['eventId'], { form: 'decide' as const, talkId });
  return {
    form: 'decide' as const,
    talkId,
    decided: 'accepted' as const,
    title: result.data.title,
    meeting: result.data.event?.title ?? ''
  };
}

/** Form action: decline the talk, or keep it for later, with an optional note to the speaker. */
export async function decideAction(event: ActionEvent) {
  requireMe(event);
  const form = await event.request.formData();
  const talkId = text(form, 'talk');
  const decision: 'later' | 'declined' = text(form, 'decision') === 'later' ? 'later' : 'declined';
  const note = text(form, 'note').trim();
  const result = await api<Talk>(
    event,
    'POST',
    `${talkPath(event.params.slug, talkId)}/${decision === 'later' ? 'later' : 'decline'}`,
    note ? { note } : {}
  );
  if (!result.ok) return failed(event, result, ['note'], { form: 'decide' as const, talkId });
  return {
    form: 'decide' as const,
    talkId,
    decided: decision,
    title: result.data.title,
    meeting: ''
  };
}
