import { expect, test as setup } from '@playwright/test';
import { newAccount } from './support/accounts.ts';
import { ADMIN_STATE, createAdmin } from './support/admin.ts';
import { BASE_URL } from './support/server.ts';

// An instance admin for what only admins may do (networks and their chapters). Logged in once
// through the API: the log-in rate limit is shared by the whole run.
setup('an instance admin, logged in', async ({ request }) => {
  const admin = newAccount('admin');
  await createAdmin(admin);
  const logIn = await request.post('/api/v1/auth/log-in', {
    headers: { origin: BASE_URL },
    data: { email: admin.email, password: admin.password }
  });
  expect(logIn.status()).toBe(200);
  expect((await logIn.json()) as { user: { isAdmin: boolean } }).toMatchObject({
    user: { isAdmin: true }
  });
  await request.storageState({ path: ADMIN_STATE });
});
