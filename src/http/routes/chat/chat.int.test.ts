import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { signSlackRequest } from '../../../services/chat/slack-signature.ts';
import { createGroup } from '../../../services/group.service.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const SECRET = 'a3f1c0ffee5ecret0f7he9r0upsapp1';

interface CommandOptions {
  userId?: string;
  secret?: string;
  /** Seconds added to now for the timestamp header. */
  skew?: number;
  signature?: string;
  headers?: false;
  contentType?: string;
}

describeWithApp('chat commands over HTTP', (app) => {
  let t: TestApp;
  let member: { id: string; cookie: string };
  let outsider: { id: string; cookie: string };
  let topicIds: string[];

  beforeAll(async () => {
    t = app();
    await t.buildUser({ name: 'Instance Admin' }); // the first account is the instance admin
    const o = await t.buildUser({ name: 'Olga Owner' });
    const m = await t.buildUser({ name: 'Mia Member' });
    member = { id: m.id, cookie: await t.logIn(m.email) };
    const x = await t.buildUser({ name: 'Xavier Outsider' });
    outsider = { id: x.id, cookie: await t.logIn(x.email) };
    const db = t.testDb.db;
    const group = await createGroup(db, o.id, {
      slug: 'craft',
      name: 'Craft Circle',
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: 'private',
      joinPolicy: 'approval'
    });
    await createGroup(db, o.id, {
      slug: 'quiet',
      name: 'Quiet Circle',
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    await db.kysely
      .updateTable('groups')
      .set({ chat_signing_secret: SECRET })
      .where('id', '=', group.id)
      .execute();
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('memberships')
      .values({
        group_id: group.id,
        user_id: member.id,
        role: 'member',
        status: 'active',
        created_at: at,
        updated_at: at
      })
      .execute();
    const eventId = randomUUID();
    const starts = new Date(Date.now() + 7 * 86_400_000);
    await db.kysely
      .insertInto('events')
      .values({
        id: eventId,
        group_id: group.id,
        title: 'Practice night',
        starts_at: starts.toISOString(),
        ends_at: new Date(starts.getTime() + 2 * 3600_000).toISOString(),
        time_zone: 'Europe/Berlin',
        status: 'published',
        created_at: at,
        updated_at: at,
        published_at: at
      })
      .execute();
    await db.kysely
      .insertInto('voting_rounds')
      .values({
        id: randomUUID(),
        group_id: group.id,
        event_id: eventId,
        status: 'open',
        opens_at: at,
        closes_at: new Date(starts.getTime() - 86_400_000).toISOString(),
        votes_per_member: 3,
        votes_per_topic: 1,
        agenda_topics: 2,
        tally_visibility: 'live',
        created_at: at
      })
      .execute();
    topicIds = [];
    for (const [index, title] of ['Monorepos', 'Property tests'].entries()) {
      const id = randomUUID();
      topicIds.push(id);
      const created = new Date(Date.UTC(2026, 10, 1 + index)).toISOString();
      await db.kysely
        .insertInto('topics')
        .values({
          id,
          group_id: group.id,
          title,
          wants: 'explain',
          status: 'open',
          proposed_by: member.id,
          created_at: created,
          updated_at: created
        })
        .execute();
    }
  });

  /** A slash command as a chat server sends it: no Origin, no cookie, a signed form body. */
  const command = (slug: string, text: string, options: CommandOptions = {}) => {
    const body = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: 'T0001',
      user_id: options.userId ?? 'U0001',
      command: '/craft',
      text,
      response_url: 'https://hooks.chat.example/commands/1'
    }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000) + (options.skew ?? 0));
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded'
    };
    if (options.headers !== false) {
      headers['x-slack-request-timestamp'] = timestamp;
      headers['x-slack-signature'] =
        options.signature ?? signSlackRequest(options.secret ?? SECRET, timestamp, body);
    }
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/chat/${slug}/commands`,
      headers,
      payload: body
    });
  };
  const replyText = (res: LightMyRequestResponse): string => {
    expect(res.statusCode, res.body).toBe(200);
    const reply = res.json<{ response_type: string; text: string }>();
    expect(reply.response_type).toBe('ephemeral');
    return reply.text;
  };
  const linkToken = (text: string): string => {
    const match = /http:\/\/guildhall\.test\/chat\/link\?token=(\S+)/.exec(text);
    if (!match?.[1]) throw new Error(`no link in ${text}`);
    return decodeURIComponent(match[1]);
  };
  const votesOf = (userId: string) =>
    t.testDb.db.kysely
      .selectFrom('votes')
      .select(['topic_id', 'count'])
      .where('user_id', '=', userId)
      .execute();

  it('links a chat account once, then lists topics and counts votes', async () => {
    const first = replyText(await command('craft', 'topics'));
    const token = linkToken(first);

    const info = await t.request({ method: 'GET', url: `/api/v1/chat/links/${token}` });
    expect(info.statusCode).toBe(200);
    expect(info.json()).toEqual({
      group: { slug: 'craft', name: 'Craft Circle' },
      teamId: 'T0001',
      chatUserId: 'U0001',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown
    });

    const anonymous = await t.request({ method: 'POST', url: `/api/v1/chat/links/${token}` });
    expect(anonymous.statusCode).toBe(401);
    const linked = await t.request({
      method: 'POST',
      url: `/api/v1/chat/links/${token}`,
      cookie: member.cookie
    });
    expect(linked.statusCode).toBe(204);
    const again = await t.request({
      method: 'POST',
      url: `/api/v1/chat/links/${token}`,
      cookie: member.cookie
    });
    expect(again.statusCode).toBe(404);
    expect(again.json<{ detail: string }>().detail).toContain('unknown, used or expired');
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/chat/links/${token}` })).statusCode
    ).toBe(404);

    const listing = replyText(await command('craft', 'topics'));
    expect(listing).toContain('1. Monorepos · 0 votes\n2. Property tests · 0 votes');

    const voted = replyText(await command('craft', 'vote 2'));
    expect(voted).toBe('Voted for “Property tests”.\nYou have 2 of 3 votes left.');
    expect(await votesOf(member.id)).toEqual([{ topic_id: topicIds[1], count: 1 }]);

    // The round allows one vote per topic: the voting service refuses, the reply says why.
    const capped = replyText(await command('craft', 'vote 2'));
    expect(capped).toBe('You can give one topic at most 1 of your votes.');
    expect(await votesOf(member.id)).toEqual([{ topic_id: topicIds[1], count: 1 }]);

    expect(replyText(await command('craft', 'unvote 2'))).toContain('Took a vote back');
    expect(await votesOf(member.id)).toEqual([]);
  });

  it('never votes for a linked account that is not a member', async () => {
    const token = linkToken(replyText(await command('craft', 'help', { userId: 'U0002' })));
    const linked = await t.request({
      method: 'POST',
      url: `/api/v1/chat/links/${encodeURIComponent(token)}`,
      cookie: outsider.cookie
    });
    expect(linked.statusCode).toBe(204);
    const refused = replyText(await command('craft', 'vote 1', { userId: 'U0002' }));
    expect(refused).toContain('Only members of Craft Circle can vote.');
    expect(await votesOf(outsider.id)).toEqual([]);
  });

  it('refuses a wrong signature, a replayed timestamp and missing headers with 401', async () => {
    const wrong = await command('craft', 'topics', { secret: 'not-the-secret' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.json<{ detail: string }>().detail).toBe(
      "The request's signature is missing, wrong or too old."
    );
    // Correctly signed, but sent six minutes ago (or claiming to come from the future).
    expect((await command('craft', 'topics', { skew: -6 * 60 })).statusCode).toBe(401);
    expect((await command('craft', 'topics', { skew: 6 * 60 })).statusCode).toBe(401);
    expect((await command('craft', 'topics', { headers: false })).statusCode).toBe(401);
    expect((await command('craft', 'topics', { signature: 'v0=abc' })).statusCode).toBe(401);
  });

  it('is a 404 for a group without a signing secret, or no group at all', async () => {
    const quiet = await command('quiet', 'topics');
    expect(quiet.statusCode).toBe(404);
    expect(quiet.json<{ detail: string }>().detail).toBe('This group does not take chat commands.');
    expect((await command('nowhere', 'topics')).statusCode).toBe(404);
  });

  it('reads forms only', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/chat/craft/commands',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': `v0=${'0'.repeat(64)}`
      },
      payload: JSON.stringify({ team_id: 'T0001', user_id: 'U0001', text: 'topics' })
    });
    expect(json.statusCode).toBe(415);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await t.request({ method: 'GET', url: '/api/v1/openapi.json' });
    const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/chat/{groupSlug}/commands', '/api/v1/chat/links/{token}'])
    );
  });
});
