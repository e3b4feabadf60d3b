import type { Db } from '../db/database.ts';

/** Instance-wide settings an admin can change. */
export interface InstanceSettings {
  /** Who may create groups. */
  groupCreation: 'anyone' | 'admins';
}

export const DEFAULT_SETTINGS: InstanceSettings = { groupCreation: 'anyone' };

/** The current settings, defaults filled in. */
export async function getSettings(db: Db): Promise<InstanceSettings> {
  const rows = await db.kysely.selectFrom('instance_settings').selectAll().execute();
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  return {
    groupCreation: stored.groupCreation === 'admins' ? 'admins' : DEFAULT_SETTINGS.groupCreation
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
