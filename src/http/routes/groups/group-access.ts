import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import { can, canManage, type GroupAction, type Viewer } from '../../../domain/group-policy.ts';
import { findGroupBySlug, type Group, viewerOf } from '../../../services/group.service.ts';
import { MembershipError } from '../../../services/membership.service.ts';
import { Problem } from '../../problem.ts';

/**
 * Loads the group named in the URL and the caller's standing in it, and checks `action`. A group
 * the caller may not see is a 404, exactly like one that does not exist; an action they may not
 * take in a group they can see is a 403 (401 when nobody is logged in).
 */
export async function requireGroupAccess(
  db: Db,
  request: FastifyRequest,
  slug: string,
  action: GroupAction
): Promise<{ group: Group; viewer: Viewer }> {
  const group = await findGroupBySlug(db, slug);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, request.caller?.userId ?? null);
  if (!can(viewer, group, 'group.see')) throw new Problem('not-found');
  if (!can(viewer, group, action)) {
    if (action === 'member.list' || action === 'group.read') throw new Problem('not-found');
    throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
  }
  return { group, viewer };
}

/** Refuses an organizer action on `target` the actor's role does not allow. */
export function requireManage(
  viewer: Viewer,
  target: { role: Parameters<typeof canManage>[1]['role'] },
  to?: Parameters<typeof canManage>[2]
): void {
  if (!canManage(viewer, target, to)) throw new Problem('forbidden');
}

/** Maps a refused membership change onto its problem response. */
export function membershipProblem(error: unknown): never {
  if (error instanceof MembershipError) {
    if (error.problem === 'notMember' || error.problem === 'notPending') {
      throw new Problem('not-found', { detail: undefined });
    }
    if (error.problem === 'banned') throw new Problem('forbidden', { detail: undefined });
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}
