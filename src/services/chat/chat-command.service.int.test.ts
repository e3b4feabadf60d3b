import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { insertUser } from '../../test/factories.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/test-database.ts';
import { createGroup, type Group } from '../group.service.ts';
import { VoteError, type VoteProblem } from '../voting/vote.service.ts';
import { type ChatVoting, runChatCommand } from './chat-command.service.ts';
import {
  consumeChatLinkToken,
  createChatLinkToken,
  describeChatLinkToken
} from './chat-link.service.ts';

const BASE_URL = 'https://guild.example';

/** Voting as the chat sees it: records each step and keeps the votes table in step. */
class FakeVoting implements ChatVoting {
  readonly steps: { roundId: string; topicId: string; userId: string; delta: 1 | -1 }[] = [];
  roundId: string | null = null;
  refusal: VoteProblem | null = null;
  readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }
  currentRound(): Promise<{ id: string } | null> {
    return Promise.resolve(this.roundId ? { id: this.roundId } : null);
  }
  async stepVote(input: FakeVoting['steps'][number]): Promise<unknown> {
    this.steps.push(input);
    if (this.refusal) throw new VoteError(this.refusal);
    const where = this.db.kysely
      .selectFrom('votes')
      .select('count')
      .where('round_id', '=', input.roundId)
      .where('topic_id', '=', input.topicId)
      .where('user_id', '=', input.userId);
    const current = (await where.executeTakeFirst())?.count;
    const at = new Date().toISOString();
    if (current === undefined) {
      await this.db.kysely
        .insertInto('votes')
        .values({
          round_id: input.roundId,
          topic_id: input.topicId,
          user_id: input.userId,
          count: input.delta,
          updated_at: at
        })
        .execute();
    } else {
      await this.db.kysely
        .updateTable('votes')
        .set({ count: current + input.delta, updated_at: at })
        .where('round_id', '=', input.roundId)
        .where('topic_id', '=', input.topicId)
        .where('user_id', '=', input.userId)
        .execute();
    }
    return {};
  }
}

/** A published meeting of the group with an open round; topics proposed in the given order. */
async function seedRound(
  db: Db,
  groupId: string,
  options: { tally?: 'live' | 'hidden'; votesPerMember?: number } = {}
): Promise<{ roundId: string }> {
  const eventId = randomUUID();
  const roundId = randomUUID();
  const starts = new Date(Date.now() + 7 * 86_400_000);
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('events')
    .values({
      id: eventId,
      group_id: groupId,
      title: 'Practice night',
      starts_at: starts.toISOString(),
      ends_at: new Date(starts.getTime() + 2 * 3600_000).toISOString(),
      time_zone: 'Europe/Berlin',
      status: 'published',
      created_at: at,
      updated_at: at
    })
    .execute();
  await db.kysely
    .insertInto('voting_rounds')
    .values({
      id: roundId,
      group_id: groupId,
      event_id: eventId,
      status: 'open',
      opens_at: at,
      closes_at: new Date(starts.getTime() - 86_400_000).toISOString(),
      votes_per_member: options.votesPerMember ?? 3,
      votes_per_topic: 2,
      agenda_topics: 2,
      tally_visibility: options.tally ?? 'live',
      created_at: at
    })
    .execute();
  return { roundId };
}

async function addTopic(
  db: Db,
  groupId: string,
  id: string,
  title: string,
  createdAt: string,
  status = 'open'
): Promise<void> {
  await db.kysely
    .insertInto('topics')
    .values({
      id,
      group_id: groupId,
      title,
      wants: 'explain',
      status,
      created_at: createdAt,
      updated_at: createdAt
    })
    .execute();
}

