import { test, type BrowserContext } from '@playwright/test';
import { memberWithNotification } from './support/notifications.ts';
import { expectAccessible } from './support/practice.ts';
import { BASE_URL } from './support/server.ts';

// The notifications page (with one unread notification) and the notification settings, in
// English and German: no serious or critical axe findings, no sideways scrolling on a phone.

const LANGUAGES = ['en', 'de'] as const;

let state: Promise<Awaited<ReturnType<BrowserContext['storageState']>>> | undefined;

for (const lang of LANGUAGES) {
  test(`notifications pages in ${lang}: no serious accessibility problems`, async ({ browser }) => {
    state ??= memberWithNotification(browser, 'a11y-notify').then(async ({ member }) => {
      const saved = await member.storageState();
      await member.close();
      return saved;
    });
    const context = await browser.newContext({ storageState: await state });
    await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
    const page = await context.newPage();
    await expectAccessible(page, '/notifications', lang);
    await expectAccessible(page, '/settings/notifications', lang);
    await context.close();
  });
}
