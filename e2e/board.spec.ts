import { expect, test, type BrowserContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount, type Account } from './support/accounts.ts';
import { createMember } from './support/admin.ts';
import { postGroup, signedInApi } from './support/groups.ts';
import { joinGroup, loggedInContext } from './support/practice.ts';
import { hydrated, SIGNED_IN_STATE } from './support/session.ts';

// The board in the browser: a member asks for help without JavaScript (the form shows the code
// of conduct), another member comments and reacts with JavaScript, the author marks it solved;
// the group's owner posts an announcement, pins it, and it shows first on the board.

test.describe.serial('the board', () => {
  const id = randomUUID().slice(0, 8);
  const slug = `board-${id}`;
  const title = `Flaky DNS in our cluster ${id}`;
  let asker: Account;
  let helper: Account;
  let askerContext: BrowserContext;
  let postUrl = '';

  test.beforeAll(async ({ browser }) => {
    const api = await signedInApi();
    await postGroup(api, {
      slug,
      name: `Board ${id}`,
      description: 'Helping each other.',
      codeOfConductUrl: 'https://example.com/conduct'
    });
    await api.dispose();
    asker = newAccount('board-asker');
    helper = newAccount('board-helper');
    await createMember(asker);
    await createMember(helper);
    askerContext = await loggedInContext(browser, asker, { javaScriptEnabled: false });
    await joinGroup(askerContext.request, slug);
    const helperContext = await loggedInContext(browser, helper);
    await joinGroup(helperContext.request, slug);
    await helperContext.close();
  });

  test.afterAll(async () => {
    await askerContext.close();
  });

  test('a member asks for help without JavaScript', async () => {
    const page = await askerContext.newPage();
    await page.goto(`/groups/${slug}`);
    await page.locator('main').getByRole('link', { name: 'Board', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(`Board of Board ${id}`);
    await page.getByRole('link', { name: 'New post' }).click();
    await expect(page.getByRole('link', { name: 'code of conduct' })).toHaveAttribute(
      'href',
      'https://example.com/conduct'
    );
    // A title that is too short comes back with its message and what was typed.
    await page.getByLabel('Kind of post').selectOption('help');
    await page.getByLabel('Title').fill('DN');
    await page.getByLabel('Text', { exact: true }).fill('Lookups time out every few minutes.');
    await page.getByRole('button', { name: 'Post' }).click();
    await expect(page.getByText('at least 3 characters')).toBeVisible();
    await expect(page.getByLabel('Text', { exact: true })).toHaveValue(
      'Lookups time out every few minutes.'
    );
    await page.getByLabel('Title').fill(title);
    await page.getByRole('button', { name: 'Post' }).click();
    await expect(page.getByText('Your post is on the board.')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    postUrl = new URL(page.url()).pathname;
    await page.close();
  });

  test('another member comments and reacts with JavaScript', async ({ browser }) => {
    const context = await loggedInContext(browser, helper);
    const page = await context.newPage();
    await page.goto(postUrl);
    await hydrated(page);
    await page.getByLabel('Your comment').fill('Try NodeLocal DNSCache.');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await expect(page.locator('.comments')).toContainText('Try NodeLocal DNSCache.');
    const heart = page
      .locator('form[action="?/react"]')
      .first()
      .getByRole('button', { name: 'Love it' });
    await heart.click();
    await expect(heart).toHaveAttribute('aria-pressed', 'true');
    await expect(heart).toContainText('1');
    await expect(page.getByRole('link', { name: /^Report/ }).first()).toHaveAttribute(
      'href',
      /^\/report\?subject=post:/
    );
    await context.close();
  });

  test('the author marks it solved', async () => {
    const page = await askerContext.newPage();
    await page.goto(postUrl);
    await expect(page.locator('.comments')).toContainText('Try NodeLocal DNSCache.');
    await page.getByRole('button', { name: 'Mark solved' }).click();
    await expect(page.getByRole('button', { name: 'Mark not solved' })).toBeVisible();
    await expect(page.locator('header .badge', { hasText: 'Solved' })).toBeVisible();
    await page.close();
  });

  test('an organizer pins an announcement and it shows first', async ({ browser }) => {
    const context = await browser.newContext({ storageState: SIGNED_IN_STATE });
    const page = await context.newPage();
    await page.goto(`/groups/${slug}/board/new`);
    await page.getByLabel('Kind of post').selectOption('announcement');
    await page.getByLabel('Title').fill(`Next meetup moved ${id}`);
    await page.getByLabel('Text', { exact: true }).fill('We meet on **Thursday** this time.');
    await page.getByRole('button', { name: 'Post' }).click();
    await expect(page.getByText('Your post is on the board.')).toBeVisible();
    await page.getByRole('button', { name: 'Pin to the top' }).click();
    await expect(page.getByRole('button', { name: 'Unpin' })).toBeVisible();
    await page.goto(`/groups/${slug}/board`);
    const first = page.locator('main ul.items > li').first();
    await expect(first).toContainText(`Next meetup moved ${id}`);
    await expect(first).toContainText('Pinned');
    await expect(page.locator('main ul.items > li')).toHaveCount(2);
    await context.close();
  });
});
