import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../config/config.ts';
import { upsertVerifiedAccount } from '../services/account.service.ts';
import { createAuth } from '../services/auth.ts';
import { createMeeting } from '../services/event.service.ts';
import { createGroup } from '../services/group.service.ts';
import { MEETING_MAIL_QUEUE, type MeetingMailJob } from '../services/meeting-mail-jobs.ts';
import { respond } from '../services/rsvp.service.ts';
import { createToken } from '../services/token.service.ts';
import { openRound } from '../services/voting/round.service.ts';
import { SseReader } from '../test/sse-reader.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { RecordingQueue } from '../test/test-app.ts';
import { type Running, startGuildhall } from './start.ts';

const pgUrl = process.env.GUILDHALL_TEST_PG_URL;
const BASE_URL = 'http://guildhall.test';
const PASSWORD = 'plum-tree-harbour-42';
const HOUR = 3600_000;
/** Log-in attempts per window, across both nodes. */
const LOG_IN_MAX = 6;

/** One app node: a whole Guildhall (HTTP, jobs, realtime) listening on its own port. */
interface Node {
  running: Running;
  config: Config;
  url: string;
}

async function startNode(testDb: TestDatabase): Promise<Node> {
  const config = loadConfig({
    DATABASE_URL: testDb.url,
    // Each node has its own data directory (mail files land there), like separate machines.
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'guildhall-node-')),
    BASE_URL,
    PORT: '0',
    HOST: '127.0.0.1',
    // Nodes must share the secret: it signs session cookies and tokens.
    SECRET: 'n'.repeat(40),
    LOG_IN_LIMIT: `${LOG_IN_MAX}/5`
  });
  const running = await startGuildhall(config, pino({ level: 'silent' }), { webBuildDir: false });
  return { running, config, url: running.url.replace('localhost', '127.0.0.1') };
}

/** The mail files a node wrote (without SMTP_URL each mail is an .eml file in its data dir). */
function mailFiles(node: Node, template: string): string[] {
  try {
    return readdirSync(path.join(node.config.dataDir, 'mail')).filter((f) =>
      f.includes(`-${template}-`)
    );
  } catch {
    return [];
  }
}

