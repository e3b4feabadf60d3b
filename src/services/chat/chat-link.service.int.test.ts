import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../../test/factories.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/test-database.ts';
import { createGroup } from '../group.service.ts';
import { digest } from '../token.service.ts';
import {
  CHAT_LINK_TTL_MS,
  ChatLinkError,
  consumeChatLinkToken,
  createChatLinkToken,
  describeChatLinkToken,
  linkedAccount
} from './chat-link.service.ts';

for (const dialect of testDialects()) {
  describe(`chat link tokens (${dialect})`, () => {
    let testDb: TestDatabase;
    let groupId: string;
    let counter = 0;
    const chatUser = () => {
      counter += 1;
      return { groupId, teamId: 'T1', chatUserId: `U${counter}` };
    };

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      await insertUser(testDb.db, 'ann', { language: 'de' });
      await insertUser(testDb.db, 'bob');
      const group = await createGroup(testDb.db, 'ann', {
        slug: 'practice',
        name: 'Practice',
        kind: 'practice',
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      groupId = group.id;
    });
    afterAll(async () => {
      await testDb.dispose();
    });

    it('store only the digest, name the chat account and link it once', async () => {
      const identity = chatUser();
      const now = new Date();
      const { token, expiresAt } = await createChatLinkToken(testDb.db, identity, now);
      expect(expiresAt.getTime() - now.getTime()).toBe(CHAT_LINK_TTL_MS);
      const stored = await testDb.db.kysely
        .selectFrom('chat_link_tokens')
        .select('token_hash')
        .where('chat_user_id', '=', identity.chatUserId)
        .execute();
      expect(stored).toEqual([{ token_hash: digest(token) }]);

      const info = await describeChatLinkToken(testDb.db, token);
      expect(info).toMatchObject({
        group: { id: groupId, slug: 'practice', name: 'Practice' },
        teamId: 'T1',
        chatUserId: identity.chatUserId
      });
      expect(await linkedAccount(testDb.db, identity)).toBeNull();

      expect(await consumeChatLinkToken(testDb.db, token, 'ann')).toEqual(identity);
      expect(await linkedAccount(testDb.db, identity)).toEqual({ userId: 'ann', locale: 'de' });

      await expect(consumeChatLinkToken(testDb.db, token, 'bob')).rejects.toThrow(ChatLinkError);
      expect(await describeChatLinkToken(testDb.db, token)).toBeNull();
      expect(await linkedAccount(testDb.db, identity)).toEqual({ userId: 'ann', locale: 'de' });
    });

    it('link at most once when used twice at the same moment', async () => {
      const identity = chatUser();
      const { token } = await createChatLinkToken(testDb.db, identity);
      const results = await Promise.allSettled([
        consumeChatLinkToken(testDb.db, token, 'ann'),
        consumeChatLinkToken(testDb.db, token, 'bob')
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect(refused?.reason).toBeInstanceOf(ChatLinkError);
    });

    it('expire after 30 minutes', async () => {
      const identity = chatUser();
      const issued = new Date(Date.now() - CHAT_LINK_TTL_MS - 1000);
      const { token } = await createChatLinkToken(testDb.db, identity, issued);
      expect(await describeChatLinkToken(testDb.db, token, issued)).not.toBeNull();
      expect(await describeChatLinkToken(testDb.db, token)).toBeNull();
      await expect(consumeChatLinkToken(testDb.db, token, 'ann')).rejects.toThrow(ChatLinkError);
      expect(await linkedAccount(testDb.db, identity)).toBeNull();
      // The next token issued sweeps the expired one away.
      await createChatLinkToken(testDb.db, chatUser());
      const left = await testDb.db.kysely
        .selectFrom('chat_link_tokens')
        .select('token_hash')
        .where('token_hash', '=', digest(token))
        .execute();
      expect(left).toEqual([]);
    });

    it('replace the earlier link of the chat account when it is linked again', async () => {
      const identity = chatUser();
      await consumeChatLinkToken(
        testDb.db,
        (await createChatLinkToken(testDb.db, identity)).token,
        'ann'
      );
      await consumeChatLinkToken(
        testDb.db,
        (await createChatLinkToken(testDb.db, identity)).token,
        'bob'
      );
      expect(await linkedAccount(testDb.db, identity)).toEqual({ userId: 'bob', locale: 'en' });
      const rows = await testDb.db.kysely
        .selectFrom('chat_accounts')
        .select('user_id')
        .where('chat_user_id', '=', identity.chatUserId)
        .execute();
      expect(rows).toEqual([{ user_id: 'bob' }]);
    });

    it('refuse unknown and oversized tokens', async () => {
      expect(await describeChatLinkToken(testDb.db, 'nope-nope-nope')).toBeNull();
      expect(await describeChatLinkToken(testDb.db, 'x'.repeat(5000))).toBeNull();
      await expect(consumeChatLinkToken(testDb.db, '', 'ann')).rejects.toThrow(ChatLinkError);
    });
  });
}
