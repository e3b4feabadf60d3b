import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount } from './support/accounts.ts';
import { ADMIN_STATE, createMember } from './support/admin.ts';
import { postGroup } from './support/groups.ts';
import { loggedInContext } from './support/practice.ts';
import { hydrated } from './support/session.ts';

// An admin suspends an account in the admin area: the person is logged out everywhere and cannot
// log in; the audit log shows it; lifting the suspension lets them in again.

test('an admin suspends an account and lifts the suspension', async ({ browser }) => {
  const member = newAccount('suspend');
  await createMember(member);
  const memberContext = await loggedInContext(browser, member);
  expect((await memberContext.request.get('/api/v1/me')).status()).toBe(200);

  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const page = await admin.newPage();
  await page.goto('/admin/users');
  await hydrated(page);
  await page.getByLabel('Name, handle or email address').fill(member.email);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page.getByRole('cell', { name: member.email })).toBeVisible();
  await page.getByRole('button', { name: `Suspend ${member.displayName}` }).click();
  await expect(page.getByRole('status')).toContainText(
    `${member.displayName} is suspended: logged out everywhere`
  );
  await expect(page.getByRole('row', { name: new RegExp(member.email) })).toContainText(
    'Suspended'
  );

  // Logged out at once, and the form says why the right password does not get in.
  expect((await memberContext.request.get('/api/v1/me')).status()).toBe(401);
  const memberPage = await memberContext.newPage();
  await memberPage.goto('/log-in');
  await memberPage.locator('input[name="email"]').fill(member.email);
  await memberPage.locator('input[name="password"]').fill(member.password);
  await memberPage.locator('main form[action="?/logIn"] button[type="submit"]').click();
  await expect(memberPage.locator('main')).toContainText('This account is suspended.');

  await page.goto('/admin/audit');
  await expect(page.getByRole('row', { name: /user\.suspended/ }).first()).toContainText(
    member.displayName
  );

  await page.goto(`/admin/users?q=${encodeURIComponent(member.email)}`);
  await hydrated(page);
  await page.getByRole('button', { name: `Lift suspension of ${member.displayName}` }).click();
  await expect(page.getByRole('status')).toContainText(`${member.displayName} can log in again.`);
  const again = await memberContext.request.post('/api/v1/auth/log-in', {
    headers: { origin: new URL(page.url()).origin },
    data: { email: member.email, password: member.password }
  });
  expect(again.status()).toBe(200);

  await memberContext.close();
  await admin.close();
});

test('the admin area is not there for members', async ({ browser }) => {
  const member = newAccount('not-admin');
  await createMember(member);
  const context = await loggedInContext(browser, member);
  const page = await context.newPage();
  for (const path of ['/admin/users', '/admin/groups', '/admin/settings', '/admin/audit']) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
  }
  await context.close();
});

// An admin hides a group from the instance (without JavaScript): a visitor no longer finds it and
// gets a 404, its owner sees why on the group page; showing it again brings it back.

test('an admin hides a group from the instance and shows it again', async ({ browser }) => {
  const id = randomUUID().slice(0, 8);
  const group = { slug: `takedown-${id}`, name: `Giveaway Club ${id}` };
  const owner = newAccount('takedown');
  await createMember(owner);
  const ownerContext = await loggedInContext(browser, owner);
  await postGroup(ownerContext.request, { ...group, description: 'Free crypto for everyone' });
  const visitor = await browser.newContext();
  const visitorPage = await visitor.newPage();
  const searchFor = async () => {
    await visitorPage.goto(`/groups?q=${id}`);
    return visitorPage.getByRole('link', { name: group.name });
  };
  await expect(await searchFor()).toBeVisible();

  // The admin's forms work without JavaScript.
  const admin = await browser.newContext({ storageState: ADMIN_STATE, javaScriptEnabled: false });
  const page = await admin.newPage();
  await page.goto('/settings');
  await page
    .getByRole('navigation', { name: 'Settings' })
    .getByRole('link', { name: 'Groups' })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Groups');
  await page.getByLabel('Name or address').fill(group.slug);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  const row = page.getByRole('row', { name: new RegExp(group.name) });
  await expect(row).toContainText(owner.displayName);
  // A reason is required: the field says so, and nothing is hidden.
  await page.getByRole('button', { name: `Hide ${group.name} from this instance` }).click();
  const reason = page.getByRole('textbox', { name: `Why hide ${group.name} from this instance` });
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(row).toContainText('Must not be empty.');
  await reason.fill('Crypto scam');
  await page.getByRole('button', { name: `Hide ${group.name} from this instance` }).click();
  await expect(page.getByRole('status')).toContainText(
    `${group.name} is hidden from this instance`
  );
  await expect(row).toContainText('Hidden from this instance');
  await expect(row).toContainText('Reason: Crypto scam');
  // Handing the group over is the group's own form, which admins may use too.
  await row.getByRole('link', { name: `Hand ${group.name} over` }).click();
  await expect(page).toHaveURL(new RegExp(`/groups/${group.slug}/edit#transfer-title$`));
  await expect(page.getByRole('heading', { name: 'Hand the group over' })).toBeVisible();

  // Gone for the visitor: not found, not in the search.
  expect((await visitorPage.goto(`/groups/${group.slug}`))?.status()).toBe(404);
  expect((await visitor.request.get(`/api/v1/groups/${group.slug}`)).status()).toBe(404);
  await expect(await searchFor()).toHaveCount(0);
  // Its owner keeps it and is told why.
  const ownerPage = await ownerContext.newPage();
  await ownerPage.goto(`/groups/${group.slug}`);
  const banner = ownerPage.getByRole('region', {
    name: 'An administrator has hidden this group from this instance'
  });
  await expect(banner).toContainText('Reason: Crypto scam');

  await page.goto('/admin/audit');
  await expect(page.getByRole('row', { name: /group\.hidden-by-admin/ }).first()).toContainText(
    group.name
  );

  await page.goto('/admin/groups?hidden=true');
  await page.getByRole('button', { name: `Show ${group.name} again` }).click();
  await expect(page.getByRole('status')).toContainText(`${group.name} is shown again`);
  expect((await visitorPage.goto(`/groups/${group.slug}`))?.status()).toBe(200);
  await expect(await searchFor()).toBeVisible();

  await visitor.close();
  await ownerContext.close();
  await admin.close();
});

test('an admin sends a test mail from the instance settings', async ({ browser }) => {
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const page = await admin.newPage();
  await page.goto('/admin/settings');
  await hydrated(page);
  await expect(page.getByLabel('Sign-ups')).toHaveValue('open');
  await page.getByRole('button', { name: 'Send a test mail' }).click();
  await expect(page.getByRole('status')).toContainText('A test mail to');
  await admin.close();
});
