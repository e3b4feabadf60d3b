import type { Db } from '../db/database.ts';

/** Instance-wide settings an admin can change. */
export interface InstanceSettings {
  /** Who may create groups. */
  groupCreation: 'anyone' | 'admins';
  /**
   * Who may sign up: anyone; only addresses with a pending group invitation; nobody (accounts are
   * then made by admins on the command line). The very first account may always sign up.
   */
  registration: 'open' | 'invitation' | 'closed';
}

export const DEFAULT_SETTINGS: InstanceSettings = { groupCreation: 'anyone', registration: 'open' };

const REGISTRATION = ['open', 'invitation', 'closed'] as const;

/** The current settings, defaults filled in. */
export async function getSettings(db: Db): Promise<InstanceSettings> {
  const rows = await db.kysely.selectFrom('instance_settings').selectAll().execute();
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  const registration = REGISTRATION.find((r) => r === stored.registration);
  return {
    groupCreation: stored.groupCreation === 'admins' ? 'admins' : DEFAULT_SETTINGS.groupCreation,
    registration: registration ?? DEFAULT_SETTINGS.registration
  };
}

/** Stores the given settings (upsert per key) and returns the result. */
export async function updateSettings(
  db: Db,
  changes: Partial<InstanceSettings>
): Promise<InstanceSettings> {
  await db.kysely.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(changes)) {
      await trx
        .insertInto('instance_settings')
        .values({ key, value: JSON.stringify(value) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value) }))
        .execute();
    }
  });
  return getSettings(db);
}

/**
 * Whether `email` may sign up under the instance's registration setting: always while the instance
 * has no account yet, and with `invitation` when a group invitation to that address is pending.
 */
export async function mayRegister(
  db: Db,
  email: string,
  now = new Date()
): Promise<
  { ok: true } | { ok: false; reason: 'registrationClosed' | 'registrationInvitationOnly' }
> {
  const { registration } = await getSettings(db);
  if (registration === 'open') return { ok: true };
  const anyone = await db.kysely.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (!anyone) return { ok: true };
  if (registration === 'closed') return { ok: false, reason: 'registrationClosed' };
  const invited = await db.kysely
    .selectFrom('group_invitations')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .limit(1)
    .executeTakeFirst();
  return invited ? { ok: true } : { ok: false, reason: 'registrationInvitationOnly' };
}
