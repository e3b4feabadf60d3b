import { expect, test, type Locator } from '@playwright/test';
import { newAccount } from './support/accounts.ts';
import { BASE_URL } from './support/server.ts';

test.use({ javaScriptEnabled: false });

/** The field is marked invalid and points to a visible message. */
async function expectFieldError(field: Locator, message?: RegExp): Promise<void> {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  expect(errorId, 'aria-describedby names the error message').toBeTruthy();
  const error = field.page().locator(`[id="${errorId ?? ''}"]`);
  await expect(error).toBeVisible();
  await expect(error).not.toBeEmpty();
  if (message) await expect(error).toHaveText(message);
}

test('log-in form without JavaScript: per-field errors, then a wrong password', async ({
  page
}) => {
  await page.goto('/log-in');
  const email = page.getByRole('textbox', { name: 'Email address' });
  const password = page.getByLabel('Password');
  const submit = page.locator('main').getByRole('button', { name: 'Log in' });

  // Nothing filled in: each field says what is missing.
  await submit.click();
  await expect(page).toHaveURL(/\/log-in/);
  await expect(page.getByRole('alert')).toHaveText('Please check the fields marked below.');
  await expectFieldError(email);
  await expectFieldError(password);

  // Well-formed but wrong: one message at the top, the address kept, no field blamed.
  await email.fill('nobody-here@example.com');
  await password.fill('not the right password');
  await submit.click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('alert')).not.toHaveText('Please check the fields marked below.');
  await expect(email).toHaveValue('nobody-here@example.com');
  await expect(email).not.toHaveAttribute('aria-invalid', 'true');
  await expect(password).toHaveValue('');
});

test('sign-up without JavaScript: a too-short password is refused next to the field', async ({
  page
}) => {
  const account = newAccount('nojs');
  await page.goto('/sign-up');
  await page.getByRole('textbox', { name: 'Display name' }).fill(account.displayName);
  await page.getByRole('textbox', { name: 'Email address' }).fill(account.email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create your account');
  await expectFieldError(page.getByLabel('Password'), /8/);
  // What was typed is still there; the valid fields are not marked.
  await expect(page.getByRole('textbox', { name: 'Email address' })).toHaveValue(account.email);
  await expect(page.getByRole('textbox', { name: 'Display name' })).not.toHaveAttribute(
    'aria-invalid',
    'true'
  );
});

test('sign-up without JavaScript in German: errors come back in German', async ({ page }) => {
  await page.context().addCookies([{ name: 'guildhall_lang', value: 'de', url: BASE_URL }]);
  await page.goto('/sign-up');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.getByRole('button', { name: 'Konto erstellen' }).click();
  await expect(page.getByRole('alert')).toHaveText('Bitte prüfe die markierten Felder.');
  await expectFieldError(page.getByRole('textbox', { name: 'E-Mail-Adresse' }));
});
