import { expect, type Browser, type BrowserContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount } from './accounts.ts';
import { createMember } from './admin.ts';
import { postOnBoard } from './moderation.ts';
import { joinGroup, loggedInContext, postPracticeGroup } from './practice.ts';
import { SIGNED_IN_STATE } from './session.ts';

/**
 * A new member of a new group whose owner (the signed-in account) then posts on the board, so the
 * member has one unread notification. Returns the member's logged-in context and the post title.
 */
export async function memberWithNotification(
  browser: Browser,
  label: string
): Promise<{ member: BrowserContext; title: string; memberName: string }> {
  const id = randomUUID().slice(0, 8);
  const slug = `${label}-${id}`;
  const owner = await browser.newContext({ storageState: SIGNED_IN_STATE });
  await postPracticeGroup(owner.request, { slug, name: `Notifications ${id}` });
  const account = newAccount(label);
  await createMember(account);
  const member = await loggedInContext(browser, account);
  await joinGroup(member.request, slug);
  const title = `Who has tried Playwright traces ${id}`;
  await postOnBoard(owner.request, slug, { title, body: 'Tell us how it went.' });
  await owner.close();
  // The post's activity is dispatched after the commit (a job): wait for the notification.
  await expect
    .poll(
      async () => {
        const res = await member.request.get('/api/v1/me/notifications/unread-count');
        return ((await res.json()) as { unread: number }).unread;
      },
      { message: 'the member is notified of the post', timeout: 15_000 }
    )
    .toBeGreaterThan(0);
  return { member, title, memberName: account.displayName };
}
