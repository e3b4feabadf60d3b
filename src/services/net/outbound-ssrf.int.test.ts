import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../test/test-app.ts';
import { WEBHOOKS_QUEUE } from '../webhook/webhook-delivery.ts';
import { registerWebhookJobs } from '../webhook/webhook-jobs.ts';
import {
  insertPost,
  joinedActivity,
  makeGroup,
  TEST_BASE_URL
} from '../webhook/webhook-test-support.ts';
import { createWebhook } from '../webhook/webhook.service.ts';
import { LINK_PREVIEW_QUEUE } from './link-preview.ts';
import {
  forbiddenUrls,
  HandlerQueue,
  startRedirector,
  startServer,
  type TestServer
} from './net-test-support.ts';

/**
 * SSRF through the real job handlers (`registerWebhookJobs` registers both): every forbidden
 * address, a host name that resolves to loopback, and a redirect from an allowlisted server to a
 * loopback listener that is not allowlisted are refused — the tripwire accepts no connection.
 */
describeWithApp('outbound requests refuse internal addresses', (app) => {
  let t: TestApp;
  let tripwire: TestServer;
  let redirector: TestServer;
  let page: TestServer;
  const queue = new HandlerQueue();

  beforeAll(async () => {
    t = app();
    tripwire = await startServer();
    redirector = await startRedirector(`http://127.0.0.1:${tripwire.port}/`);
    page = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><head><title>Fine &amp; dandy</title></head></html>');
    });
    registerWebhookJobs(t.testDb.db, queue, {
      baseUrl: TEST_BASE_URL,
      secret: 'x'.repeat(40),
      outboundAllow: [redirector.hostPort, page.hostPort]
    });
  });
  afterAll(async () => {
    for (const s of [tripwire, redirector, page]) await s.close();
  });

  const urls = () => [...forbiddenUrls(tripwire.port), `${redirector.url}/`];

  it('link previews of internal addresses fail and connect nowhere', async () => {
    const db = t.testDb.db;
    const owner = await t.buildUser();
    const group = await makeGroup(db, owner.id);
    const posts = [];
    for (const url of urls()) posts.push({ url, id: await insertPost(db, group.id, url) });
    for (const post of posts) await queue.run(LINK_PREVIEW_QUEUE, { postId: post.id });
    for (const post of posts) {
      const row = await db.kysely
        .selectFrom('posts')
        .select(['link_status', 'link_title'])
        .where('id', '=', post.id)
        .executeTakeFirstOrThrow();
      expect(row, post.url).toEqual({ link_status: 'failed', link_title: null });
    }
    expect(redirector.received.length).toBeGreaterThan(0);
    expect(tripwire.connections()).toBe(0);
    // the allowlisted page itself works
    const ok = await insertPost(db, group.id, `${page.url}/`);
    await queue.run(LINK_PREVIEW_QUEUE, { postId: ok });
    expect(
      await db.kysely
        .selectFrom('posts')
        .select(['link_status', 'link_title'])
        .where('id', '=', ok)
        .executeTakeFirstOrThrow()
    ).toEqual({ link_status: 'ok', link_title: 'Fine & dandy' });
  });

  it('webhook deliveries to internal addresses fail and connect nowhere', async () => {
    const db = t.testDb.db;
    const owner = await t.buildUser();
    const group = await makeGroup(db, owner.id);
    const hooks = [];
    for (const url of urls()) {
      const { webhook } = await createWebhook(db, group.id, owner.id, {
        url,
        events: ['member.joined'],
        format: 'guildhall'
      });
      hooks.push(webhook);
    }
    const redirectsBefore = redirector.received.length;
    await joinedActivity(db, queue, group, { id: owner.id, handle: 'o', displayName: 'O' });
    await queue.run(WEBHOOKS_QUEUE);
    const rows = await db.kysely
      .selectFrom('webhook_deliveries')
      .select(['webhook_id', 'status', 'attempts', 'last_error', 'last_status_code'])
      .where(
        'webhook_id',
        'in',
        hooks.map((h) => h.id)
      )
      .execute();
    expect(rows).toHaveLength(hooks.length);
    for (const hook of hooks) {
      const row = rows.find((r) => r.webhook_id === hook.id);
      expect(row?.attempts, hook.url).toBe(1);
      expect(row?.status, hook.url).toBe('pending'); // retried later, refused again
      if (hook.url.startsWith(redirector.url)) {
        // webhooks never follow redirects: the 302 is the answer
        expect([row?.last_status_code, row?.last_error]).toEqual([302, 'bad_status: HTTP 302']);
      } else {
        expect(row?.last_error, hook.url).toMatch(/^refused: /);
      }
    }
    expect(redirector.received.length).toBe(redirectsBefore + 1);
    expect(tripwire.connections()).toBe(0);
  });
});
