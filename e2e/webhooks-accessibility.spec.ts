import { expect, test, type Browser } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { postGroup } from './support/groups.ts';
import { expectAccessible } from './support/practice.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// A group's webhook pages, in English and German: the list with one webhook and the create form,
// and a webhook's page with its settings, actions and a delivery in the log.

const LANGUAGES = ['en', 'de'] as const;
const headers = { origin: BASE_URL };

let fixture: Promise<{ slug: string; id: string }> | undefined;

async function build(browser: Browser): Promise<{ slug: string; id: string }> {
  const context = await browser.newContext({ storageState: SIGNED_IN_STATE });
  const slug = `a11y-hooks-${randomUUID().slice(0, 8)}`;
  await postGroup(context.request, { slug, name: `Webhook Accessibility ${slug}` });
  // Loopback and not allowlisted: the test is refused before any connection, and logged.
  const created = await context.request.post(`/api/v1/groups/${slug}/webhooks`, {
    headers,
    data: {
      url: 'http://127.0.0.1:9/hook',
      events: ['member.joined', 'meeting.published'],
      format: 'chat'
    }
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const test = await context.request.post(`/api/v1/webhooks/${id}/test`, { headers });
  expect(test.status()).toBe(200);
  await context.close();
  return { slug, id };
}

for (const lang of LANGUAGES) {
  test(`webhook pages in ${lang}: no serious accessibility problems`, async ({ browser }) => {
    fixture ??= build(browser);
    const { slug, id } = await fixture;
    const context = await browser.newContext({ storageState: SIGNED_IN_STATE });
    await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
    const page = await context.newPage();
    await expectAccessible(page, `/groups/${slug}/webhooks`, lang);
    await expect(page.locator('form[action="?/create"] input[name="events"]')).toHaveCount(7);
    await expectAccessible(page, `/groups/${slug}/webhooks/${id}`, lang);
    await expect(page.getByTestId('delivery')).toHaveCount(1);
    await expect(page.locator('form[action="?/update"]')).toHaveCount(1);
    await context.close();
  });
}
