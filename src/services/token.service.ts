import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import { writeTransaction } from '../db/write-transaction.ts';

/** `read` lets a token use safe methods only; `write` allows changes too. */
export type TokenScope = 'read' | 'write';

/** A personal API token as its owner sees it (never the secret, only its first characters). */
export interface ApiToken {
  id: string;
  name: string;
  scope: TokenScope;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

const TOKEN_PREFIX = 'gh_';
/** How stale `last_used_at` may get before a use writes it again (saves a write per request). */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The SHA-256 digest of a secret, as stored in place of the secret itself. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function present(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope === 'write' ? 'write' : 'read',
    prefix: row.prefix,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDate(row.last_used_at),
    expiresAt: toDate(row.expires_at)
  };
}

/**
 * Creates a token for `userId`. The secret is returned once and stored only as a SHA-256 digest
 * (tokens are 240 random bits, so a fast hash is enough; no salt or slow hash is needed).
 */
export async function createToken(
  db: Db,
  userId: string,
  input: { name: string; scope: TokenScope; expiresInDays?: number | null | undefined },
  now = new Date()
): Promise<{ token: ApiToken; secret: string }> {
  const secret = `${TOKEN_PREFIX}${randomBytes(30).toString('base64url')}`;
  const row = {
    id: randomUUID(),
    user_id: userId,
    name: input.name,
    scope: input.scope,
    prefix: secret.slice(0, 10),
    token_hash: digest(secret),
    created_at: now.toISOString(),
    last_used_at: null,
    expires_at: input.expiresInDays
      ? new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString()
      : null
  };
  await db.kysely
    .insertInto('api_tokens')
    .values(row satisfies Insertable<ApiTokensTable>)
    .execute();
  return { token: present(row), secret };
}

/** The user's tokens, newest first. */
export async function listTokens(db: Db, userId: string): Promise<ApiToken[]> {
  const rows = await db.kysely
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(present);
}

/** Deletes one of the user's tokens; false when the user has no token with that id. */
export async function revokeToken(db: Db, userId: string, tokenId: string): Promise<boolean> {
  const result = await db.kysely
    .deleteFrom('api_tokens')
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Looks up a presented secret. Returns the owner and scope, or null when the token is unknown,
 * revoked or expired. Records the time of use (at most once a minute per token): on SQLite the
 * stamp joins the next group commit of write transactions and the request does not wait for it
 * (a storm of first uses would otherwise cost one fsync each); on PostgreSQL it is written before
 * the lookup returns.
 *
 * @example
 * const found = await authenticateToken(db, 'gh_…');
 * if (found?.scope === 'write') { … }
 */
export async function authenticateToken(
  db: Db,
  secret: string,
  now = new Date()
): Promise<{ tokenId: string; userId: string; scope: TokenScope } | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const row = await db.kysely
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'scope', 'expires_at', 'last_used_at'])
    .where('token_hash', '=', digest(secret))
    .executeTakeFirst();
  if (!row) return null;
  const expires = toDate(row.expires_at);
  if (expires && expires <= now) return null;
  const lastUsed = toDate(row.last_used_at);
  if (!lastUsed || now.getTime() - lastUsed.getTime() > LAST_USED_RESOLUTION_MS) {
    const stamp = (kysely: Kysely<Database>) =>
      kysely
        .updateTable('api_tokens')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', row.id)
        .execute();
    if (db.dialect === 'sqlite') {
      // Only a usage hint: losing it to a failed commit must not fail the request.
      void writeTransaction(db, stamp).catch(() => undefined);
    } else {
      await stamp(db.kysely);
    }
  }
  return { tokenId: row.id, userId: row.user_id, scope: row.scope === 'write' ? 'write' : 'read' };
}