for (const dialect of testDialects()) {
  describe(`chat commands (${dialect})`, () => {
    let testDb: TestDatabase;
    let db: Db;
    let group: Group;
    let voting: FakeVoting;
    let counter = 0;
    const run = (chatUserId: string, text: string) =>
      runChatCommand(
        { db, voting, baseUrl: BASE_URL },
        { group, teamId: 'T1', chatUserId, text, command: '/practice' }
      );
    const link = async (chatUserId: string, userId: string) => {
      const { token } = await createChatLinkToken(db, {
        groupId: group.id,
        teamId: 'T1',
        chatUserId
      });
      await consumeChatLinkToken(db, token, userId);
    };
    /** A new chat user linked to a new account, active member of the group unless `status` says. */
    const member = async (language = 'en', status: string | null = 'active') => {
      counter += 1;
      const userId = await insertUser(db, `user-${counter}`, { language });
      if (status) {
        const at = new Date().toISOString();
        await db.kysely
          .insertInto('memberships')
          .values({
            group_id: group.id,
            user_id: userId,
            role: 'member',
            status,
            created_at: at,
            updated_at: at
          })
          .execute();
      }
      const chatUserId = `U${counter}`;
      await link(chatUserId, userId);
      return { userId, chatUserId };
    };

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      db = testDb.db;
      await insertUser(db, 'owner');
      group = await createGroup(db, 'owner', {
        slug: 'practice',
        name: 'Craft & Code',
        kind: 'practice',
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      voting = new FakeVoting(db);
      const { roundId } = await seedRound(db, group.id);
      voting.roundId = roundId;
      // Listing order: proposal time, then id — not the order of insertion.
      await addTopic(db, group.id, 'topic-b', 'Second, by id', '2026-11-01T10:00:00.000Z');
      await addTopic(db, group.id, 'topic-c', 'Third', '2026-11-02T10:00:00.000Z');
      await addTopic(db, group.id, 'topic-a', 'First, by id', '2026-11-01T10:00:00.000Z');
      await addTopic(db, group.id, 'topic-0', 'Proposed first <b>', '2026-10-01T10:00:00.000Z');
      await addTopic(db, group.id, 'topic-x', 'Withdrawn', '2026-09-01T10:00:00.000Z', 'withdrawn');
    });
    afterAll(async () => {
      await testDb.dispose();
    });
    beforeEach(() => {
      voting.steps.length = 0;
      voting.refusal = null;
    });

    it('answer an unlinked chat user with a one-time link, in English', async () => {
      const reply = await run('U-new', 'topics');
      expect(reply.response_type).toBe('ephemeral');
      expect(reply.text).toContain('link your account of Craft &amp; Code');
      const url = /https:\/\/guild\.example\/chat\/link\?token=(\S+)/.exec(reply.text);
      expect(url).not.toBeNull();
      const info = await describeChatLinkToken(db, decodeURIComponent(url?.[1] ?? ''));
      expect(info).toMatchObject({ teamId: 'T1', chatUserId: 'U-new', group: { id: group.id } });
      expect(voting.steps).toEqual([]);

      const voteReply = await run('U-new', 'vote 1');
      expect(voteReply.text).toContain('/chat/link?token=');
      expect(voting.steps).toEqual([]);
    });

    it('explain the commands, adding the link for the unlinked', async () => {
      const unlinked = await run('U-help', 'help');
      expect(unlinked.text).toContain('`/practice vote <number>`');
      expect(unlinked.text).toContain('/chat/link?token=');
      const { chatUserId } = await member();
      const linked = await run(chatUserId, '');
      expect(linked.text).toContain('`/practice topics`');
      expect(linked.text).not.toContain('/chat/link');
      const unknown = await run(chatUserId, 'dance <now>');
      expect(unknown.text).toContain('I do not know “dance &lt;now&gt;”.');
      expect(unknown.text).toContain('`/practice unvote <number>`');
    });

    it('list the open topics numbered by proposal time, then id', async () => {
      const { chatUserId } = await member();
      const reply = await run(chatUserId, 'topics');
      const lines = reply.text.split('\n');
      expect(lines[0]).toMatch(
        /^\*Topics for Practice night\* \(voting closes .+\(Europe\/Berlin\)\):$/
      );
      expect(lines.slice(1, 5)).toEqual([
        '1. Proposed first &lt;b&gt; · 0 votes',
        '2. First, by id · 0 votes',
        '3. Second, by id · 0 votes',
        '4. Third · 0 votes'
      ]);
      expect(reply.text).toContain('You have 3 of 3 votes left.');
      expect(reply.text).not.toContain('Withdrawn');
    });

    it('vote for topic n, then take the vote back', async () => {
      const { userId, chatUserId } = await member();
      const voted = await run(chatUserId, 'vote 3');
      expect(voting.steps).toEqual([
        { roundId: voting.roundId, topicId: 'topic-b', userId, delta: 1 }
      ]);
      expect(voted.text).toBe('Voted for “Second, by id”.\nYou have 2 of 3 votes left.');
      const listed = await run(chatUserId, 'topics');
      expect(listed.text).toContain('3. Second, by id · 1 vote · 1 of them yours');

      const unvoted = await run(chatUserId, 'unvote #3');
      expect(voting.steps.at(-1)).toEqual({
        roundId: voting.roundId,
        topicId: 'topic-b',
        userId,
        delta: -1
      });
      expect(unvoted.text).toBe(
        'Took a vote back from “Second, by id”.\nYou have 3 of 3 votes left.'
      );

      voting.steps.length = 0;
      expect((await run(chatUserId, 'unvote 4')).text).toBe('You have no vote on “Third”.');
      expect((await run(chatUserId, 'vote 9')).text).toBe(
        'There is no topic 9. See `/practice topics`.'
      );
      expect((await run(chatUserId, 'vote')).text).toContain('Say which topic');
      expect(voting.steps).toEqual([]);
    });

    it('turn refusals of the vote into replies', async () => {
      const { chatUserId } = await member();
      voting.refusal = 'overBudget';
      expect((await run(chatUserId, 'vote 1')).text).toBe(
        'You have used all 3 of your votes. Take one back with `/practice unvote <number>`.'
      );
      voting.refusal = 'overTopicCap';
      expect((await run(chatUserId, 'vote 1')).text).toBe(
        'You can give one topic at most 2 of your votes.'
      );
      voting.refusal = 'roundClosed';
      expect((await run(chatUserId, 'vote 1')).text).toBe('Voting has closed.');
      voting.refusal = 'topicNotFound';
      expect((await run(chatUserId, 'vote 1')).text).toBe(
        'That topic is no longer open for votes.'
      );
      voting.refusal = 'negative';
      expect((await run(chatUserId, 'vote 1')).text).toBe(
        'That did not work. Please vote on the website: https://guild.example/groups/practice/topics'
      );
      voting.refusal = 'roundNotFound';
      expect((await run(chatUserId, 'vote 1')).text).toContain('There is no open voting round');
      voting.refusal = 'notMember';
      expect((await run(chatUserId, 'vote 1')).text).toContain('Only members of Craft &amp; Code');
    });

    it('never vote for a linked account that is not an active member', async () => {
      for (const status of [null, 'pending', 'banned']) {
        const { chatUserId } = await member('en', status);
        for (const text of ['vote 1', 'topics']) {
          const reply = await run(chatUserId, text);
          expect(reply.text, `${status} ${text}`).toBe(
            'Only members of Craft &amp; Code can vote. Join the group first: https://guild.example/groups/practice'
          );
        }
      }
      expect(voting.steps).toEqual([]);
    });

    it('reply in the linked account’s language', async () => {
      const { chatUserId } = await member('de');
      const reply = await run(chatUserId, 'topics');
      expect(reply.text).toContain('*Themen für Practice night*');
      expect(reply.text).toContain('Du hast noch 3 von 3 Stimmen.');
      expect((await run(chatUserId, 'vote 2')).text).toContain(
        'Stimme für „First, by id“ abgegeben.'
      );
    });

    it('say when no round is open, and hide a hidden tally', async () => {
      const { chatUserId } = await member();
      const saved = voting.roundId;
      voting.roundId = null;
      expect((await run(chatUserId, 'topics')).text).toBe(
        'There is no open voting round in Craft &amp; Code right now.'
      );
      const hidden = await seedRound(db, group.id, { tally: 'hidden' });
      voting.roundId = hidden.roundId;
      const reply = await run(chatUserId, 'topics');
      expect(reply.text).toContain('\n1. Proposed first &lt;b&gt;\n');
      expect(reply.text).toContain('The votes stay hidden until voting closes.');
      voting.roundId = saved;
    });
  });
}
