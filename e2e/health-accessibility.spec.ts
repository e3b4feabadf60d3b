import { expect, test, type Browser } from '@playwright/test';
import { ADMIN_STATE } from './support/admin.ts';
import {
  bringFiguresUpToDate,
  makeFiguresPublic,
  seedHealthGroup,
  type HealthGroup
} from './support/health.ts';
import { expectAccessible } from './support/practice.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// The community health pages in English and German: the organizers' dashboard with every chart,
// the gone-quiet list with its message form, the public figures a member sees, and the admins'
// instance page.

const LANGUAGES = ['en', 'de'] as const;

let fixture: Promise<{ slug: string; member: HealthGroup['member']['account'] }> | undefined;

async function build(browser: Browser) {
  const group = await seedHealthGroup(browser, 'a11y-health');
  await makeFiguresPublic(group.owner, group.slug);
  await bringFiguresUpToDate();
  const member = group.member.account;
  await group.owner.close();
  await group.regular.context.close();
  await group.member.context.close();
  return { slug: group.slug, member };
}

for (const lang of LANGUAGES) {
  test(`community health pages in ${lang}: no serious accessibility problems`, async ({
    browser
  }) => {
    // The fixture makes accounts and a history; axe then reads four pages full of charts.
    test.setTimeout(240_000);
    fixture ??= build(browser);
    const { slug, member } = await fixture;
    const cookie = { name: 'guildhall_lang', value: lang, url: BASE_URL };

    const owner = await browser.newContext({ storageState: SIGNED_IN_STATE });
    await owner.addCookies([cookie]);
    const page = await owner.newPage();
    await expectAccessible(page, `/groups/${slug}/health`, lang);
    await expect(page.locator('[data-bar]').first()).toBeAttached();
    await expectAccessible(page, `/groups/${slug}/health/quiet`, lang);
    await expect(page.getByTestId('quiet-member')).toHaveCount(1);
    // The message form, opened.
    await page.getByTestId('quiet-member').locator('summary').click();
    await expect(page.getByTestId('quiet-member').locator('textarea')).toBeVisible();
    await owner.close();

    const reader = await browser.newContext();
    await reader.addCookies([cookie]);
    const logIn = await reader.request.post('/api/v1/auth/log-in', {
      headers: { origin: BASE_URL },
      data: { email: member.email, password: member.password }
    });
    expect(logIn.status()).toBe(200);
    const publicPage = await reader.newPage();
    await expectAccessible(publicPage, `/groups/${slug}/health`, lang);
    await expect(publicPage.getByTestId('average-attendance')).toBeVisible();
    await reader.close();

    const admin = await browser.newContext({ storageState: ADMIN_STATE });
    await admin.addCookies([cookie]);
    const adminPage = await admin.newPage();
    await expectAccessible(adminPage, '/admin/health', lang);
    await expect(adminPage.getByTestId('instance-figures')).toBeVisible();
    await admin.close();
  });
}
