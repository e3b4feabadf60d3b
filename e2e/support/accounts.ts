import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { linkFromNewestMail } from './mail.ts';
import { BASE_URL } from './server.ts';

export interface Account {
  email: string;
  password: string;
  displayName: string;
}

/** A new, never-used address and a password the API accepts. */
export function newAccount(label: string): Account {
  const id = randomUUID().slice(0, 8);
  return {
    email: `${label}-${id}@example.com`,
    password: `quiet harbour lantern ${id}`,
    displayName: `Ada ${label} ${id}`
  };
}

/** Signs up and verifies through the API (for tests that are not about those pages). */
export async function createVerifiedAccount(
  request: APIRequestContext,
  label: string
): Promise<Account> {
  const account = newAccount(label);
  const headers = { origin: BASE_URL };
  const signUp = await request.post('/api/v1/auth/sign-up', {
    headers,
    data: {
      email: account.email,
      password: account.password,
      displayName: account.displayName
    }
  });
  expect(signUp.status()).toBe(202);
  const link = new URL(await linkFromNewestMail(account.email, '/verify-email'));
  const verify = await request.post('/api/v1/auth/verify-email', {
    headers,
    data: { token: link.searchParams.get('token') }
  });
  expect(verify.status()).toBe(200);
  return account;
}

/** Logs in through the page's form and waits until the header shows the signed-in navigation. */
export async function logInThroughForm(page: Page, account: Account): Promise<void> {
  await page.goto('/log-in');
  await page.locator('input[name="email"]').fill(account.email);
  await page.locator('input[name="password"]').fill(account.password);
  await page.locator('main form[action="?/logIn"] button[type="submit"]').click();
  await expect(page.locator('header form[action="/log-out"]')).toBeVisible();
}
