import { redirect } from '@sveltejs/kit';
import { boardPath, POST_KINDS, type Post, type PostKind } from '#lib/board-types.ts';
import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { loadGroup, notFound } from '#lib/server/meetings.ts';
import type { Group } from '#lib/api-types.ts';
import type { Actions, PageServerLoad } from './$types';

const FIELDS = ['kind', 'title', 'body', 'linkUrl'];

/** The kinds the viewer may post: announcements only for organizers and up. */
function kindsFor(group: Group): PostKind[] {
  return POST_KINDS.filter((k) => k !== 'announcement' || group.viewer.canManage);
}

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroup(event);
  if (group.viewer.status !== 'active') notFound(event);
  const kind = event.url.searchParams.get('kind') ?? 'help';
  return {
    group,
    kinds: kindsFor(group),
    codeOfConductUrl: group.details?.codeOfConductUrl ?? null,
    values: { kind, title: '', body: '', linkUrl: '' }
  };
};

export const actions: Actions = {
  default: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const values = {
      kind: text(form, 'kind'),
      title: text(form, 'title'),
      body: text(form, 'body'),
      linkUrl: text(form, 'linkUrl').trim()
    };
    const result = await api<Post>(event, 'POST', boardPath(event.params.slug), {
      kind: values.kind,
      title: values.title,
      body: values.body,
      ...(values.linkUrl ? { linkUrl: values.linkUrl } : {})
    });
    if (!result.ok) return failed(event, result, FIELDS, { values });
    // Post/redirect/get: reloading the page must not post twice.
    redirect(
      303,
      `/groups/${encodeURIComponent(event.params.slug)}/board/${encodeURIComponent(result.data.id)}?created`
    );
  }
};
