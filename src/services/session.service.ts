import type { Db } from '../db/database.ts';
import { toDate } from '../db/values.ts';

/** A login session as its owner sees it (never the session token). */
export interface SessionView {
  id: string;
  current: boolean;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
}

/** The user's unexpired sessions, most recently active first. */
export async function listSessions(
  db: Db,
  userId: string,
  currentId: string,
  now = new Date()
): Promise<SessionView[]> {
  const rows = await db.kysely
    .selectFrom('sessions')
    .select(['id', 'created_at', 'updated_at', 'expires_at', 'ip_address', 'user_agent'])
    .where('user_id', '=', userId)
    .orderBy('updated_at', 'desc')
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      current: r.id === currentId,
      createdAt: toDate(r.created_at),
      updatedAt: toDate(r.updated_at),
      expiresAt: toDate(r.expires_at),
      ipAddress: r.ip_address,
      userAgent: r.user_agent
    }))
    .filter((s) => s.expiresAt > now);
}

/** Ends one of the user's sessions; false when the user has no session with that id. */
export async function endSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const result = await db.kysely
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Ends every session of the user except `keepId`; returns how many ended. */
export async function endOtherSessions(db: Db, userId: string, keepId: string): Promise<number> {
  const result = await db.kysely
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('id', '!=', keepId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
