import { api, text } from '#lib/server/api.ts';
import { adminListPage, adminRowAction } from '#lib/server/admin.ts';
import type { Actions, PageServerLoad } from './$types';

export interface AdminUser {
  id: string;
  displayName: string;
  handle: string;
  email: string;
  emailVerified: boolean;
  isAdmin: boolean;
  suspendedAt: string | null;
  createdAt: string;
  ownedGroups: number;
}

export const load: PageServerLoad = async (event) => {
  const { items, ...page } = await adminListPage<AdminUser>(event, 'users', 'suspended');
  return { users: items, ...page };
};

/** One action on one account, named by the form's `userId`. */
const act = (
  event: Parameters<Actions[string]>[0],
  done: 'suspended' | 'restored' | 'adminGranted' | 'adminRevoked' | 'deleted',
  call: (id: string, form: FormData) => ReturnType<typeof api>
) => adminRowAction(event, 'userId', done, call);

export const actions: Actions = {
  suspend: (event) =>
    act(event, 'suspended', (id) => api(event, 'POST', `/admin/users/${id}/suspend`)),
  restore: (event) =>
    act(event, 'restored', (id) => api(event, 'POST', `/admin/users/${id}/restore`)),
  grantAdmin: (event) =>
    act(event, 'adminGranted', (id) =>
      api(event, 'PUT', `/admin/users/${id}/admin`, { isAdmin: true })
    ),
  revokeAdmin: (event) =>
    act(event, 'adminRevoked', (id) =>
      api(event, 'PUT', `/admin/users/${id}/admin`, { isAdmin: false })
    ),
  delete: (event) =>
    act(event, 'deleted', (id, form) =>
      api(event, 'DELETE', `/admin/users/${id}`, { content: text(form, 'content') })
    )
};
