import { redirect } from '@sveltejs/kit';
import type { Topic, TopicCommentPage, TopicPage } from '#lib/practice-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { loadGroup } from '#lib/server/meetings.ts';
import { readTopicForm, TOPIC_FIELDS, topicBody, topicsPath } from '../topic-form.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** How many link rows the "discussed" form offers. */
const LINK_ROWS = 3;

function topicPath(event: Pick<RequestEvent, 'params'>): `/groups/${string}/topics/${string}` {
  return `${topicsPath(event.params.slug)}/${encodeURIComponent(event.params.id)}`;
}

export const load: PageServerLoad = async (event) => {
  const group = await loadGroup(event);
  const [topicResult, commentsResult] = await Promise.all([
    api<Topic>(event, 'GET', topicPath(event)),
    api<TopicCommentPage>(event, 'GET', `${topicPath(event)}/comments?limit=100`)
  ]);
  const topic = unwrap(event, topicResult);
  // Organizers merge a duplicate into another open topic: offer those.
  const mergeTargets =
    topic.viewer.canManage && topic.status === 'open'
      ? await api<TopicPage>(event, 'GET', `${topicsPath(group.slug)}?status=open&limit=100`)
      : null;
  const links = [...topic.links];
  while (links.length < LINK_ROWS) links.push({ title: '', url: '' });
  return {
    group,
    topic,
    comments: commentsResult.ok ? commentsResult.data.items : [],
    mergeTargets: mergeTargets?.ok
      ? mergeTargets.data.items
          .filter((t) => t.id !== topic.id)
          .map((t) => ({ id: t.id, title: t.title }))
      : [],
    links
  };
};

export const actions: Actions = {
  comment: async (event) => {
    requireMe(event);
    const body = text(await event.request.formData(), 'body');
    const result = await api(event, 'POST', `${topicPath(event)}/comments`, { body });
    if (!result.ok) return failed(event, result, ['body'], { form: 'comment' as const, body });
    return { form: 'comment' as const, done: true };
  },

  deleteComment: async (event) => {
    requireMe(event);
    const id = text(await event.request.formData(), 'comment');
    const result = await api(
      event,
      'DELETE',
      `${topicPath(event)}/comments/${encodeURIComponent(id)}`
    );
    if (!result.ok) return failed(event, result, [], { form: 'deleteComment' as const });
    return { form: 'deleteComment' as const, done: true };
  },

  edit: async (event) => {
    requireMe(event);
    const values = readTopicForm(await event.request.formData());
    const result = await api<Topic>(event, 'PATCH', topicPath(event), topicBody(values));
    if (!result.ok) return failed(event, result, TOPIC_FIELDS, { form: 'edit' as const, values });
    return { form: 'edit' as const, done: true };
  },

  withdraw: async (event) => {
    requireMe(event);
    const result = await api<Topic>(event, 'POST', `${topicPath(event)}/withdraw`);
    if (!result.ok) return failed(event, result, [], { form: 'withdraw' as const });
    return { form: 'withdraw' as const, done: true };
  },

  archive: async (event) => {
    requireMe(event);
    const reason = text(await event.request.formData(), 'reason').trim();
    const result = await api<Topic>(event, 'POST', `${topicPath(event)}/archive`, {
      ...(reason ? { reason } : {})
    });
    if (!result.ok) return failed(event, result, ['reason'], { form: 'archive' as const });
    return { form: 'archive' as const, done: true };
  },

  merge: async (event) => {
    requireMe(event);
    const into = text(await event.request.formData(), 'into');
    const result = await api<Topic>(event, 'POST', `${topicPath(event)}/merge`, { into });
    if (!result.ok) return failed(event, result, ['into'], { form: 'merge' as const });
    // The duplicate is archived now: go on to the topic it joined.
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/topics/${encodeURIComponent(result.data.id)}?merged`
    );
  },

  discussed: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const notes = text(form, 'notes');
    const links = Array.from({ length: LINK_ROWS }, (_, i) => ({
      title: text(form, `link-${i}-title`).trim(),
      url: text(form, `link-${i}-url`).trim()
    }));
    const result = await api<Topic>(event, 'POST', `${topicPath(event)}/discussed`, {
      notes,
      links: links.filter((link) => link.title !== '' || link.url !== '')
    });
    if (!result.ok)
      return failed(event, result, ['notes', 'links'], {
        form: 'discussed' as const,
        notes,
        links
      });
    return { form: 'discussed' as const, done: true };
  }
};
