import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount } from './support/accounts.ts';
import { createMember } from './support/admin.ts';
import { postGroup } from './support/groups.ts';
import { postOnBoard } from './support/moderation.ts';
import { joinGroup, loggedInContext } from './support/practice.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// A member reports another member's post — without JavaScript, a plain form — and the group's
// owner opens the moderation queue and hides it.

test('a member reports a post and an organizer hides it from the queue', async ({ browser }) => {
  const id = randomUUID().slice(0, 8);
  const slug = `mod-${id}`;
  const owner = await browser.newContext({ storageState: SIGNED_IN_STATE });
  await postGroup(owner.request, { slug, name: `Moderated ${id}` });

  const authorAccount = newAccount('mod-author');
  const reporterAccount = newAccount('mod-reporter');
  await createMember(authorAccount);
  await createMember(reporterAccount);
  const author = await loggedInContext(browser, authorAccount);
  const reporter = await loggedInContext(browser, reporterAccount, { javaScriptEnabled: false });
  await joinGroup(author.request, slug);
  await joinGroup(reporter.request, slug);
  const title = `Cheap watches ${id}`;
  const postId = await postOnBoard(author.request, slug, {
    title,
    body: 'Buy cheap watches at example.com, today only!'
  });

  await test.step('the member reports the post', async () => {
    const page = await reporter.newPage();
    await page.goto(`/report?subject=post:${postId}`);
    await expect(page.locator('h1')).toHaveText('Report a post');
    // Nothing chosen: the form says what is missing and keeps what was typed.
    await page.locator('textarea[name="details"]').fill('Advertising, again.');
    await page.getByRole('button', { name: 'Send report' }).click();
    await expect(page.locator('#reason-error')).toBeVisible();
    await expect(page.locator('textarea[name="details"]')).toHaveValue('Advertising, again.');
    await page.getByLabel('Spam or advertising').check();
    await page.getByRole('button', { name: 'Send report' }).click();
    await expect(page.getByRole('status')).toContainText('Thank you for your report.');
    // A second report of the same post is refused with a clear message.
    await page.goto(`/report?subject=post:${postId}`);
    await page.getByLabel('Off topic').check();
    await page.getByRole('button', { name: 'Send report' }).click();
    await expect(page.getByRole('alert')).toContainText('You have reported this already.');
  });

  await test.step('the owner hides it from the moderation queue', async () => {
    const page = await owner.newPage();
    await page.goto(`/groups/${slug}/moderation`);
    const card = page.locator('article', { hasText: title });
    await expect(card).toHaveCount(1);
    await expect(card).toContainText('Spam or advertising');
    await expect(card).toContainText(`Reported by ${reporterAccount.displayName}`);
    await expect(card).toContainText('Advertising, again.');
    await card.getByRole('button', { name: 'Hide' }).click();
    await expect(page.getByRole('status')).toContainText('Hidden.');
    await expect(page).toHaveURL(/status=closed/);
    const closed = page.locator('article', { hasText: title });
    await expect(closed).toContainText('Hidden');
    await expect(closed.getByRole('button', { name: 'Show again and reopen' })).toBeVisible();
    await page.goto(`/groups/${slug}/moderation`);
    await expect(page.locator('article', { hasText: title })).toHaveCount(0);
  });

  const reports = await owner.request.get(`/api/v1/groups/${slug}/reports?status=closed`);
  const items = (
    (await reports.json()) as { items: { resolution: string; subject: { status: string } }[] }
  ).items;
  expect(items).toMatchObject([{ resolution: 'hide', subject: { status: 'hidden' } }]);

  await Promise.all([owner.close(), author.close(), reporter.close()]);
});
