// Who may see a group's health figures, refused outreach, and the CSV download headers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import { dayOf } from '../../../domain/health.ts';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import { findGroupBySlug, type Group, viewerOf } from '../../../services/group.service.ts';
import { healthSettings } from '../../../services/health/health.service.ts';
import { OUTREACH_EVERY_DAYS, OutreachError } from '../../../services/health/outreach.service.ts';
import { Problem } from '../../problem.ts';

/**
 * Loads the group named in the URL and checks `action` (`health.view`, `health.outreach`:
 * organizers and up, admins). The figures are private: to everyone else the group's health is a
 * 404, also in groups they may read; 401 when nobody is logged in.
 */
export async function requireHealthAccess(
  db: Db,
  request: FastifyRequest,
  slug: string,
  action: 'health.view' | 'health.outreach'
): Promise<{ group: Group; viewer: Viewer }> {
  const userId = request.caller?.userId ?? null;
  if (!userId) throw new Problem('unauthorized');
  const group = await findGroupBySlug(db, slug);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, userId);
  if (!can(viewer, group, action)) throw new Problem('not-found');
  return { group, viewer };
}

/**
 * The group whose figures without names the caller may see: those who may read the group when it
 * made them public, and those who may see the dashboard always; a 404 to everyone else.
 */
export async function requirePublicHealthAccess(
  db: Db,
  request: FastifyRequest,
  slug: string
): Promise<Group> {
  const group = await findGroupBySlug(db, slug);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, request.caller?.userId ?? null);
  if (can(viewer, group, 'health.view')) return group;
  if (can(viewer, group, 'group.read') && (await healthSettings(db, group.id)).public) return group;
  throw new Problem('not-found');
}

/** Maps a refused personal message onto its problem response. */
export function outreachProblem(error: unknown): never {
  if (error instanceof OutreachError) {
    if (error.problem === 'notQuiet') throw new Problem('not-found');
    throw new Problem('conflict', {
      detail: error.problem,
      params: { days: OUTREACH_EVERY_DAYS }
    });
  }
  throw error;
}

/** Sends `csv` as a download named `<name>-<YYYY-MM-DD>.csv` (today, UTC). */
export function sendCsv(reply: FastifyReply, name: string, csv: string): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${dayOf(new Date())}.csv"`)
    .header('cache-control', 'private, no-cache')
    .send(csv);
}