// Two real app nodes (separate ports, one PostgreSQL database), as `guildhall start` runs them
// behind a load balancer: what one node does, the other sees. PostgreSQL only: on SQLite there is
// exactly one node.
describe.runIf(pgUrl)('two app nodes on one database (postgres)', { timeout: 90_000 }, () => {
  let testDb: TestDatabase;
  let a: Node;
  let b: Node;
  /** What afterAll undoes, whatever part of beforeAll got done. */
  const cleanups: (() => Promise<void>)[] = [];
  let memberId: string;
  let memberToken: string;
  const email = 'ada@example.com';

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    cleanups.push(() => testDb.dispose());
    [a, b] = await Promise.all([startNode(testDb), startNode(testDb)]);
    cleanups.push(() => Promise.all([a.running.close(), b.running.close()]).then(() => undefined));
    const auth = createAuth({
      config: a.config,
      db: testDb.db,
      queue: a.running.queue,
      logger: pino({ level: 'silent' })
    });
    memberId = (
      await upsertVerifiedAccount(auth, testDb.db, { email, name: 'Ada', password: PASSWORD })
    ).id;
    memberToken = (await createToken(testDb.db, memberId, { name: 'nodes', scope: 'write' }))
      .secret;
  }, 180_000);

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const logIn = (node: Node, password: string) =>
    fetch(`${node.url}/api/v1/auth/log-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BASE_URL },
      body: JSON.stringify({ email, password })
    });

  it('a session made on node A works on node B', async () => {
    const res = await logIn(a, PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.includes('session_token='));
    expect(cookie).toBeDefined();
    const me = await fetch(`${b.url}/api/v1/me`, { headers: { cookie: cookie ?? '' } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: memberId });
    // Without the cookie node B knows nobody: the session, not luck, made it work.
    expect((await fetch(`${b.url}/api/v1/me`)).status).toBe(401);
  });

  it('a vote on node A reaches an SSE client on node B (LISTEN/NOTIFY)', async () => {
    const db = testDb.db;
    const group = await createGroup(db, memberId, {
      slug: 'two-nodes',
      name: 'Two Nodes',
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    await db.kysely
      .updateTable('groups')
      .set({ tally_visibility: 'live', votes_per_member: 5, votes_per_topic: 5 })
      .where('id', '=', group.id)
      .execute();
    const startsAt = new Date(Date.now() + 7 * 24 * HOUR);
    const meeting = await createMeeting(db, new RecordingQueue(), group.id, memberId, {
      title: 'Voted',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    const topicId = randomUUID();
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('topics')
      .values({
        id: topicId,
        group_id: group.id,
        title: 'Clusters',
        wants: 'present',
        status: 'open',
        proposed_by: memberId,
        created_at: at,
        updated_at: at
      })
      .execute();
    const round = await openRound(db, {
      groupId: group.id,
      eventId: meeting.id,
      openedBy: memberId
    });

    const controller = new AbortController();
    const res = await fetch(`${b.url}/api/v1/rounds/${round.id}/stream`, {
      signal: controller.signal
    });
    expect(res.status).toBe(200);
    const events = new SseReader(res);
    type Tally = { tally: { topicId: string; votes: number }[] | null };
    expect((await events.nextJson<Tally>(10_000, 'tally')).data.tally).toEqual([
      expect.objectContaining({ topicId, votes: 0 })
    ]);
    const vote = await fetch(`${a.url}/api/v1/rounds/${round.id}/votes/${topicId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${memberToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ count: 2 })
    });
    expect(vote.status, await vote.clone().text()).toBe(200);
    expect((await events.nextJson<Tally>(10_000, 'tally')).data.tally).toEqual([
      expect.objectContaining({ topicId, votes: 2 })
    ]);
    controller.abort();
  });

  it('a reminder runs once, not twice, though both nodes process the queue', async () => {
    const db = testDb.db;
    const group = await createGroup(db, memberId, {
      slug: 'reminded',
      name: 'Reminded',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    const startsAt = new Date(Date.now() + 2 * HOUR);
    const meeting = await createMeeting(db, new RecordingQueue(), group.id, memberId, {
      title: 'Remind me once',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    await respond(db, new RecordingQueue(), meeting.id, memberId, { going: true, guests: 0 });
    const remind: MeetingMailJob = {
      kind: 'remind',
      eventId: meeting.id,
      startsAt: startsAt.toISOString()
    };
    const reminders = () => [
      ...mailFiles(a, 'meeting-reminder'),
      ...mailFiles(b, 'meeting-reminder')
    ];
    const settle = async () => {
      await Promise.all([a.running.queue.idle(30_000), b.running.queue.idle(30_000)]);
    };

    // One job, both nodes polling it: exactly one of them runs it.
    await a.running.queue.enqueue(MEETING_MAIL_QUEUE, remind);
    await settle();
    expect(reminders()).toHaveLength(1);

    // Both nodes enqueue the same reminder (as both may schedule it): the key makes it one job.
    const key = `remind:${meeting.id}:${startsAt.toISOString()}`;
    await Promise.all([
      a.running.queue.enqueue(MEETING_MAIL_QUEUE, remind, { key }),
      b.running.queue.enqueue(MEETING_MAIL_QUEUE, remind, { key })
    ]);
    await settle();
    expect(reminders()).toHaveLength(2);
  });

  it('shares the log-in rate limit: the limit counts across both nodes, not per node', async () => {
    const statuses: number[] = [];
    const remaining: number[] = [];
    // Alternate nodes until both refuse; per-node counters would allow twice the limit.
    for (let i = 0; i < 2 * LOG_IN_MAX + 2 && statuses.slice(-2).join() !== '429,429'; i++) {
      const res = await logIn(i % 2 === 0 ? a : b, 'not-the-password');
      statuses.push(res.status);
      if (res.status !== 429) remaining.push(Number(res.headers.get('x-ratelimit-remaining')));
    }
    const allowed = statuses.filter((s) => s !== 429);
    // Earlier log-ins of this file (same client address) count too, so at most LOG_IN_MAX here.
    expect(allowed.length).toBeLessThanOrEqual(LOG_IN_MAX);
    expect(allowed.length).toBeGreaterThan(1);
    expect(new Set(allowed)).toEqual(new Set([401]));
    // One counter: every answer, from either node, has one fewer left than the one before.
    expect(remaining).toEqual(remaining.map((_, i) => (remaining[0] ?? 0) - i));
    expect(remaining.at(-1)).toBe(0);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(statuses.indexOf(429)).toBe(allowed.length);
  });
});
