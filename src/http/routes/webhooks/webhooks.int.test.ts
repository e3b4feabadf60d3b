import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../services/net/net-test-support.ts';
import { makeGroup } from '../../../services/webhook/webhook-test-support.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

interface WireHook {
  id: string;
  url: string;
  events: string[];
  format: string;
  status: string;
  secret?: string;
}

describeWithApp('webhooks API', (app) => {
  let t: TestApp;
  let cookie: string;
  let slug: string;
  let groupId: string;
  let receiver: TestServer;

  beforeAll(async () => {
    t = app();
    receiver = await startServer((_req, res) => res.end('ok'));
    // The operator's allowlist: only this receiver may be reached on loopback.
    t.config.outboundAllow = [receiver.hostPort];
    good = { url: `${receiver.url}/in`, events: ['member.joined'], format: 'guildhall' };
    const owner = await t.buildUser();
    cookie = await t.logIn(owner.email);
    const group = await makeGroup(t.testDb.db, owner.id);
    slug = group.slug;
    groupId = group.id;
  });
  afterAll(() => receiver.close());

  const create = (body: unknown) =>
    t.request({ method: 'POST', url: `/api/v1/groups/${slug}/webhooks`, body, cookie });
  const count = async () =>
    Number(
      (
        await t.testDb.db.kysely
          .selectFrom('webhooks')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('group_id', '=', groupId)
          .executeTakeFirstOrThrow()
      ).n
    );
  let good: { url: string; events: string[]; format: string };

  it('answers 400 per bad field and stores nothing', async () => {
    const cases: [unknown, string, string][] = [
      [{ ...good, url: 'ftp://example.com/x' }, 'url', 'webhookUrlInvalid'],
      [{ ...good, url: 'https://user:pw@example.com/x' }, 'url', 'webhookUrlInvalid'],
      [{ ...good, url: 'not a url' }, 'url', 'webhookUrlInvalid'],
      [{ ...good, url: `https://example.com/${'a'.repeat(2000)}` }, 'url', 'tooLongString'],
      [{ ...good, url: undefined }, 'url', 'required'],
      [{ ...good, events: ['member.left'] }, 'events.0', 'invalidValue'],
      [{ ...good, events: ['comment.created'] }, 'events.0', 'invalidValue'],
      [{ ...good, events: [] }, 'events', 'tooFewItems'],
      [{ ...good, format: 'xml' }, 'format', 'invalidValue'],
      [{ ...good, format: undefined }, 'format', 'required'],
      [{ ...good, secret: 'mine' }, 'secret', 'unknownField']
    ];
    for (const [body, field, key] of cases) {
      const res = await create(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const errors = res.json<{ errors: { field: string; message: string }[] }>().errors;
      expect(
        errors.map((e) => e.field),
        JSON.stringify(body)
      ).toEqual([field]);
      expect(errors[0]?.message, `${field} ${key}`).toBeTruthy();
    }
    const bad = await create({ ...good, url: 'ftp://example.com/x' });
    expect(bad.json<{ errors: { message: string }[] }>().errors[0]?.message).toBe(
      'Enter an http:// or https:// URL without a user name or password (at most 2000 characters).'
    );
    const german = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/webhooks`,
      body: { ...good, format: 'xml' },
      cookie,
      headers: { 'accept-language': 'de' }
    });
    expect(german.statusCode).toBe(400);
    expect(await count()).toBe(0);
    const patch = await t.request({
      method: 'PATCH',
      url: `/api/v1/webhooks/unknown`,
      body: { url: 'ftp://x' },
      cookie
    });
    expect(patch.statusCode).toBe(404);
  });

  it('shows the secret once, signs with it, logs deliveries and rotates it', async () => {
    const res = await create(good);
    expect(res.statusCode).toBe(201);
    const hook = res.json<WireHook>();
    expect(hook).toMatchObject({ url: good.url, events: ['member.joined'], status: 'active' });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await t.request({ method: 'GET', url: `/api/v1/webhooks/${hook.id}`, cookie });
    expect(read.json()).not.toHaveProperty('secret');
    const list = await t.request({ method: 'GET', url: `/api/v1/groups/${slug}/webhooks`, cookie });
    expect(JSON.stringify(list.json())).not.toContain(hook.secret);

    const test = await t.request({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/test`,
      cookie
    });
    expect(test.json()).toMatchObject({
      kind: 'webhook.test',
      status: 'delivered',
      lastStatusCode: 200
    });
    const got = receiver.received.at(-1);
    const sign = (secret: string) =>
      `v1=${createHmac('sha256', secret)
        .update(`${String(got?.headers['webhook-timestamp'])}.${got?.body ?? ''}`)
        .digest('hex')}`;
    expect(got?.headers['webhook-signature']).toBe(sign(hook.secret ?? ''));
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({ type: 'webhook.test', group: { slug } });

    const rotated = await t.request({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/rotate-secret`,
      cookie
    });
    const secret = rotated.json<WireHook>().secret ?? '';
    expect(secret).not.toBe(hook.secret);
    await t.request({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, cookie });
    expect(receiver.received.at(-1)?.headers['webhook-signature']).toBe(
      `v1=${createHmac('sha256', secret)
        .update(
          `${String(receiver.received.at(-1)?.headers['webhook-timestamp'])}.${receiver.received.at(-1)?.body ?? ''}`
        )
        .digest('hex')}`
    );

    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.id}`,
      body: { events: ['post.created', 'rsvp.changed'], format: 'chat' },
      cookie
    });
    expect(patched.json()).toMatchObject({
      events: ['post.created', 'rsvp.changed'],
      format: 'chat'
    });

    // the log, newest first, in pages
    const first = await t.request({
      method: 'GET',
      url: `/api/v1/webhooks/${hook.id}/deliveries?limit=1`,
      cookie
    });
    const page = first.json<{ items: { id: string }[]; nextCursor: string }>();
    expect(page.items).toHaveLength(1);
    const second = await t.request({
      method: 'GET',
      url: `/api/v1/webhooks/${hook.id}/deliveries?limit=1&cursor=${page.nextCursor}`,
      cookie
    });
    const next = second.json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect(next.items).toHaveLength(1);
    expect(next.items[0]?.id).not.toBe(page.items[0]?.id);
    expect(next.nextCursor).toBeNull();
    const badCursor = await t.request({
      method: 'GET',
      url: `/api/v1/webhooks/${hook.id}/deliveries?cursor=nope`,
      cookie
    });
    expect(badCursor.statusCode).toBe(400);

    const gone = await t.request({ method: 'DELETE', url: `/api/v1/webhooks/${hook.id}`, cookie });
    expect(gone.statusCode).toBe(204);
    expect(await count()).toBe(0);

    // every change is in the group's audit log, the secrets never
    const audit = await t.testDb.db.kysely
      .selectFrom('audit_entries')
      .select(['action', 'details'])
      .where('group_id', '=', groupId)
      .where('action', 'like', 'webhook.%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'webhook.created',
      'webhook.deleted',
      'webhook.secretRotated',
      'webhook.updated'
    ]);
    expect(audit.every((a) => JSON.parse(a.details).webhookId === hook.id)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('whsec_');
  });
});
