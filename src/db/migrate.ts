import type { Kysely } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as accounts from './migrations/2026-11-23-001-accounts.ts';
import * as jobs from './migrations/2026-11-23-002-jobs.ts';
import * as groups from './migrations/2026-11-23-003-groups.ts';
import * as groupSearch from './migrations/2026-11-23-004-group-search.ts';
import * as invitations from './migrations/2026-11-23-005-invitations.ts';
import * as groupLocationCover from './migrations/2026-11-23-006-group-location-cover.ts';
import * as meetings from './migrations/2026-11-23-007-meetings.ts';
import * as eventsByEnd from './migrations/2026-11-23-008-events-by-end.ts';
import * as groupExcerpt from './migrations/2026-11-23-009-group-excerpt.ts';
import * as practice from './migrations/2026-11-23-010-practice.ts';
import * as meetingRoom from './migrations/2026-11-24-011-meeting-room.ts';
import * as board from './migrations/2026-11-24-012-board.ts';
import * as health from './migrations/2026-11-24-013-health.ts';
import * as scaleIndexes from './migrations/2026-11-25-014-scale-indexes.ts';
import * as rateLimits from './migrations/2026-11-25-015-rate-limits.ts';
import * as activityTimeIndexes from './migrations/2026-11-26-016-activity-time-indexes.ts';
import * as suspension from './migrations/2026-11-27-017-suspension.ts';
import * as groupAdminHide from './migrations/2026-11-28-018-group-admin-hide.ts';
import * as searchGeneration from './migrations/2026-11-29-019-search-generation.ts';

/** Every migration, in order. Migrations are frozen: never edit one that has shipped, add a new one. */
export const migrations: Record<string, Migration> = {
  '2026-11-23-001-accounts': accounts,
  '2026-11-23-002-jobs': jobs,
  '2026-11-23-003-groups': groups,
  '2026-11-23-004-group-search': groupSearch,
  '2026-11-23-005-invitations': invitations,
  '2026-11-23-006-group-location-cover': groupLocationCover,
  '2026-11-23-007-meetings': meetings,
  '2026-11-23-008-events-by-end': eventsByEnd,
  '2026-11-23-009-group-excerpt': groupExcerpt,
  '2026-11-23-010-practice': practice,
  '2026-11-24-011-meeting-room': meetingRoom,
  '2026-11-24-012-board': board,
  '2026-11-24-013-health': health,
  '2026-11-25-014-scale-indexes': scaleIndexes,
  '2026-11-25-015-rate-limits': rateLimits,
  '2026-11-26-016-activity-time-indexes': activityTimeIndexes,
  '2026-11-27-017-suspension': suspension,
  '2026-11-28-018-group-admin-hide': groupAdminHide,
  '2026-11-29-019-search-generation': searchGeneration
};

/** Brings the schema up to date; throws with the failing migration's name if one fails. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock'
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed`, {
      cause: result.error
    });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
