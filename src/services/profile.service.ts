import type { Db } from '../db/database.ts';
import type { Selectable, Updateable } from 'kysely';
import type { UsersTable } from '../db/schema.ts';
import { dbBool, parseJsonList, toBool, toDate } from '../db/values.ts';
import { renderMarkdown } from '../domain/markdown.ts';
import { normalizeTags } from '../domain/tags.ts';
import { isLocale, type Locale } from '../i18n/i18n.ts';

/** A user's own profile, as the API returns it. */
export interface Profile {
  id: string;
  email: string;
  emailVerified: boolean;
  displayName: string;
  handle: string;
  bio: string;
  bioHtml: string;
  city: string | null;
  country: string | null;
  timeZone: string;
  language: Locale;
  tags: string[];
  /** Shown as a badge next to the person on the boards of groups they are an active member of. */
  openToWork: boolean;
  /** Whether the person keeps off the organizers' list of members who have gone quiet. */
  healthOptOut: boolean;
  isAdmin: boolean;
  createdAt: Date;
}

/** Profile fields a user may change. */
export interface ProfileChanges {
  displayName?: string | undefined;
  handle?: string | undefined;
  bio?: string | undefined;
  city?: string | null | undefined;
  country?: string | null | undefined;
  timeZone?: string | undefined;
  language?: Locale | undefined;
  tags?: string[] | undefined;
  openToWork?: boolean | undefined;
  healthOptOut?: boolean | undefined;
}

/** Thrown when the requested handle belongs to someone else. */
export class HandleTakenError extends Error {
  constructor() {
    super('handle taken');
    this.name = 'HandleTakenError';
  }
}

export function presentProfile(row: Selectable<UsersTable>): Profile {
  return {
    id: row.id,
    email: row.email,
    emailVerified: toBool(row.email_verified),
    displayName: row.name,
    handle: row.handle,
    bio: row.bio,
    bioHtml: renderMarkdown(row.bio),
    city: row.city,
    country: row.country,
    timeZone: row.time_zone,
    language: isLocale(row.language) ? row.language : 'en',
    tags: parseJsonList(row.tags),
    openToWork: toBool(row.open_to_work),
    healthOptOut: toBool(row.health_opt_out),
    isAdmin: toBool(row.is_admin),
    createdAt: toDate(row.created_at)
  };
}

/** The profile of `userId`, or undefined if the account no longer exists. */
export async function getProfile(db: Db, userId: string): Promise<Profile | undefined> {
  const row = await db.kysely
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .executeTakeFirst();
  return row ? presentProfile(row) : undefined;
}

/**
 * Applies profile changes in one transaction. Tags are normalized and deduplicated; a handle that
 * another account holds raises `HandleTakenError` and nothing is written.
 */
export async function updateProfile(
  db: Db,
  userId: string,
  changes: ProfileChanges
): Promise<Profile | undefined> {
  return db.kysely.transaction().execute(async (trx) => {
    if (changes.handle !== undefined) {
      const holder = await trx
        .selectFrom('users')
        .select('id')
        .where('handle', '=', changes.handle)
        .where('id', '!=', userId)
        .executeTakeFirst();
      if (holder) throw new HandleTakenError();
    }
    const set: Updateable<UsersTable> = {};
    if (changes.displayName !== undefined) set.name = changes.displayName;
    if (changes.handle !== undefined) set.handle = changes.handle;
    if (changes.bio !== undefined) set.bio = changes.bio;
    if (changes.city !== undefined) set.city = changes.city;
    if (changes.country !== undefined) set.country = changes.country;
    if (changes.timeZone !== undefined) set.time_zone = changes.timeZone;
    if (changes.language !== undefined) set.language = changes.language;
    if (changes.tags !== undefined) set.tags = JSON.stringify(normalizeTags(changes.tags));
    if (changes.openToWork !== undefined) {
      set.open_to_work = dbBool(db, changes.openToWork);
    }
    if (changes.healthOptOut !== undefined) {
      set.health_opt_out = dbBool(db, changes.healthOptOut);
    }
    if (Object.keys(set).length > 0) {
      try {
        await trx
          .updateTable('users')
          .set({ ...set, updated_at: new Date().toISOString() })
          .where('id', '=', userId)
          .execute();
      } catch (error) {
        if (changes.handle !== undefined && isUniqueViolation(error)) throw new HandleTakenError();
        throw error;
      }
    }
    const row = await trx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirst();
    return row ? presentProfile(row) : undefined;
  });
}

/** Whether a database error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
