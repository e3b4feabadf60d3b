import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { newAccount } from './support/accounts.ts';
import { createMember } from './support/admin.ts';
import { postGroup, signedInApi } from './support/groups.ts';
import { mailContaining } from './support/mail.ts';
import { joinGroup, loggedInContext } from './support/practice.ts';
import { BASE_URL } from './support/server.ts';
import { hydrated } from './support/session.ts';

// A member downloads everything Guildhall keeps about them, then deletes the account, keeping
// what they wrote without their name. Afterwards their sessions and API token fail, and their
// name is gone from the board and the member directory.

test('a member downloads their data and deletes the account', async ({ browser }) => {
  const id = randomUUID().slice(0, 8);
  const slug = `privacy-${id}`;
  const title = `Which Postgres pooler do you use ${id}?`;
  const owner = await signedInApi();
  await postGroup(owner, { slug, name: `Privacy ${id}`, description: 'Data stays ours.' });

  const member = newAccount('privacy');
  await createMember(member);
  const context = await loggedInContext(browser, member);
  await joinGroup(context.request, slug);
  const headers = { origin: BASE_URL };
  const post = await context.request.post(`/api/v1/groups/${slug}/posts`, {
    headers,
    data: { kind: 'help', title, body: 'We run pgbouncer in transaction mode.' }
  });
  expect(post.status()).toBe(201);
  const postId = ((await post.json()) as { id: string }).id;
  const token = await context.request.post('/api/v1/me/tokens', {
    headers,
    data: { name: 'laptop', scope: 'read' }
  });
  expect(token.status()).toBe(201);
  const secret = ((await token.json()) as { secret: string }).secret;
  // A second session, on another device.
  const otherDevice = await loggedInContext(browser, member);

  const page = await context.newPage();
  await page.goto('/settings/account');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Download your data' })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download my data' }).click()
  ]);
  expect(download.suggestedFilename()).toMatch(/^guildhall-data-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(await readFile(await download.path(), 'utf8')) as {
    sections: Record<string, { title?: string; name?: string; email?: string }[]>;
    groups: { slug: string }[];
  };
  expect(data.sections.account?.[0]).toMatchObject({
    name: member.displayName,
    email: member.email
  });
  expect(data.sections.posts?.map((p) => p.title)).toEqual([title]);
  expect(data.sections.apiTokens?.map((t) => t.name)).toEqual(['laptop']);
  expect(data.groups.map((g) => g.slug)).toEqual([slug]);

  const form = page.locator('form[action="?/delete"]');
  await form.getByLabel('Keep it without my name').check();
  await form.getByLabel('Password').fill('not my password');
  await form.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(form.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(form).toContainText('The password is wrong.');

  await form.getByLabel('Password').fill(member.password);
  await form.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(page).toHaveURL(`${BASE_URL}/?account=deleted`);
  await expect(page.getByRole('status')).toContainText('Your account has been deleted.');
  await expect(page.locator('header form[action="/log-out"]')).toHaveCount(0);
  await mailContaining(member.email, 'Your Guildhall account was deleted');

  // Every session and the token have ended; the password no longer logs in.
  expect((await otherDevice.request.get('/api/v1/me')).status()).toBe(401);
  expect((await context.request.get('/api/v1/me')).status()).toBe(401);
  const byToken = await owner.get('/api/v1/me', {
    headers: { authorization: `Bearer ${secret}` }
  });
  expect(byToken.status()).toBe(401);
  const logIn = await owner.post('/api/v1/auth/log-in', {
    headers,
    data: { email: member.email, password: member.password }
  });
  expect(logIn.status()).toBe(401);

  // The post stays, by a former member; the name is nowhere on the group's pages.
  const ownerPage = await browser.newPage({ storageState: await owner.storageState() });
  await ownerPage.goto(`/groups/${slug}/board/${postId}`);
  await expect(ownerPage.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(ownerPage.locator('main')).toContainText('a former member');
  await expect(ownerPage.locator('main')).not.toContainText(member.displayName);
  await ownerPage.goto(`/groups/${slug}/board`);
  await expect(ownerPage.locator('main')).toContainText(title);
  await expect(ownerPage.locator('main')).not.toContainText(member.displayName);
  await ownerPage.goto(`/groups/${slug}/members`);
  await expect(ownerPage.locator('main')).not.toContainText(member.displayName);

  await ownerPage.close();
  await otherDevice.close();
  await context.close();
  await owner.dispose();
});

test('an owner hands the group over before deleting the account', async ({ browser }) => {
  const id = randomUUID().slice(0, 8);
  const slug = `handover-${id}`;
  const founder = newAccount('founder');
  const successor = newAccount('successor');
  await createMember(founder);
  await createMember(successor);
  const context = await loggedInContext(browser, founder);
  await postGroup(context.request, { slug, name: `Handover ${id}`, description: 'Passing on.' });
  const successorContext = await loggedInContext(browser, successor);
  await joinGroup(successorContext.request, slug);

  const page = await context.newPage();
  await page.goto('/settings/account');
  await expect(page.locator('main')).toContainText('You own these groups.');
  await expect(page.locator('form[action="?/delete"]')).toHaveCount(0);
  await page.getByRole('link', { name: `Handover ${id}` }).click();
  await expect(page).toHaveURL(`${BASE_URL}/groups/${slug}/edit`);
  await hydrated(page);

  const transfer = page.locator('form[action="?/transfer"]');
  await transfer.getByRole('button', { name: 'Hand over the group' }).click();
  await expect(transfer.getByLabel('New owner')).toHaveAttribute('aria-invalid', 'true');
  await transfer
    .getByLabel('New owner')
    .selectOption({ label: `${successor.displayName} (@${await handleOf(successorContext)})` });
  await transfer.getByRole('button', { name: 'Hand over the group' }).click();
  await expect(page.getByRole('status')).toContainText('The group has a new owner.');
  await expect(page.locator('form[action="?/transfer"]')).toHaveCount(0);
  const group = await successorContext.request.get(`/api/v1/groups/${slug}`);
  expect(((await group.json()) as { viewer: { role: string } }).viewer.role).toBe('owner');

  await page.goto('/settings/account');
  await expect(page.locator('form[action="?/delete"]')).toBeVisible();
  await successorContext.close();
  await context.close();
});

async function handleOf(context: import('@playwright/test').BrowserContext): Promise<string> {
  const me = await context.request.get('/api/v1/me');
  return ((await me.json()) as { handle: string }).handle;
}
