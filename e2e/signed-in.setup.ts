import { test as setup } from '@playwright/test';
import { createVerifiedAccount, logInThroughForm } from './support/accounts.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// One verified, logged-in account for the tests that are about signed-in pages, not about logging
// in: keeps the log-in and verification rate limits out of their way.
setup('a verified account, logged in', async ({ page, request }) => {
  const account = await createVerifiedAccount(request, 'signed-in');
  await logInThroughForm(page, account);
  await page.context().storageState({ path: SIGNED_IN_STATE });
});
