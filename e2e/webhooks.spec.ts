import { expect, test } from '@playwright/test';
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import { postGroup } from './support/groups.ts';
import { PORT } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// An organizer sets up a webhook in the browser: the secret shows once, a test reaches a real
// receiver on loopback (reachable only because playwright.config.ts allowlists it with
// OUTBOUND_ALLOW) and the delivery shows in the log.

/** The allowlisted receiver's port (see OUTBOUND_ALLOW in playwright.config.ts). */
const RECEIVER_PORT = PORT + 1;

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

test('an organizer creates a webhook, sees the secret once and sends a test', async ({
  browser
}) => {
  const received: Received[] = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, '127.0.0.1', resolve));
  try {
    const context = await browser.newContext({ storageState: SIGNED_IN_STATE });
    const slug = `hooks-${randomUUID().slice(0, 8)}`;
    await postGroup(context.request, { slug, name: `Hooks ${slug}` });
    const page = await context.newPage();
    await page.goto(`/groups/${slug}/webhooks`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Webhooks of');
    await expect(page.getByText('This group has no webhooks yet.')).toBeVisible();

    // a refused form keeps what was typed and says what is wrong
    await page.getByLabel('Address (URL)').fill('ftp://example.com/hook');
    await page.getByLabel('Someone joined the group').check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await expect(page.locator('#url-error')).toContainText('http:// or https://');

    const url = `http://127.0.0.1:${RECEIVER_PORT}/hook`;
    await page.getByLabel('Address (URL)').fill(url);
    await page.getByLabel('A new post on the board').check();
    await page.getByLabel('Guildhall JSON').check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secretBox = page.getByTestId('webhook-secret');
    await expect(secretBox).toBeVisible();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expect(page.getByTestId('webhook')).toHaveCount(1);

    // shown once: gone after a reload
    await page.goto(`/groups/${slug}/webhooks`);
    await expect(page.getByTestId('webhook-secret')).toHaveCount(0);
    await expect(page.getByTestId('webhook')).toContainText(url);
    await expect(page.getByTestId('webhook')).toContainText('Active');

    await page.getByRole('link', { name: /Details and delivery log/ }).click();
    await expect(page.getByText('Nothing was sent yet.')).toBeVisible();
    await page.getByRole('button', { name: 'Send a test' }).click();
    await expect(page.getByText('The test was delivered.')).toBeVisible();
    const row = page.getByTestId('delivery');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Test');
    await expect(row).toContainText('Delivered');
    await expect(row).toContainText('200');

    expect(received).toHaveLength(1);
    const got = received[0];
    const timestamp = String(got?.headers['webhook-timestamp']);
    const signature = createHmac('sha256', secret)
      .update(`${timestamp}.${got?.body ?? ''}`)
      .digest('hex');
    expect(got?.headers['webhook-signature']).toBe(`v1=${signature}`);
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({ type: 'webhook.test', group: { slug } });
    await context.close();
  } finally {
    await new Promise<void>((resolve) =>
      receiver.close(() => {
        resolve();
      })
    );
  }
});
