import { expect, request, type APIRequestContext } from '@playwright/test';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Account } from './accounts.ts';
import { BASE_URL, DATA_DIR } from './server.ts';

/** Cookies of the instance admin that `admin.setup.ts` created and logged in. */
export const ADMIN_STATE = path.join(DATA_DIR, '..', 'e2e-admin.json');

/**
 * Creates a verified account with the CLI (`guildhall create-admin` or `create-user`), against the
 * e2e server's database: the API has no way to make an admin, by design, and sign-ups share one
 * rate limit for the whole run.
 */
async function createWithCli(command: 'create-admin' | 'create-user', account: Account) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      'src/cli/main.ts',
      command,
      '--email',
      account.email,
      '--name',
      account.displayName,
      '--password',
      account.password
    ],
    {
      env: {
        ...process.env,
        DATA_DIR,
        DATABASE_URL: '',
        BASE_URL,
        SMTP_URL: '',
        LOG_LEVEL: 'warn'
      },
      timeout: 30_000
    }
  );
  expect(stdout).toContain(command === 'create-admin' ? 'admin' : 'account');
}

/** A verified instance admin. */
export async function createAdmin(account: Account): Promise<void> {
  await createWithCli('create-admin', account);
}

/** A verified account without admin rights (an admin would host every room). */
export async function createMember(account: Account): Promise<void> {
  await createWithCli('create-user', account);
}

/** An API client with the admin's session; dispose it when done. */
export async function adminApi(): Promise<APIRequestContext> {
  return request.newContext({ baseURL: BASE_URL, storageState: ADMIN_STATE });
}

/**
 * Creates the network `slug` unless it exists and makes `groups` its chapters (both idempotent,
 * so parallel workers may call it for the same network).
 */
export async function ensureNetwork(
  network: { slug: string; name: string; description: string },
  groups: readonly string[]
): Promise<void> {
  const api = await adminApi();
  const headers = { origin: BASE_URL };
  const created = await api.post('/api/v1/networks', { headers, data: network });
  // 201 for the first caller, a "slug taken" 400 for the next: either way the network exists.
  expect([201, 400]).toContain(created.status());
  for (const group of groups) {
    const chapter = await api.put(
      `/api/v1/networks/${network.slug}/chapters/${encodeURIComponent(group)}`,
      { headers }
    );
    expect(chapter.status(), `attach ${group}`).toBe(204);
  }
  await api.dispose();
}
