import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../test/test-app.ts';
import { dispatchActivities } from '../activity/activity.service.ts';
import { startServer, type TestServer } from '../net/net-test-support.ts';
import { webhookConsumer } from './webhook-consumer.ts';
import {
  deliverDue,
  sendTestDelivery,
  WEBHOOK_BACKOFF_MS,
  WEBHOOK_DISABLE_AFTER,
  WEBHOOK_MAX_ATTEMPTS
} from './webhook-delivery.ts';
import { joinedActivity, makeGroup, TEST_BASE_URL } from './webhook-test-support.ts';
import { createWebhook, enableWebhook, findWebhook } from './webhook.service.ts';

describeWithApp('webhook delivery', (app) => {
  let t: TestApp;
  let receiver: TestServer;
  /** What the receiver answers next. */
  let answer = 200;
  let member: { id: string; handle: string; displayName: string };
  let allow: string[];

  beforeAll(async () => {
    t = app();
    receiver = await startServer((_req, res) => res.writeHead(answer).end('thanks'));
    allow = [receiver.hostPort];
    const user = await t.buildUser({ name: 'Ada' });
    member = { id: user.id, handle: 'ada', displayName: 'Ada' };
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    answer = 200;
    receiver.received.length = 0;
  });

  const db = () => t.testDb.db;
  const setup = async (format: 'guildhall' | 'chat' = 'guildhall') => {
    const owner = await t.buildUser();
    const group = await makeGroup(db(), owner.id);
    const { webhook, secret } = await createWebhook(db(), group.id, owner.id, {
      url: `${receiver.url}/hook`,
      events: ['member.joined'],
      format
    });
    return { group, webhook, secret };
  };
  const deliveries = (webhookId: string) =>
    db()
      .kysely.selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();

  it('delivers a signed body the receiver can verify, once per activity', async () => {
    const { group, webhook, secret } = await setup();
    const activityId = await joinedActivity(db(), t.queue, group, member);
    // dispatching the same activity again (another node, a retry) queues nothing twice
    await db()
      .kysely.updateTable('activities')
      .set({ dispatched_at: null })
      .where('id', '=', activityId)
      .execute();
    await dispatchActivities(db(), [
      webhookConsumer(db(), { queue: t.queue, baseUrl: TEST_BASE_URL, secret: 'x'.repeat(40) })
    ]);
    await joinedActivity(db(), t.queue, group, member);
    expect(await deliveries(webhook.id)).toHaveLength(2);
    expect(await deliverDue(db(), { allow })).toBe(2);
    expect(receiver.received).toHaveLength(2);
    const got = receiver.received[0];
    if (!got) throw new Error('nothing received');
    const timestamp = String(got.headers['webhook-timestamp']);
    const expected = createHmac('sha256', secret).update(`${timestamp}.${got.body}`).digest('hex');
    expect(got.headers['webhook-signature']).toBe(`v1=${expected}`);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(got.headers['content-type']).toBe('application/json');
    const rows = await deliveries(webhook.id);
    expect(got.headers['webhook-id']).toBe(rows[0]?.id);
    expect(JSON.parse(got.body)).toMatchObject({
      id: activityId,
      type: 'member.joined',
      group: { slug: group.slug, name: group.name },
      data: { member: { displayName: 'Ada' } }
    });
    expect(got.body).toBe(rows[0]?.body);
    expect(rows.map((r) => [r.status, r.attempts, r.last_status_code])).toEqual([
      ['delivered', 1, 200],
      ['delivered', 1, 200]
    ]);
    expect(await deliverDue(db(), { allow })).toBe(0);
  });

  it('sends chat messages with a link in the chat format', async () => {
    const { group, webhook } = await setup('chat');
    await joinedActivity(db(), t.queue, group, member);
    await deliverDue(db(), { allow });
    const body = JSON.parse(receiver.received[0]?.body ?? '{}') as { text?: string };
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain('Ada');
    expect(body.text).toContain(group.name);
    expect((await deliveries(webhook.id))[0]?.status).toBe('delivered');
  });

  it('retries a 500 with growing backoff, then gives the delivery up', async () => {
    const { group, webhook } = await setup();
    await joinedActivity(db(), t.queue, group, member);
    answer = 500;
    let now = new Date(Date.now() + 1000);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt += 1) {
      // not due before its time
      if (attempt > 1) {
        expect(await deliverDue(db(), { allow }, new Date(now.getTime() - 1000))).toBe(0);
      }
      expect(await deliverDue(db(), { allow }, now)).toBe(1);
      const [row] = await deliveries(webhook.id);
      expect(row?.attempts).toBe(attempt);
      expect(row?.last_status_code).toBe(500);
      if (row?.next_attempt_at) {
        const next = new Date(row.next_attempt_at);
        waits.push(next.getTime() - now.getTime());
        now = next;
      }
    }
    expect(waits).toEqual([...WEBHOOK_BACKOFF_MS]);
    const [row] = await deliveries(webhook.id);
    expect([row?.status, row?.next_attempt_at, row?.last_error]).toEqual([
      'failed',
      null,
      'bad_status: HTTP 500'
    ]);
    expect((await findWebhook(db(), webhook.id))?.failureCount).toBe(1);
    expect(receiver.received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);

    // a success resets the count of consecutive failures
    answer = 204;
    await joinedActivity(db(), t.queue, group, member);
    expect(await deliverDue(db(), { allow })).toBe(1);
    expect((await findWebhook(db(), webhook.id))?.failureCount).toBe(0);
  });

  it(`disables a webhook after ${WEBHOOK_DISABLE_AFTER} failed deliveries in a row`, async () => {
    const { group, webhook } = await setup();
    answer = 503;
    for (let i = 0; i < WEBHOOK_DISABLE_AFTER; i += 1) {
      await joinedActivity(db(), t.queue, group, member);
    }
    let now = new Date(Date.now() + 1000);
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt += 1) {
      expect(await deliverDue(db(), { allow }, now)).toBe(WEBHOOK_DISABLE_AFTER);
      now = new Date(now.getTime() + 7 * 3600_000);
    }
    const off = await findWebhook(db(), webhook.id);
    expect([off?.status, off?.failureCount]).toEqual(['disabled', WEBHOOK_DISABLE_AFTER]);
    expect(off?.disabledAt).toBeInstanceOf(Date);

    // a disabled webhook gets no new deliveries, and what was pending waits
    const pendingBefore = (await deliveries(webhook.id)).length;
    await joinedActivity(db(), t.queue, group, member);
    expect((await deliveries(webhook.id)).length).toBe(pendingBefore);
    await db()
      .kysely.updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: new Date().toISOString() })
      .where('id', '=', (await deliveries(webhook.id))[0]?.id ?? '')
      .execute();
    receiver.received.length = 0;
    expect(await deliverDue(db(), { allow }, now)).toBe(0);
    expect(receiver.received).toHaveLength(0);

    // re-enabled: the count starts again and the waiting delivery is due at once
    answer = 200;
    const on = await enableWebhook(db(), webhook.id, { groupId: webhook.groupId, actorId: null });
    expect([on.status, on.failureCount, on.disabledAt]).toEqual(['active', 0, null]);
    expect(await deliverDue(db(), { allow })).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('never sends one delivery twice when two runs race', async () => {
    const { group, webhook } = await setup();
    for (let i = 0; i < 5; i += 1) await joinedActivity(db(), t.queue, group, member);
    const [a, b] = await Promise.all([deliverDue(db(), { allow }), deliverDue(db(), { allow })]);
    expect(a + b).toBe(5);
    expect(receiver.received).toHaveLength(5);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(5);
    expect((await deliveries(webhook.id)).every((d) => d.attempts === 1)).toBe(true);
  });

  it('sends a test delivery now and logs it', async () => {
    const { group, webhook, secret } = await setup();
    const ok = await sendTestDelivery(db(), webhook, group, { baseUrl: TEST_BASE_URL, allow });
    expect([ok.kind, ok.status, ok.attempts, ok.lastStatusCode]).toEqual([
      'webhook.test',
      'delivered',
      1,
      200
    ]);
    const got = receiver.received[0];
    const expected = createHmac('sha256', secret)
      .update(`${String(got?.headers['webhook-timestamp'])}.${got?.body ?? ''}`)
      .digest('hex');
    expect(got?.headers['webhook-signature']).toBe(`v1=${expected}`);
    answer = 500;
    const bad = await sendTestDelivery(db(), webhook, group, { baseUrl: TEST_BASE_URL, allow });
    expect([bad.status, bad.lastStatusCode]).toEqual(['failed', 500]);
    expect((await findWebhook(db(), webhook.id))?.failureCount).toBe(0);
  });
});
