import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import type { JobHandler, JobQueue } from '../../jobs/job-queue.ts';
import { isPermanentJobError, PermanentJobError } from '../../jobs/permanent-job-error.ts';
import { insertUser } from '../../test/factories.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/test-database.ts';
import { createGroup } from '../group.service.ts';
import {
  CHAT_WEBHOOK_QUEUE,
  type ChatMessage,
  chatWebhookJobHandler,
  postAgendaToChat,
  registerChatJobs
} from './chat-webhook.service.ts';

interface Received {
  method: string;
  contentType: string | undefined;
  body: string;
}

/** An incoming-webhook server on 127.0.0.1 that answers with `status` and records each post. */
async function startWebhookServer(): Promise<{
  url: string;
  received: Received[];
  status: { code: number; delayMs: number };
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const status = { code: 200, delayMs: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8')
      });
      setTimeout(() => {
        response.writeHead(status.code, { 'content-type': 'text/plain' });
        response.end(status.code < 300 ? 'ok' : 'no_service');
      }, status.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T1/B1/secret`,
    received,
    status,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      })
  };
}

/** A meeting with a closed round that picked `titles` (in that order), plus one unpicked topic. */
async function seedClosedRound(
  db: Db,
  groupId: string,
  titles: string[],
  status = 'closed'
): Promise<string> {
  const eventId = randomUUID();
  const roundId = randomUUID();
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('events')
    .values({
      id: eventId,
      group_id: groupId,
      title: 'December practice night',
      starts_at: '2026-12-03T18:00:00.000Z',
      ends_at: '2026-12-03T20:00:00.000Z',
      time_zone: 'Europe/Berlin',
      status: 'published',
      created_at: at,
      updated_at: at
    })
    .execute();
  const ids: string[] = [];
  for (const title of [...titles, 'Not picked']) {
    const id = randomUUID();
    ids.push(id);
    await db.kysely
      .insertInto('topics')
      .values({
        id,
        group_id: groupId,
        title,
        wants: 'explain',
        status: 'scheduled',
        created_at: at,
        updated_at: at
      })
      .execute();
  }
  await db.kysely
    .insertInto('voting_rounds')
    .values({
      id: roundId,
      group_id: groupId,
      event_id: eventId,
      status,
      opens_at: at,
      closes_at: at,
      votes_per_member: 3,
      votes_per_topic: 1,
      agenda_topics: 2,
      tally_visibility: 'live',
      picked: JSON.stringify(ids.slice(0, titles.length)),
      closed_at: status === 'closed' ? at : null,
      created_at: at
    })
    .execute();
  return roundId;
}

for (const dialect of testDialects()) {
  describe(`chat webhook (${dialect})`, () => {
    let testDb: TestDatabase;
    let db: Db;
    let groupId: string;
    let server: Awaited<ReturnType<typeof startWebhookServer>>;
    const setWebhook = (url: string | null) =>
      db.kysely
        .updateTable('groups')
        .set({ chat_webhook_url: url })
        .where('id', '=', groupId)
        .execute();

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      db = testDb.db;
      await insertUser(db, 'owner');
      const group = await createGroup(db, 'owner', {
        slug: 'craft',
        name: 'Craft & Code',
        kind: 'practice',
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      groupId = group.id;
      server = await startWebhookServer();
    });
    afterAll(async () => {
      await server.close();
      await testDb.dispose();
    });
    beforeEach(async () => {
      server.received.length = 0;
      server.status.code = 200;
      server.status.delayMs = 0;
      await setWebhook(server.url);
    });

    it('posts the meeting, its time in the group zone and the picked topics as Slack JSON', async () => {
      const roundId = await seedClosedRound(db, groupId, ['Monorepos', 'Testing <in> prod']);
      expect(await postAgendaToChat(db, roundId, fetch, { baseUrl: 'https://guild.example' })).toBe(
        'posted'
      );
      expect(server.received).toHaveLength(1);
      const [post] = server.received;
      expect(post?.method).toBe('POST');
      expect(post?.contentType).toMatch(/^application\/json/);
      const message = JSON.parse(post?.body ?? '{}') as ChatMessage;
      expect(Object.keys(message).sort()).toEqual(['blocks', 'text']);
      expect(message.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: 'Agenda for December practice night' }
      });
      // Intl puts narrow no-break spaces around the dash and before PM.
      expect(message.blocks[1]?.text.text.replace(/[^\S\n]/g, ' ')).toBe(
        '*Thursday, December 3, 2026, 7:00 – 9:00 PM (Europe/Berlin)*\nGroup: Craft &amp; Code'
      );
      expect(message.blocks[2]).toEqual({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Topics picked by vote:\n1. Monorepos\n2. Testing &lt;in&gt; prod'
        }
      });
      expect(message.blocks[3]?.text.text).toMatch(
        /^<https:\/\/guild\.example\/groups\/craft\/events\/[\w-]+\|See the meeting>$/
      );
      expect(message.text).toContain('Agenda for December practice night');
      expect(message.text).toContain('1. Monorepos, 2. Testing &lt;in&gt; prod');
      expect(message.text).not.toContain('Not picked');
    });

    it('treats a 4xx as permanent, and a 5xx, 429 or timeout as worth a retry', async () => {
      const roundId = await seedClosedRound(db, groupId, ['Monorepos']);
      for (const code of [400, 403, 404, 410]) {
        server.status.code = code;
        const error = await postAgendaToChat(db, roundId).catch((e: unknown) => e);
        expect(error, String(code)).toBeInstanceOf(PermanentJobError);
      }
      for (const code of [500, 503, 429]) {
        server.status.code = code;
        const error = await postAgendaToChat(db, roundId).catch((e: unknown) => e);
        expect(error, String(code)).toBeInstanceOf(Error);
        expect(isPermanentJobError(error), String(code)).toBe(false);
      }
      server.status.code = 200;
      server.status.delayMs = 500;
      const slow = await postAgendaToChat(db, roundId, fetch, { timeoutMs: 100 }).catch(
        (e: unknown) => e
      );
      expect(slow).toBeInstanceOf(Error);
      expect(isPermanentJobError(slow)).toBe(false);
    });

    it('skips groups without a webhook and rounds that are still open', async () => {
      const open = await seedClosedRound(db, groupId, [], 'open');
      expect(await postAgendaToChat(db, open)).toBe('skipped');
      const closed = await seedClosedRound(db, groupId, []);
      await setWebhook(null);
      expect(await postAgendaToChat(db, closed)).toBe('skipped');
      expect(await postAgendaToChat(db, randomUUID())).toBe('skipped');
      expect(server.received).toEqual([]);
      await setWebhook('ftp://chat.example/hook');
      await expect(postAgendaToChat(db, closed)).rejects.toBeInstanceOf(PermanentJobError);
    });

    it('runs as a job on the chat-webhook queue', async () => {
      const handlers = new Map<string, JobHandler>();
      const queue: JobQueue = {
        enqueue: () => Promise.resolve(),
        work: (name, handler) => {
          handlers.set(name, handler);
        },
        start: () => Promise.resolve(),
        stop: () => Promise.resolve(),
        idle: () => Promise.resolve(),
        depth: () => Promise.resolve(0)
      };
      registerChatJobs(queue, db);
      const handler = handlers.get(CHAT_WEBHOOK_QUEUE);
      expect(handler).toBeDefined();
      const roundId = await seedClosedRound(db, groupId, []);
      await handler?.({ roundId });
      const message = JSON.parse(server.received[0]?.body ?? '{}') as ChatMessage;
      expect(message.text).toContain('No topics were picked by vote this time.');
      await expect(chatWebhookJobHandler(db)({ round: 1 })).rejects.toBeInstanceOf(
        PermanentJobError
      );
    });
  });
}
