import { redirect } from '@sveltejs/kit';
import {
  type CommentList,
  isReaction,
  type Post,
  type PostComment,
  postPath
} from '#lib/board-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { loadGroup, notFound } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** What the page confirms after a redirect (post/redirect/get). */
const DONE = ['created', 'saved', 'commented'] as const;

export const load: PageServerLoad = async (event) => {
  const [group, found, comments] = await Promise.all([
    loadGroup(event),
    api<Post>(event, 'GET', postPath(event.params.id)),
    api<CommentList>(event, 'GET', `${postPath(event.params.id)}/comments?limit=100`)
  ]);
  const post = unwrap(event, found);
  // The API addresses posts by id alone: a post of another group is not on this page.
  if (post.groupId !== group.id) notFound(event);
  return {
    group,
    post,
    comments: comments.ok ? comments.data.items : [],
    done: DONE.find((key) => event.url.searchParams.has(key)) ?? null
  };
};

/** Back to this post's page, with a confirmation. */
function back(event: Pick<RequestEvent, 'params'>, done?: (typeof DONE)[number]): never {
  const path = `/groups/${encodeURIComponent(event.params.slug)}/board/${encodeURIComponent(event.params.id)}`;
  redirect(303, done ? `${path}?${done}` : path);
}

export const actions: Actions = {
  comment: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const body = text(form, 'body');
    const parentId = text(form, 'parentId');
    const result = await api<PostComment>(event, 'POST', `${postPath(event.params.id)}/comments`, {
      body,
      ...(parentId ? { parentId } : {})
    });
    if (!result.ok) {
      return failed(event, result, ['body'], { form: 'comment' as const, body, parentId });
    }
    back(event, 'commented');
  },

  deleteComment: async (event) => {
    requireMe(event);
    const id = text(await event.request.formData(), 'comment');
    const result = await api(event, 'DELETE', `/comments/${encodeURIComponent(id)}`);
    if (!result.ok) return failed(event, result, [], { form: 'manage' as const });
    back(event);
  },

  // `on:heart` adds a reaction, `off:heart` takes it back; the subject is the post or a comment.
  react: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const [turn, reaction] = text(form, 'reaction').split(':');
    const id = text(form, 'id');
    const base: `/${string}` =
      text(form, 'subject') === 'comment' ? `/comments/${encodeURIComponent(id)}` : postPath(id);
    if (!isReaction(reaction ?? null)) back(event);
    const result = await api(
      event,
      turn === 'off' ? 'DELETE' : 'PUT',
      `${base}/reactions/${reaction ?? ''}`
    );
    if (!result.ok) return failed(event, result, [], { form: 'manage' as const });
    back(event);
  },

  solve: async (event) => {
    requireMe(event);
    const solved = text(await event.request.formData(), 'solved') === 'true';
    const result = await api(
      event,
      solved ? 'POST' : 'DELETE',
      `${postPath(event.params.id)}/solved`
    );
    if (!result.ok) return failed(event, result, [], { form: 'manage' as const });
    back(event);
  },

  pin: async (event) => {
    requireMe(event);
    const pinned = text(await event.request.formData(), 'pinned') === 'true';
    const result = await api(event, pinned ? 'POST' : 'DELETE', `${postPath(event.params.id)}/pin`);
    if (!result.ok) return failed(event, result, [], { form: 'manage' as const });
    back(event);
  },

  edit: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const values = {
      title: text(form, 'title'),
      body: text(form, 'body'),
      linkUrl: text(form, 'linkUrl').trim()
    };
    const result = await api<Post>(event, 'PATCH', postPath(event.params.id), {
      title: values.title,
      body: values.body,
      linkUrl: values.linkUrl || null
    });
    if (!result.ok) {
      return failed(event, result, ['title', 'body', 'linkUrl'], { form: 'edit' as const, values });
    }
    back(event, 'saved');
  },

  delete: async (event) => {
    requireMe(event);
    const result = await api(event, 'DELETE', postPath(event.params.id));
    if (!result.ok) return failed(event, result, [], { form: 'manage' as const });
    redirect(303, `/groups/${encodeURIComponent(event.params.slug)}/board?removed`);
  }
};
