import type { AdminHide, GroupKind, GroupVisibility } from '#lib/api-types.ts';
import { api, text } from '#lib/server/api.ts';
import { adminListPage, adminRowAction } from '#lib/server/admin.ts';
import type { Actions, PageServerLoad } from './$types';

export interface AdminGroup {
  id: string;
  slug: string;
  name: string;
  kind: GroupKind;
  visibility: GroupVisibility;
  memberCount: number;
  createdAt: string;
  owner: { id: string; displayName: string; handle: string } | null;
  hiddenByAdmin: AdminHide | null;
}

export const load: PageServerLoad = async (event) => {
  const { items, ...page } = await adminListPage<AdminGroup>(event, 'groups', 'hidden');
  return { groups: items, ...page };
};

export const actions: Actions = {
  hide: (event) =>
    adminRowAction(
      event,
      'slug',
      'hidden',
      (slug, form) =>
        api(event, 'POST', `/admin/groups/${slug}/hide`, { reason: text(form, 'reason') }),
      ['reason']
    ),
  unhide: (event) =>
    adminRowAction(event, 'slug', 'shown', (slug) =>
      api(event, 'POST', `/admin/groups/${slug}/unhide`)
    )
};
