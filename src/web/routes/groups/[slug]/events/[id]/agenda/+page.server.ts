import { fail } from '@sveltejs/kit';
import { translator } from '#lib/i18n.ts';
import type { TopicPage } from '#lib/practice-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import {
  groupPath,
  loadGroup,
  loadMeeting,
  notFound,
  numberInput,
  optionalText
} from '#lib/server/meetings.ts';
import { AGENDA_KINDS, type Agenda, type TalkPage } from '#lib/talk-types.ts';
import {
  agendaPath,
  changeItem,
  currentItems,
  ITEM_FIELDS,
  itemProblem,
  moveItem,
  removeItem,
  saveItems
} from './agenda-edit.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** Talks accepted into this meeting and topics still to talk about: what items can refer to. */
async function choices(event: RequestEvent, slug: string, eventId: string) {
  const [talks, topics] = await Promise.all([
    api<TalkPage>(event, 'GET', `${groupPath(slug)}/talks?status=accepted&limit=100`),
    api<TopicPage>(event, 'GET', `${groupPath(slug)}/topics?status=all&limit=100`)
  ]);
  return {
    talks: talks.ok ? talks.data.items.filter((talk) => talk.event?.id === eventId) : [],
    topics: topics.ok
      ? topics.data.items.filter((topic) => topic.status === 'open' || topic.status === 'scheduled')
      : []
  };
}

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const [meeting, group, agenda] = await Promise.all([
    loadMeeting(event),
    loadGroup(event),
    api<Agenda>(event, 'GET', agendaPath(event.params.id))
  ]);
  const found = unwrap(event, agenda);
  // Hosts and up keep the agenda; the editor does not exist for anyone else.
  if (!found.viewer.canEdit) notFound(event);
  const { talks, topics } = await choices(event, group.slug, meeting.id);
  return {
    meeting,
    agenda: found,
    talks: talks.map((talk) => ({ id: talk.id, title: talk.title, speaker: talk.speaker.name })),
    topics: topics.map((topic) => ({ id: topic.id, title: topic.title })),
    moderators: (group.details?.organizers ?? []).map((p) => ({
      id: p.userId,
      name: p.displayName
    }))
  };
};

/** Item `id` is no longer there (someone else changed the agenda): a message at the top. */
function gone(event: RequestEvent, form: 'item' | 'move' | 'remove', itemId: string) {
  const message = translator(event.locals.lang)('agenda.editor.gone');
  return fail(409, { form, itemId, errors: { message, fields: {} } });
}

export const actions: Actions = {
  /** Title, length and moderator of one item. */
  item: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const itemId = text(form, 'id');
    const current = await currentItems(event, event.params.id);
    if (!current.ok) return failed(event, current, [], { form: 'item' as const, itemId });
    const moderatorId = optionalText(text(form, 'moderatorId'), null);
    const items = changeItem(current.data, itemId, {
      title: text(form, 'title'),
      durationMinutes: numberInput(text(form, 'durationMinutes'), undefined),
      moderatorId
    });
    if (!items) return gone(event, 'item', itemId);
    const result = await saveItems(event, event.params.id, items);
    if (!result.ok) {
      const index = items.findIndex((item) => item.id === itemId);
      const problem = itemProblem(result.problem, index);
      return failed(event, { ...result, problem }, ITEM_FIELDS, { form: 'item' as const, itemId });
    }
    return { form: 'item' as const, itemId, done: 'saved' as const };
  },

  move: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const itemId = text(form, 'id');
    const direction = text(form, 'direction') === 'down' ? 'down' : 'up';
    const current = await currentItems(event, event.params.id);
    if (!current.ok) return failed(event, current, [], { form: 'move' as const, itemId });
    const items = moveItem(current.data, itemId, direction);
    if (!items) return gone(event, 'move', itemId);
    const result = await saveItems(event, event.params.id, items);
    if (!result.ok) return failed(event, result, [], { form: 'move' as const, itemId });
    return { form: 'move' as const, itemId, done: direction };
  },

  remove: async (event) => {
    requireMe(event);
    const itemId = text(await event.request.formData(), 'id');
    const current = await currentItems(event, event.params.id);
    if (!current.ok) return failed(event, current, [], { form: 'remove' as const, itemId });
    const items = removeItem(current.data, itemId);
    if (!items) return gone(event, 'remove', itemId);
    const result = await saveItems(event, event.params.id, items);
    if (!result.ok) return failed(event, result, [], { form: 'remove' as const, itemId });
    return { form: 'remove' as const, itemId, done: 'removed' as const };
  },

  add: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const t = translator(event.locals.lang);
    const values = {
      kind: text(form, 'kind'),
      title: text(form, 'title'),
      durationMinutes: text(form, 'durationMinutes'),
      talkId: text(form, 'talkId'),
      topicId: text(form, 'topicId'),
      moderatorId: text(form, 'moderatorId')
    };
    const kind = AGENDA_KINDS.find((k) => k === values.kind);
    const missing = (field: string, message: string) =>
      fail(400, {
        form: 'add' as const,
        values,
        errors: { message: null, fields: { [field]: [message] } }
      });
    if (!kind) return missing('kind', t('agenda.editor.kindRequired'));
    if (kind === 'talk' && !values.talkId)
      return missing('talkId', t('agenda.editor.talkRequired'));
    if (kind === 'topic' && !values.topicId)
      return missing('topicId', t('agenda.editor.topicRequired'));
    const current = await currentItems(event, event.params.id);
    if (!current.ok) return failed(event, current, [], { form: 'add' as const, values });
    // A blank title or length: the talk's or topic's own, or the kind's name.
    const { talks, topics } = await choices(event, event.params.slug, event.params.id);
    const talk = kind === 'talk' ? talks.find((x) => x.id === values.talkId) : undefined;
    const topic = kind === 'topic' ? topics.find((x) => x.id === values.topicId) : undefined;
    const title =
      optionalText(values.title, null) ?? talk?.title ?? topic?.title ?? t(`agenda.kind.${kind}`);
    const typed = numberInput(values.durationMinutes, undefined);
    const durationMinutes = typed ?? talk?.durationMinutes ?? (topic ? 30 : undefined);
    const items = [
      ...current.data,
      {
        kind,
        title,
        durationMinutes,
        ...(kind === 'talk' && { talkId: values.talkId }),
        ...(kind === 'topic' && { topicId: values.topicId }),
        ...(values.moderatorId && { moderatorId: values.moderatorId })
      }
    ];
    const result = await saveItems(event, event.params.id, items);
    if (!result.ok) {
      const problem = itemProblem(result.problem, items.length - 1);
      return failed(event, { ...result, problem }, ITEM_FIELDS, { form: 'add' as const, values });
    }
    return { form: 'add' as const, done: 'added' as const, title };
  }
};
