import { expect, request, test } from '@playwright/test';
import { newAccount } from './support/accounts.ts';
import { linkFromNewestMail } from './support/mail.ts';
import { BASE_URL } from './support/server.ts';
import { hydrated, SIGNED_IN_STATE } from './support/session.ts';

test('forgot password, choose a new one, then log-in asks to confirm the address first', async ({
  page,
  request
}) => {
  const account = newAccount('recovery');
  const signUp = await request.post('/api/v1/auth/sign-up', {
    headers: { origin: BASE_URL },
    data: { email: account.email, password: account.password, displayName: account.displayName }
  });
  expect(signUp.status()).toBe(202);

  await page.goto('/log-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forgot your password?');
  await page.getByRole('textbox', { name: 'Email address' }).fill(account.email);
  await page.getByRole('button', { name: 'Send link' }).click();
  await expect(page.getByRole('status')).toContainText(account.email);

  const link = await linkFromNewestMail(account.email, '/reset-password');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose a new password');
  const newPassword = `${account.password} renewed`;
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page.getByLabel('New password')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Save new password' }).click();

  await expect(page).toHaveURL(/\/log-in\?reset=1$/);
  await expect(page.getByRole('status')).toContainText('Your password has been changed');
  await page.getByRole('textbox', { name: 'Email address' }).fill(account.email);
  await page.getByLabel('Password').fill(newPassword);
  await page.locator('main').getByRole('button', { name: 'Log in' }).click();

  // The right password for an unconfirmed address: say so and offer a new confirmation link.
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByRole('button', { name: 'Send a new confirmation link' }).click();
  await expect(page.getByRole('status').filter({ hasText: account.email })).toContainText(
    'a new confirmation link is on its way'
  );
});

test('settings send visitors to log in and remember where they wanted to go', async ({ page }) => {
  await page.goto('/settings/tokens');
  await expect(page).toHaveURL(/\/log-in\?next=%2Fsettings%2Ftokens$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await expect(page.locator('input[name="next"]')).toHaveValue('/settings/tokens');
});

test('a new API token is shown once, with how to use it, and works against the API', async ({
  browser
}) => {
  const context = await browser.newContext({ storageState: SIGNED_IN_STATE });
  const page = await context.newPage();
  await page.goto('/settings/tokens');
  // The form posts through JavaScript: filled before hydration, the click would go nowhere.
  await hydrated(page);
  const name = `calendar sync ${Date.now()}`;
  await page.locator('input[name="name"]').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('heading', { name: `Your new token “${name}”` })).toBeVisible();
  const secret = await page.getByTestId('token-secret').inputValue();
  expect(secret.length).toBeGreaterThan(20);
  await expect(page.getByText('Authorization: Bearer …')).toBeVisible();
  // A client without the browser's cookies: the token alone signs it in.
  const api = await request.newContext({ baseURL: BASE_URL });
  const me = await api.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  await api.dispose();
  // Shown once: the list names the token, the secret is gone on the next visit.
  await page.goto('/settings/tokens');
  await expect(page.getByTestId('token-secret')).toHaveCount(0);
  await expect(page.getByText(name, { exact: true })).toBeVisible();
  await context.close();
});
