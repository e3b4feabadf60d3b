import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { toDate } from '../../db/values.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { isLocale, type Locale } from '../../i18n/i18n.ts';
import { digest } from '../token.service.ts';

/** How long a link from the chat stays usable. */
export const CHAT_LINK_TTL_MS = 30 * 60_000;

/** A chat account: one user of one Slack-compatible team, as seen from one group's app. */
export interface ChatIdentity {
  groupId: string;
  teamId: string;
  chatUserId: string;
}

/** What a valid link token names, for the page that asks the person to confirm. */
export interface ChatLinkInfo {
  group: { id: string; slug: string; name: string };
  teamId: string;
  chatUserId: string;
  expiresAt: Date;
}

/** The Guildhall account behind a chat account, with the language replies are written in. */
export interface LinkedAccount {
  userId: string;
  locale: Locale;
}

/** Thrown when a link token is unknown, already used or expired. */
export class ChatLinkError extends Error {
  constructor() {
    super('chat link token is invalid, used or expired');
    this.name = 'ChatLinkError';
  }
}

const MAX_TOKEN_LENGTH = 200;

/**
 * Issues a one-time link token for a chat account. The secret (256 random bits) is returned once
 * and stored only as its SHA-256 digest; it is valid for `CHAT_LINK_TTL_MS`. Expired tokens of
 * every chat account are swept on the way.
 *
 * @example
 * const { token } = await createChatLinkToken(db, { groupId, teamId: 'T1', chatUserId: 'U1' });
 * const url = `${origin}/chat/link?token=${token}`;
 */
export async function createChatLinkToken(
  db: Db,
  identity: ChatIdentity,
  now = new Date()
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + CHAT_LINK_TTL_MS);
  await db.kysely
    .deleteFrom('chat_link_tokens')
    .where('expires_at', '<=', now.toISOString())
    .execute();
  await db.kysely
    .insertInto('chat_link_tokens')
    .values({
      token_hash: digest(token),
      group_id: identity.groupId,
      team_id: identity.teamId,
      chat_user_id: identity.chatUserId,
      expires_at: expiresAt.toISOString(),
      created_at: now.toISOString()
    })
    .execute();
  return { token, expiresAt };
}

/** What a token links (group, team, chat user), or null when it is unknown, used or expired. */
export async function describeChatLinkToken(
  db: Db,
  token: string,
  now = new Date()
): Promise<ChatLinkInfo | null> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  const row = await db.kysely
    .selectFrom('chat_link_tokens')
    .innerJoin('groups', 'groups.id', 'chat_link_tokens.group_id')
    .select([
      'groups.id as group_id',
      'groups.slug',
      'groups.name',
      'chat_link_tokens.team_id',
      'chat_link_tokens.chat_user_id',
      'chat_link_tokens.expires_at'
    ])
    .where('chat_link_tokens.token_hash', '=', digest(token))
    .executeTakeFirst();
  if (!row) return null;
  const expiresAt = toDate(row.expires_at);
  if (expiresAt <= now) return null;
  return {
    group: { id: row.group_id, slug: row.slug, name: row.name },
    teamId: row.team_id,
    chatUserId: row.chat_user_id,
    expiresAt
  };
}

/**
 * Uses a token up: links its chat account to `userId` (replacing an earlier link of that chat
 * account) and deletes the token, in one transaction, so a token links at most once even when
 * opened twice at the same moment. Throws `ChatLinkError` when the token is unknown, used or
 * expired. Membership is not required here: commands refuse to vote for non-members.
 */
export async function consumeChatLinkToken(
  db: Db,
  token: string,
  userId: string,
  now = new Date()
): Promise<ChatIdentity> {
  if (!token || token.length > MAX_TOKEN_LENGTH) throw new ChatLinkError();
  return writeTransaction(db, async (trx) => {
    const row = await trx
      .deleteFrom('chat_link_tokens')
      .where('token_hash', '=', digest(token))
      .returning(['group_id', 'team_id', 'chat_user_id', 'expires_at'])
      .executeTakeFirst();
    if (!row || toDate(row.expires_at) <= now) throw new ChatLinkError();
    const identity = { groupId: row.group_id, teamId: row.team_id, chatUserId: row.chat_user_id };
    await trx
      .deleteFrom('chat_accounts')
      .where('group_id', '=', identity.groupId)
      .where('team_id', '=', identity.teamId)
      .where('chat_user_id', '=', identity.chatUserId)
      .execute();
    await trx
      .insertInto('chat_accounts')
      .values({
        group_id: identity.groupId,
        team_id: identity.teamId,
        chat_user_id: identity.chatUserId,
        user_id: userId,
        created_at: now.toISOString()
      })
      .execute();
    return identity;
  });
}

/** The Guildhall account a chat account is linked to (and its language), or null. */
export async function linkedAccount(db: Db, identity: ChatIdentity): Promise<LinkedAccount | null> {
  const row = await db.kysely
    .selectFrom('chat_accounts')
    .innerJoin('users', 'users.id', 'chat_accounts.user_id')
    .select(['users.id', 'users.language'])
    .where('chat_accounts.group_id', '=', identity.groupId)
    .where('chat_accounts.team_id', '=', identity.teamId)
    .where('chat_accounts.chat_user_id', '=', identity.chatUserId)
    .executeTakeFirst();
  if (!row) return null;
  return { userId: row.id, locale: isLocale(row.language) ? row.language : 'en' };
}
