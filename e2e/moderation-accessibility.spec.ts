import { expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount } from './support/accounts.ts';
import { ADMIN_STATE, createMember } from './support/admin.ts';
import { postGroup } from './support/groups.ts';
import { fileReport, postOnBoard, whoAmI } from './support/moderation.ts';
import { expectAccessible, joinGroup, loggedInContext } from './support/practice.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// The report form, a public profile, a group's moderation queue and the admins' queue, in
// English and German, each with something in it: a reported post, a reported profile.

const LANGUAGES = ['en', 'de'] as const;

interface Fixtures {
  slug: string;
  postId: string;
  handle: string;
  memberState: Awaited<ReturnType<BrowserContext['storageState']>>;
}

let fixtures: Promise<Fixtures> | undefined;

/** A group the signed-in account owns, a member's post reported by another, a reported profile. */
async function build(browser: Browser): Promise<Fixtures> {
  const id = randomUUID().slice(0, 8);
  const slug = `a11y-mod-${id}`;
  const owner = await browser.newContext({ storageState: SIGNED_IN_STATE });
  await postGroup(owner.request, { slug, name: `Moderation Accessibility ${id}` });
  const authorAccount = newAccount('a11y-mod-author');
  const reporterAccount = newAccount('a11y-mod-reporter');
  await createMember(authorAccount);
  await createMember(reporterAccount);
  const author = await loggedInContext(browser, authorAccount);
  const reporter = await loggedInContext(browser, reporterAccount);
  await joinGroup(author.request, slug);
  await joinGroup(reporter.request, slug);
  const postId = await postOnBoard(author.request, slug, {
    title: 'Cheap watches, today only',
    body: 'Buy **cheap** watches at example.com.'
  });
  const { handle } = await whoAmI(author.request);
  await fileReport(reporter.request, 'post', postId);
  await fileReport(reporter.request, 'profile', handle, 'harassment');
  const memberState = await reporter.storageState();
  await Promise.all([owner.close(), author.close(), reporter.close()]);
  return { slug, postId, handle, memberState };
}

async function contextIn(
  browser: Browser,
  lang: string,
  storageState: string | Fixtures['memberState']
): Promise<BrowserContext> {
  const context = await browser.newContext({ storageState });
  await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
  return context;
}

for (const lang of LANGUAGES) {
  test.describe(`moderation pages in ${lang}`, () => {
    test('the report form and a profile, for a member', async ({ browser }) => {
      fixtures ??= build(browser);
      const { postId, handle, memberState } = await fixtures;
      const context = await contextIn(browser, lang, memberState);
      const page = await context.newPage();
      await expectAccessible(page, `/report?subject=post:${postId}`, lang);
      await expect(page.locator('input[name="reason"]')).toHaveCount(4);
      await expectAccessible(page, `/people/${handle}`, lang);
      await expect(page.locator(`a[href*="subject=profile"]`)).toHaveCount(1);
      await context.close();
    });

    test('the group’s queue, for its owner', async ({ browser }) => {
      fixtures ??= build(browser);
      const { slug } = await fixtures;
      const context = await contextIn(browser, lang, SIGNED_IN_STATE);
      const page = await context.newPage();
      await expectAccessible(page, `/groups/${slug}/moderation`, lang);
      await expect(page.locator('main article')).toHaveCount(1);
      await expect(page.locator('form[action="?/resolve"]')).toHaveCount(2);
      await context.close();
    });

    test('the admins’ queue', async ({ browser }) => {
      fixtures ??= build(browser);
      const { handle } = await fixtures;
      const context = await contextIn(browser, lang, ADMIN_STATE);
      const page = await context.newPage();
      await expectAccessible(page, '/admin/moderation', lang);
      await expect(page.locator(`main article a[href="/people/${handle}"]`)).toHaveCount(1);
      await context.close();
    });
  });
}
