import { expect, test } from '@playwright/test';
import { newAccount } from './support/accounts.ts';
import { linkFromNewestMail } from './support/mail.ts';

test('sign up, verify, log in, switch to German, edit the profile, create and revoke an API token', async ({
  page,
  request
}) => {
  const account = newAccount('journey');

  // Sign up.
  await page.goto('/sign-up');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('textbox', { name: 'Display name' }).fill(account.displayName);
  await page.getByRole('textbox', { name: 'Email address' }).fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your inbox');
  await expect(page.getByRole('status')).toContainText(account.email);

  // Verify with the link from the mail.
  const link = await linkFromNewestMail(account.email, '/verify-email');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Email address confirmed');
  await expect(page).not.toHaveURL(/token=/);

  // Log in.
  await page.getByRole('link', { name: 'Log in' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await page.getByRole('textbox', { name: 'Email address' }).fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.locator('main').getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `Welcome, ${account.displayName}!`
  );
  // The API's session cookie reached the browser through the page's form action.
  const cookies = await page.context().cookies();
  expect(cookies.find((cookie) => cookie.name.endsWith('guildhall.session_token'))).toMatchObject({
    httpOnly: true
  });

  // Switch to German: the page, <html lang> and (saved on the account) the next visit follow.
  await page.getByRole('button', { name: 'Deutsch' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `Willkommen, ${account.displayName}!`
  );
  await expect(page.getByRole('button', { name: 'Deutsch' })).toHaveAttribute(
    'aria-pressed',
    'true'
  );
  const language = await page.request.get('/api/v1/me');
  expect(((await language.json()) as { language: string }).language).toBe('de');

  // Edit the profile.
  await page.getByRole('link', { name: 'Einstellungen' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Profil');
  const handle = `ada-${account.email.slice(8, 16)}`;
  await page.getByRole('textbox', { name: 'Anzeigename' }).fill('Ada Lovelace');
  await page.getByRole('textbox', { name: 'Benutzername' }).fill(handle);
  await page.getByRole('textbox', { name: /Über dich/ }).fill('Ich mag **Analytische Maschinen**.');
  await page.getByRole('textbox', { name: /Stadt/ }).fill('Berlin');
  await page.getByRole('combobox', { name: /Land/ }).selectOption('DE');
  await page.getByRole('combobox', { name: 'Zeitzone' }).selectOption('Europe/Berlin');
  await page.getByRole('textbox', { name: /Interessen/ }).fill('Kubernetes, Rust,  Testing');
  await page.getByRole('button', { name: 'Profil speichern' }).click();
  await expect(page.getByRole('status')).toHaveText('Dein Profil wurde gespeichert.');

  const preview = page.getByRole('region', { name: 'Dein Profil' });
  await expect(preview.getByText('Ada Lovelace')).toBeVisible();
  await expect(preview.getByTestId('profile-handle')).toHaveText(`@${handle}`);
  await expect(preview.getByTestId('profile-place')).toHaveText('Berlin, Deutschland');
  await expect(preview.getByTestId('profile-bio').locator('strong')).toHaveText(
    'Analytische Maschinen'
  );
  await expect(preview.getByTestId('profile-tags').getByRole('listitem')).toHaveText([
    'kubernetes',
    'rust',
    'testing'
  ]);
  // Saved, not just echoed: a fresh load shows the same values.
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Anzeigename' })).toHaveValue('Ada Lovelace');
  await expect(page.getByRole('combobox', { name: 'Zeitzone' })).toHaveValue('Europe/Berlin');
  await expect(page.getByRole('textbox', { name: /Interessen/ })).toHaveValue(
    'kubernetes, rust, testing'
  );

  // Create an API token and use it.
  await page
    .getByRole('navigation', { name: 'Einstellungen' })
    .getByRole('link', { name: 'API-Tokens' })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API-Tokens');
  await page.getByRole('textbox', { name: 'Name' }).fill('e2e-Skript');
  await page.getByRole('radio', { name: 'Lesen', exact: true }).check();
  await page.getByRole('button', { name: 'Token erstellen' }).click();
  const secretField = page.getByRole('textbox', { name: 'Token', exact: true });
  await expect(secretField).toHaveValue(/^gh_/);
  const secret = await secretField.inputValue();

  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect(((await me.json()) as { email: string }).email).toBe(account.email);

  // Revoke it in the UI: it stops working at once.
  const item = page.getByTestId('token-item').filter({ hasText: 'e2e-Skript' });
  await expect(item).toContainText('Lesen');
  await item.getByRole('button', { name: /Widerrufen/ }).click();
  await expect(page.getByRole('status')).toContainText('„e2e-Skript“ wurde widerrufen');
  await expect(page.getByTestId('token-item')).toHaveCount(0);

  const after = await request.get('/api/v1/me', {
    headers: { authorization: `Bearer ${secret}` }
  });
  expect(after.status()).toBe(401);

  // Log out: the session cookie is gone and the header offers to log in again.
  await page.locator('header').getByRole('button', { name: 'Abmelden' }).click();
  await expect(page.locator('header').getByRole('link', { name: 'Anmelden' })).toBeVisible();
  const left = await page.context().cookies();
  expect(left.find((cookie) => cookie.name.endsWith('guildhall.session_token'))).toBeUndefined();
});
