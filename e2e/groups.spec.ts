import { expect, test, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { createVerifiedAccount, logInThroughForm } from './support/accounts.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

interface NewGroup {
  name: string;
  slug: string;
  tags?: string;
  visibility: 'public' | 'private';
  joinPolicy: 'open' | 'approval';
  questions?: string;
}

/** Fills /groups/new and waits for the new group's page. */
async function createGroup(page: Page, group: NewGroup): Promise<void> {
  await page.goto('/groups/new');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Start a group');
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(group.name);
  await page.getByRole('textbox', { name: 'Web address' }).fill(group.slug);
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill(`We meet to talk about **${group.name}**.`);
  if (group.tags) await page.getByRole('textbox', { name: 'Tags' }).fill(group.tags);
  await page.getByRole('textbox', { name: 'City' }).fill('Berlin');
  await page.getByRole('combobox', { name: 'Visibility' }).selectOption(group.visibility);
  await page.getByRole('combobox', { name: 'Who can join' }).selectOption(group.joinPolicy);
  if (group.questions) {
    await page.getByRole('textbox', { name: 'Questions for people' }).fill(group.questions);
  }
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(new RegExp(`/groups/${group.slug}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(group.name);
}

test('organizers create groups; a member finds one, joins it, and is approved for another', async ({
  browser,
  request
}) => {
  const id = randomUUID().slice(0, 8);
  const open: NewGroup = {
    name: `Rust Hackers ${id}`,
    slug: `rust-hackers-${id}`,
    tags: `rust, systems-${id}`,
    visibility: 'public',
    joinPolicy: 'open'
  };
  const question = 'Which team are you in?';
  const approval: NewGroup = {
    name: `Platform Guild ${id}`,
    slug: `platform-guild-${id}`,
    tags: 'platform',
    visibility: 'private',
    joinPolicy: 'approval',
    questions: question
  };

  // A: the account the setup project logged in, starts both groups.
  const contextA = await browser.newContext({ storageState: SIGNED_IN_STATE });
  const a = await contextA.newPage();
  await createGroup(a, open);
  await expect(a.getByText('You are a member of this group (Owner).')).toBeVisible();
  await createGroup(a, approval);

  // B: a new account, in a browser without JavaScript (every step is a plain form or link),
  // finds the public group by tag and text.
  const accountB = await createVerifiedAccount(request, 'groups-b');
  const contextB = await browser.newContext({ javaScriptEnabled: false });
  const b = await contextB.newPage();
  await logInThroughForm(b, accountB);
  await b.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
  await expect(b.getByRole('heading', { level: 1 })).toHaveText('Find groups');
  const search = b.getByRole('search', { name: 'Search groups' });
  await search.getByRole('searchbox', { name: 'Search' }).fill('Rust');
  await search.getByRole('textbox', { name: 'Tags' }).fill(`systems-${id}`);
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(b).toHaveURL(new RegExp(`tags=systems-${id}`));
  const results = b.getByRole('region', { name: 'Results' });
  await expect(results.getByRole('article')).toHaveCount(1);
  await results.getByRole('link', { name: open.name }).click();

  // B joins the open group at once.
  await expect(b.getByRole('heading', { level: 1 })).toHaveText(open.name);
  await b.getByRole('button', { name: 'Join group' }).click();
  await expect(b.getByRole('status')).toHaveText('Welcome! You are now a member.');
  await expect(b.getByText('You are a member of this group (Member).')).toBeVisible();
  await expect(b.getByText('2 members')).toBeVisible();

  // B asks to join the private approval group: outsiders see only its name and description.
  await b.goto(`/groups/${approval.slug}`);
  await expect(b.getByText('This group is private: members see its details.')).toBeVisible();
  await expect(b.getByRole('link', { name: 'Member directory' })).toHaveCount(0);
  await b.getByRole('textbox', { name: `Answer to: ${question}` }).fill('Team Ops');
  await b.getByRole('button', { name: 'Ask to join' }).click();
  await expect(b.getByRole('status')).toHaveText(
    'Your request was sent. An organizer will look at it soon.'
  );
  await expect(b.getByRole('button', { name: 'Withdraw request' })).toBeVisible();

  // The home page lists both, the request as pending.
  await b.goto('/');
  const mine = b.getByRole('region', { name: 'My groups' });
  await expect(mine.getByRole('link', { name: open.name })).toBeVisible();
  await expect(mine.getByRole('listitem').filter({ hasText: approval.name })).toContainText(
    'Request pending'
  );

  // A approves the request, seeing the answer.
  await a.goto(`/groups/${approval.slug}`);
  await a.getByRole('link', { name: 'Join requests' }).click();
  const requestCard = a.getByRole('article', { name: accountB.displayName });
  await expect(requestCard).toContainText(question);
  await expect(requestCard).toContainText('Team Ops');
  await requestCard.getByRole('button', { name: 'Approve' }).click();
  await expect(a.getByRole('status')).toHaveText(`${accountB.displayName} is now a member.`);
  await expect(a.getByText('No requests are waiting.')).toBeVisible();

  // B now sees the group's details.
  await b.goto(`/groups/${approval.slug}`);
  await expect(b.getByText('You are a member of this group (Member).')).toBeVisible();
  await expect(b.getByText('This group is private: members see its details.')).toHaveCount(0);
  await expect(b.getByRole('link', { name: 'Member directory' })).toBeVisible();
  await b.getByRole('link', { name: 'Member directory' }).click();
  await expect(b.getByRole('heading', { level: 2, name: accountB.displayName })).toBeVisible();

  await contextA.close();
  await contextB.close();
});
