// What an instance admin does to accounts: find them, suspend and restore them, make admins.
// Every change is written to the audit log (group: none).
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { containsText, dbBool, toBool, toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { recordAudit } from '../audit.service.ts';
import { type OffsetPage, offsetPage } from '../offset-page.ts';

/** An account as the admin area lists it. */
export interface AdminUser {
  id: string;
  displayName: string;
  handle: string;
  email: string;
  emailVerified: boolean;
  isAdmin: boolean;
  suspendedAt: Date | null;
  createdAt: Date;
  /** Groups the account owns (which must be handed over before it can be deleted). */
  ownedGroups: number;
}

/** Why an admin action on an account was refused. */
export class UserAdminError extends Error {
  readonly code: 'notFound' | 'self' | 'lastAdmin';

  constructor(code: 'notFound' | 'self' | 'lastAdmin') {
    super(code);
    this.name = 'UserAdminError';
    this.code = code;
  }
}

/** The account's admin flag and suspension, read in the caller's transaction; `notFound` if gone. */
async function accountOf(trx: Kysely<Database>, userId: string) {
  const user = await trx
    .selectFrom('users')
    .select(['is_admin', 'suspended_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new UserAdminError('notFound');
  return user;
}

/** Whether the account is suspended (it may not log in). */
export async function isSuspended(db: Db, userId: string): Promise<boolean> {
  const row = await db.kysely
    .selectFrom('users')
    .select('suspended_at')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.suspended_at != null;
}

/**
 * Accounts, newest first, `limit` from `offset`; `q` matches name, handle or email (any case),
 * `suspended` keeps only suspended ones.
 */
export async function listUsers(
  db: Db,
  options: { q?: string; suspended?: boolean; offset: number; limit: number }
): Promise<OffsetPage<AdminUser>> {
  let query = db.kysely
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.name',
      'u.handle',
      'u.email',
      'u.email_verified',
      'u.is_admin',
      'u.suspended_at',
      'u.created_at'
    ])
    .select((eb) =>
      eb
        .selectFrom('memberships as m')
        .select(eb.fn.countAll<number | string>().as('n'))
        .whereRef('m.user_id', '=', 'u.id')
        .where('m.role', '=', 'owner')
        .as('owned')
    );
  const q = options.q?.trim();
  if (q) query = query.where(containsText(['u.name', 'u.handle', 'u.email'], q));
  if (options.suspended) query = query.where('u.suspended_at', 'is not', null);
  return offsetPage(query.orderBy('u.created_at', 'desc').orderBy('u.id'), options, (r) => ({
    id: r.id,
    displayName: r.name,
    handle: r.handle,
    email: r.email,
    emailVerified: toBool(r.email_verified),
    isAdmin: toBool(r.is_admin),
    suspendedAt: r.suspended_at === null ? null : toDate(r.suspended_at),
    createdAt: toDate(r.created_at),
    ownedGroups: Number(r.owned ?? 0)
  }));
}

/**
 * Suspends an account (not one's own): it can no longer log in, and every session and API token
 * it has ends at once. Suspending a suspended account changes nothing.
 */
export async function suspendUser(
  db: Db,
  actorId: string,
  userId: string,
  now = new Date()
): Promise<void> {
  if (actorId === userId) throw new UserAdminError('self');
  await writeTransaction(db, async (trx) => {
    const user = await accountOf(trx, userId);
    if (user.suspended_at !== null) return;
    await trx
      .updateTable('users')
      .set({ suspended_at: now.toISOString() })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await trx.deleteFrom('api_tokens').where('user_id', '=', userId).execute();
    await recordAudit(trx, {
      groupId: null,
      actorId,
      action: 'user.suspended',
      subjectUserId: userId
    });
  });
}

/** Lifts a suspension: the account may log in again (its old sessions and tokens stay ended). */
export async function restoreUser(db: Db, actorId: string, userId: string): Promise<void> {
  await writeTransaction(db, async (trx) => {
    const user = await accountOf(trx, userId);
    if (user.suspended_at === null) return;
    await trx.updateTable('users').set({ suspended_at: null }).where('id', '=', userId).execute();
    await recordAudit(trx, {
      groupId: null,
      actorId,
      action: 'user.restored',
      subjectUserId: userId
    });
  });
}

/** Makes an account an instance admin or takes that away (never from the last admin). */
export async function setAdmin(
  db: Db,
  actorId: string,
  userId: string,
  isAdmin: boolean
): Promise<void> {
  await writeTransaction(db, async (trx) => {
    const user = await accountOf(trx, userId);
    if (toBool(user.is_admin) === isAdmin) return;
    if (!isAdmin) {
      const admins = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('is_admin', '=', dbBool(db, true))
        .executeTakeFirstOrThrow();
      if (Number(admins.n) <= 1) throw new UserAdminError('lastAdmin');
    }
    await trx
      .updateTable('users')
      .set({ is_admin: dbBool(db, isAdmin) })
      .where('id', '=', userId)
      .execute();
    await recordAudit(trx, {
      groupId: null,
      actorId,
      action: isAdmin ? 'user.admin-granted' : 'user.admin-revoked',
      subjectUserId: userId
    });
  });
}
