import { expect, test } from '@playwright/test';
import { memberWithNotification } from './support/notifications.ts';

// A member is told about a new post on a group's board: the header shows the unread count, the
// notifications page lists it, "mark all read" clears the badge, and a changed preference stays.

test('a member reads notifications and changes a preference', async ({ browser }) => {
  const { member, title } = await memberWithNotification(browser, 'notify');
  const page = await member.newPage();
  await page.goto('/');

  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', {
    name: /^Notifications/
  });
  await expect(link).toHaveAccessibleName('Notifications 1 unread');
  await expect(link).toContainText('Notifications (1)');

  await link.click();
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Your notifications' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('link', { name: new RegExp(title) })).toBeVisible();
  await expect(list.getByText('Unread')).toBeVisible();

  await page.getByRole('button', { name: 'Mark all read' }).click();
  await expect(page.getByRole('status')).toContainText('All notifications are marked read.');
  await expect(page.getByTestId('unread-badge')).toHaveCount(0);
  await expect(link).toHaveAccessibleName('Notifications');
  await expect(list.getByText('Unread')).toHaveCount(0);

  await page.goto('/settings');
  await page.getByRole('link', { name: 'Notifications' }).last().click();
  await expect(page).toHaveURL(/\/settings\/notifications$/);
  await expect(page.getByRole('radio', { name: 'New posts: Daily digest' })).toBeChecked();
  await page.getByRole('radio', { name: 'New posts: Weekly digest' }).check();
  await page.getByRole('radio', { name: 'Mentions: Off' }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Your notification settings are saved.');
  await page.reload();
  await expect(page.getByRole('radio', { name: 'New posts: Weekly digest' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'Mentions: Off' })).toBeChecked();
  await expect(page.getByRole('cell', { name: 'Always in the app and by mail' })).toBeVisible();
  await member.close();
});

test('marking read works without JavaScript', async ({ browser }) => {
  const { member, title } = await memberWithNotification(browser, 'notify-nojs');
  const state = await member.storageState();
  await member.close();
  const context = await browser.newContext({ storageState: state, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/notifications');
  const item = page.getByRole('listitem').filter({ hasText: title });
  await item.getByRole('button', { name: /^Mark read:/ }).click();
  await expect(page.getByRole('status')).toContainText('Marked read.');
  await expect(page.getByTestId('unread-badge')).toHaveCount(0);
  await context.close();
});
