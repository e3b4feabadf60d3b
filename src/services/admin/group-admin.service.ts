// What an instance admin does to groups: find them, hide them from the instance and show them again
// (a moderation takedown, apart from the visibility organizers choose). Every change is written to
// the group's audit log, which the instance's log includes.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { containsText, toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import type { AdminHide, GroupKind, Visibility } from '../../domain/group-policy.ts';
import { recordAudit } from '../audit.service.ts';
import { adminHideOf } from '../group.service.ts';
import { type OffsetPage, offsetPage } from '../offset-page.ts';

/** A group as the admin area lists it. */
export interface AdminGroup {
  id: string;
  slug: string;
  name: string;
  kind: GroupKind;
  visibility: Visibility;
  memberCount: number;
  createdAt: Date;
  /** Who may hand it over (null only if the owner's account is gone). */
  owner: { id: string; displayName: string; handle: string } | null;
  hiddenByAdmin: AdminHide | null;
}

/** Why an admin action on a group was refused. */
export class GroupAdminError extends Error {
  readonly code: 'notFound';

  constructor(code: 'notFound') {
    super(code);
    this.name = 'GroupAdminError';
    this.code = code;
  }
}

/**
 * Groups by name, `limit` from `offset`; `q` matches name or address (any case), `hidden` keeps
 * only those hidden from the instance. Admins see every group, whatever its visibility.
 */
export async function listGroups(
  db: Db,
  options: { q?: string; hidden?: boolean; offset: number; limit: number }
): Promise<OffsetPage<AdminGroup>> {
  let query = db.kysely
    .selectFrom('groups as g')
    .leftJoin('memberships as m', (join) =>
      join.onRef('m.group_id', '=', 'g.id').on('m.role', '=', 'owner')
    )
    .leftJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'g.id',
      'g.slug',
      'g.name',
      'g.kind',
      'g.visibility',
      'g.member_count',
      'g.created_at',
      'g.hidden_by_admin_at',
      'g.hidden_by_admin_reason',
      'u.id as owner_id',
      'u.name as owner_name',
      'u.handle as owner_handle'
    ]);
  const q = options.q?.trim();
  if (q) query = query.where(containsText(['g.name', 'g.slug'], q));
  if (options.hidden) query = query.where('g.hidden_by_admin_at', 'is not', null);
  return offsetPage(query.orderBy(sql`lower(g.name)`).orderBy('g.id'), options, (r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    kind: r.kind === 'practice' ? 'practice' : 'meetup',
    visibility: r.visibility as Visibility,
    memberCount: r.member_count,
    createdAt: toDate(r.created_at),
    owner:
      r.owner_id === null || r.owner_name === null || r.owner_handle === null
        ? null
        : { id: r.owner_id, displayName: r.owner_name, handle: r.owner_handle },
    hiddenByAdmin: adminHideOf(r)
  }));
}

/**
 * Hides a group from the instance, for `reason` (trimmed, not empty): it leaves every list and
 * search, and is a 404 to everyone but its active members and admins; nobody joins it. Hiding a
 * hidden group changes nothing (its first reason stays).
 */
export async function hideGroup(
  db: Db,
  actorId: string,
  slug: string,
  reason: string,
  now = new Date()
): Promise<void> {
  await changeHide(db, actorId, slug, { at: now, reason });
}

/**
 * Shows a hidden group again: everything is as before it was hidden (its members, meetings and
 * invitations were kept). Showing a group that is not hidden changes nothing.
 */
export async function unhideGroup(db: Db, actorId: string, slug: string): Promise<void> {
  await changeHide(db, actorId, slug, null);
}

/** Hides the group (`hide`) or shows it (null), audited; a group already so stays untouched. */
async function changeHide(db: Db, actorId: string, slug: string, hide: AdminHide | null) {
  await writeTransaction(db, async (trx) => {
    const group = await trx
      .selectFrom('groups')
      .select(['id', 'hidden_by_admin_at'])
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (!group) throw new GroupAdminError('notFound');
    if ((group.hidden_by_admin_at !== null) === (hide !== null)) return;
    await trx
      .updateTable('groups')
      .set({
        hidden_by_admin_at: hide?.at.toISOString() ?? null,
        hidden_by_admin_reason: hide?.reason ?? null
      })
      .where('id', '=', group.id)
      .execute();
    await recordAudit(trx, {
      groupId: group.id,
      actorId,
      action: hide ? 'group.hidden-by-admin' : 'group.unhidden-by-admin',
      ...(hide ? { details: { reason: hide.reason } } : {})
    });
  });
}
