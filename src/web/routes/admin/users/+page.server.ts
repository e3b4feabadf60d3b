import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { offsetOf, requireAdmin } from '#lib/server/admin.ts';
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
  requireAdmin(event);
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  const suspended = event.url.searchParams.get('suspended') === 'true';
  const offset = offsetOf(event.url);
  const query = new URLSearchParams({ offset: String(offset), limit: '50' });
  if (q) query.set('q', q);
  if (suspended) query.set('suspended', 'true');
  const result = await api<{ items: AdminUser[]; nextOffset: number | null }>(
    event,
    'GET',
    `/admin/users?${query.toString()}`
  );
  const users = unwrap(event, result);
  return { users: users.items, nextOffset: users.nextOffset, q, suspended, offset };
};

/** One action on one account, named by the form's `userId`. */
async function act(
  event: Parameters<Actions[string]>[0],
  done: 'suspended' | 'restored' | 'adminGranted' | 'adminRevoked' | 'deleted',
  call: (id: string, form: FormData) => ReturnType<typeof api>
) {
  requireAdmin(event);
  const form = await event.request.formData();
  const userId = text(form, 'userId');
  const result = await call(encodeURIComponent(userId), form);
  if (!result.ok) return failed(event, result, [], { userId });
  return { userId, done };
}

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
