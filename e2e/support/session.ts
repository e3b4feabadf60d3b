import path from 'node:path';
import type { Page } from '@playwright/test';
import { DATA_DIR } from './server.ts';

/** Cookies of an account that `signed-in.setup.ts` created, verified and logged in. */
export const SIGNED_IN_STATE = path.join(DATA_DIR, '..', 'e2e-signed-in.json');

/**
 * Waits until the page has hydrated. Text typed before then may be reset by hydration, and a
 * click may go to the plain form instead of the enhanced one.
 */
export async function hydrated(page: Page): Promise<void> {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}
