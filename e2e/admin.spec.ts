import { expect, test } from '@playwright/test';
import { newAccount } from './support/accounts.ts';
import { ADMIN_STATE, createMember } from './support/admin.ts';
import { loggedInContext } from './support/practice.ts';
import { hydrated } from './support/session.ts';

// An admin suspends an account in the admin area: the person is logged out everywhere and cannot
// log in; the audit log shows it; lifting the suspension lets them in again.

test('an admin suspends an account and lifts the suspension', async ({ browser }) => {
  const member = newAccount('suspend');
  await createMember(member);
  const memberContext = await loggedInContext(browser, member);
  expect((await memberContext.request.get('/api/v1/me')).status()).toBe(200);

  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const page = await admin.newPage();
  await page.goto('/admin/users');
  await hydrated(page);
  await page.getByLabel('Name, handle or email address').fill(member.email);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page.getByRole('cell', { name: member.email })).toBeVisible();
  await page.getByRole('button', { name: `Suspend ${member.displayName}` }).click();
  await expect(page.getByRole('status')).toContainText(
    `${member.displayName} is suspended: logged out everywhere`
  );
  await expect(page.getByRole('row', { name: new RegExp(member.email) })).toContainText(
    'Suspended'
  );

  // Logged out at once, and the form says why the right password does not get in.
  expect((await memberContext.request.get('/api/v1/me')).status()).toBe(401);
  const memberPage = await memberContext.newPage();
  await memberPage.goto('/log-in');
  await memberPage.locator('input[name="email"]').fill(member.email);
  await memberPage.locator('input[name="password"]').fill(member.password);
  await memberPage.locator('main form[action="?/logIn"] button[type="submit"]').click();
  await expect(memberPage.locator('main')).toContainText('This account is suspended.');

  await page.goto('/admin/audit');
  await expect(page.getByRole('row', { name: /user\.suspended/ }).first()).toContainText(
    member.displayName
  );

  await page.goto(`/admin/users?q=${encodeURIComponent(member.email)}`);
  await hydrated(page);
  await page.getByRole('button', { name: `Lift suspension of ${member.displayName}` }).click();
  await expect(page.getByRole('status')).toContainText(`${member.displayName} can log in again.`);
  const again = await memberContext.request.post('/api/v1/auth/log-in', {
    headers: { origin: new URL(page.url()).origin },
    data: { email: member.email, password: member.password }
  });
  expect(again.status()).toBe(200);

  await memberContext.close();
  await admin.close();
});

test('the admin area is not there for members', async ({ browser }) => {
  const member = newAccount('not-admin');
  await createMember(member);
  const context = await loggedInContext(browser, member);
  const page = await context.newPage();
  for (const path of ['/admin/users', '/admin/settings', '/admin/audit']) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
  }
  await context.close();
});

test('an admin sends a test mail from the instance settings', async ({ browser }) => {
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const page = await admin.newPage();
  await page.goto('/admin/settings');
  await hydrated(page);
  await expect(page.getByLabel('Sign-ups')).toHaveValue('open');
  await page.getByRole('button', { name: 'Send a test mail' }).click();
  await expect(page.getByRole('status')).toContainText('A test mail to');
  await admin.close();
});
