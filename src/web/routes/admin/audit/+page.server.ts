import { api, unwrap } from '#lib/server/api.ts';
import { offsetOf, requireAdmin } from '#lib/server/admin.ts';
import type { PageServerLoad } from './$types';

export interface InstanceAuditEntry {
  id: string;
  action: string;
  actorName: string | null;
  subjectName: string | null;
  details: Record<string, unknown>;
  createdAt: string;
  group: { slug: string; name: string } | null;
}

export const load: PageServerLoad = async (event) => {
  requireAdmin(event);
  const offset = offsetOf(event.url);
  const result = await api<{ items: InstanceAuditEntry[]; nextOffset: number | null }>(
    event,
    'GET',
    `/admin/audit?offset=${offset}&limit=50`
  );
  const audit = unwrap(event, result);
  return { entries: audit.items, nextOffset: audit.nextOffset };
};
