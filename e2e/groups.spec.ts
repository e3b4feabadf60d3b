import { expect, test, type Locator, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { createVerifiedAccount, logInThroughForm } from './support/accounts.ts';
import { ensureNetwork } from './support/admin.ts';
import { PLACES, postGroup, signedInApi } from './support/groups.ts';
import { hydrated, SIGNED_IN_STATE } from './support/session.ts';

interface NewGroup {
  name: string;
  slug: string;
  tags?: string;
  visibility: 'public' | 'private';
  joinPolicy: 'open' | 'approval';
  questions?: string;
  /** Berlin unless given; coordinates let the group be found by distance. */
  place?: { city: string; latitude: number; longitude: number };
}

/** The field is marked invalid and points to a visible, non-empty message. */
async function expectFieldError(field: Locator): Promise<void> {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  expect(errorId, 'aria-describedby names the error message').toBeTruthy();
  const message = field.page().locator(`[id="${errorId ?? ''}"]`);
  await expect(message).toBeVisible();
  await expect(message).not.toBeEmpty();
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
  await page.getByRole('textbox', { name: 'City' }).fill(group.place?.city ?? 'Berlin');
  if (group.place) {
    await page.getByRole('textbox', { name: 'Latitude' }).fill(String(group.place.latitude));
    await page.getByRole('textbox', { name: 'Longitude' }).fill(String(group.place.longitude));
  }
  await page.getByRole('combobox', { name: 'Visibility' }).selectOption(group.visibility);
  await page.getByRole('combobox', { name: 'Who can join' }).selectOption(group.joinPolicy);
  if (group.questions) {
    await page.getByRole('textbox', { name: 'Questions for people' }).fill(group.questions);
  }
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(new RegExp(`/groups/${group.slug}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(group.name);
}

test('organizers create groups; a member finds one by tag and city, joins it, and is approved for another', async ({
  browser,
  request
}) => {
  const id = randomUUID().slice(0, 8);
  const open: NewGroup = {
    name: `Rust Hackers ${id}`,
    slug: `rust-hackers-${id}`,
    tags: `rust, systems-${id}`,
    visibility: 'public',
    joinPolicy: 'open',
    place: PLACES.munich
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
  // A group with the same tag in another city, which a search near München must leave out.
  const api = await signedInApi();
  await postGroup(api, {
    slug: `rust-berlin-${id}`,
    name: `Rust Berlin ${id}`,
    tags: [`systems-${id}`],
    ...PLACES.berlin
  });
  await api.dispose();

  // B: a new account, in a browser without JavaScript (every step is a plain form or link),
  // finds the public group by tag and city name.
  const accountB = await createVerifiedAccount(request, 'groups-b');
  const contextB = await browser.newContext({ javaScriptEnabled: false });
  const b = await contextB.newPage();
  await logInThroughForm(b, accountB);
  await b.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
  await expect(b.getByRole('heading', { level: 1 })).toHaveText('Find groups');
  const search = b.getByRole('search', { name: 'Search groups' });
  await search.getByRole('textbox', { name: 'Tags' }).fill(`systems-${id}`);
  await search.getByRole('combobox', { name: 'City' }).fill('München');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(b).toHaveURL(new RegExp(`tags=systems-${id}`));
  await expect(b).toHaveURL(/city=M%C3%BCnchen/);
  await expect(search.getByRole('combobox', { name: 'City' })).toHaveValue('München');
  const results = b.getByRole('region', { name: 'Results' });
  // The city is resolved on the server; the page says which place it took.
  await expect(results.getByText('Within 50 km of Munich, Germany.')).toBeVisible();
  await expect(results.getByRole('article')).toHaveCount(1);
  await expect(results.getByRole('article')).toContainText('München');
  await results.getByRole('link', { name: open.name }).click();

  // B joins the open group at once.
  await expect(b.getByRole('heading', { level: 1 })).toHaveText(open.name);
  await b.getByRole('button', { name: 'Join group' }).click();
  await expect(b.getByRole('status')).toHaveText('Welcome! You are now a member.');
  await expect(b.getByText('You are a member of this group (Member).')).toBeVisible();
  await expect(b.getByText('2 members')).toBeVisible();

  // B chooses mail only about meetings they answered and leaves the member directory.
  await b.getByRole('combobox', { name: 'Mail about meetings' }).selectOption('going');
  await b.getByRole('checkbox', { name: 'Leave me out of the member directory' }).check();
  await b.getByRole('button', { name: 'Save settings' }).click();
  await expect(b.getByText('Your settings are saved.')).toBeVisible();
  await b.reload();
  await expect(b.getByRole('combobox', { name: 'Mail about meetings' })).toHaveValue('going');
  await expect(
    b.getByRole('checkbox', { name: 'Leave me out of the member directory' })
  ).toBeChecked();

  // A plain member may not change the group: no link, and the edit page does not exist for them.
  await expect(b.getByRole('link', { name: 'Edit group' })).toHaveCount(0);
  const edit = await b.goto(`/groups/${open.slug}/edit`);
  expect(edit?.status()).toBe(404);
  await expect(b.getByRole('heading', { level: 1 })).toHaveText('Page not found');

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

test('an unknown city is refused next to the city field', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/groups');
  const search = page.getByRole('search', { name: 'Search groups' });
  const city = search.getByRole('combobox', { name: 'City' });
  await city.fill('Nowhere Upon Nothing');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/city=Nowhere/);
  await expect(page.getByRole('alert')).toHaveText('Please check the fields marked below.');
  await expectFieldError(city);
  await expect(page.locator('#city-error')).toContainText('Nowhere Upon Nothing');
  await expect(city).toHaveValue('Nowhere Upon Nothing');
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('article')).toHaveCount(0);
  await context.close();
});

test('with JavaScript, the city field suggests places as one types', async ({ page }) => {
  await page.goto('/groups');
  const city = page.getByRole('search', { name: 'Search groups' }).getByRole('combobox', {
    name: 'City'
  });
  await expect(city).toHaveAttribute('list', 'city-places');
  // Shown once the page's script runs, like the suggestions.
  await expect(page.getByRole('button', { name: 'Use my location' })).toBeVisible();
  await city.pressSequentially('Muench');
  // Any spelling finds the place; the suggestion is its name in the data (GeoNames: "Munich").
  await expect(page.locator('#city-places option[value="Munich"]')).toHaveCount(1);
  await expect(page.locator('#city-places option[value="Munich"]')).toHaveAttribute(
    'label',
    'Germany'
  );
});

test('organizers edit their group, also without JavaScript; a new address moves the page', async ({
  browser
}) => {
  const id = randomUUID().slice(0, 8);
  const slug = `kotlin-koeln-${id}`;
  const name = `Kotlin Köln ${id}`;
  const api = await signedInApi();
  await postGroup(api, { slug, name, tags: ['kotlin'], ...PLACES.cologne });
  await api.dispose();

  // Without JavaScript: the group page links to the form, which holds the group's settings.
  const plain = await browser.newContext({
    storageState: SIGNED_IN_STATE,
    javaScriptEnabled: false
  });
  const a = await plain.newPage();
  await a.goto(`/groups/${slug}`);
  await a.getByRole('link', { name: 'Edit group' }).click();
  await expect(a).toHaveURL(new RegExp(`/groups/${slug}/edit$`));
  await expect(a.getByRole('heading', { level: 1 })).toHaveText(`Edit ${name}`);
  const nameField = a.getByRole('textbox', { name: 'Name', exact: true });
  await expect(nameField).toHaveValue(name);
  await expect(a.getByRole('textbox', { name: 'City' })).toHaveValue('Köln');
  await expect(a.getByRole('textbox', { name: 'Tags' })).toHaveValue('kotlin');

  // A bad address: refused next to its field, and what was typed is still there.
  const renamed = `Kotlin User Group Köln ${id}`;
  await nameField.fill(renamed);
  const website = a.getByRole('textbox', { name: 'Website' });
  await website.fill('not a web address');
  await a.getByRole('button', { name: 'Save changes' }).click();
  await expect(a.getByRole('alert')).toHaveText('Please check the fields marked below.');
  await expectFieldError(website);
  await expect(nameField).toHaveValue(renamed);

  await website.fill('https://kotlin.example.org');
  await a.getByRole('button', { name: 'Save changes' }).click();
  await expect(a.getByRole('status')).toHaveText('Your changes have been saved.');
  await expect(a).toHaveURL(new RegExp(`/groups/${slug}/edit`));
  await expect(nameField).toHaveValue(renamed);
  await a.getByRole('link', { name: `Back to ${renamed}` }).click();
  await expect(a.getByRole('heading', { level: 1 })).toHaveText(renamed);
  await expect(a.getByRole('link', { name: 'Website' })).toHaveAttribute(
    'href',
    'https://kotlin.example.org'
  );
  await plain.close();

  // With JavaScript: a new web address moves the page, the old address is gone.
  const context = await browser.newContext({ storageState: SIGNED_IN_STATE });
  const page = await context.newPage();
  await page.goto(`/groups/${slug}/edit`);
  // Type only once the page is hydrated: hydration would put back the value the server rendered.
  await hydrated(page);
  const address = page.getByRole('textbox', { name: 'Web address' });
  await address.fill(`${slug}-ug`);
  await expect(address).toHaveValue(`${slug}-ug`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(new RegExp(`/groups/${slug}-ug/edit\\?saved$`));
  await expect(page.getByRole('status')).toHaveText('Your changes have been saved.');
  await expect(page.getByRole('textbox', { name: 'Web address' })).toHaveValue(`${slug}-ug`);
  expect((await page.goto(`/groups/${slug}`))?.status()).toBe(404);
  await context.close();

  // Visitors are asked to log in first.
  const visitor = await browser.newContext();
  const v = await visitor.newPage();
  await v.goto(`/groups/${slug}-ug/edit`);
  await expect(v).toHaveURL(new RegExp(`/log-in\\?next=%2Fgroups%2F${slug}-ug%2Fedit$`));
  await visitor.close();
});

test('a network page lists its chapters, each with its place, size and next meeting', async ({
  browser
}) => {
  const id = randomUUID().slice(0, 8);
  const munich = { slug: `jug-muenchen-${id}`, name: `JUG München ${id}` };
  const berlin = { slug: `jug-berlin-${id}`, name: `JUG Berlin ${id}` };
  const api = await signedInApi();
  await postGroup(api, { ...munich, tags: ['java'], ...PLACES.munich });
  await postGroup(api, { ...berlin, tags: ['java'], ...PLACES.berlin });
  await api.dispose();
  const network = {
    slug: `java-user-groups-${id}`,
    name: `Java User Groups ${id}`,
    description: 'Java user groups in many cities.'
  };
  await ensureNetwork(network, [munich.slug, berlin.slug]);

  // Anyone may look, without an account.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`/networks/${network.slug}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(network.name);
  await expect(page.getByText(network.description)).toBeVisible();
  const chapters = page.getByRole('region', { name: 'Chapters' });
  await expect(chapters.getByRole('article')).toHaveCount(2);
  const chapter = chapters.getByRole('article', { name: munich.name });
  await expect(chapter).toContainText('München, Germany');
  await expect(chapter).toContainText('1 member');
  await expect(chapter).toContainText('No meeting scheduled yet');
  await expect(chapters.getByRole('article', { name: berlin.name })).toContainText(
    'No meeting scheduled yet'
  );
  await chapter.getByRole('link', { name: munich.name }).click();
  await expect(page).toHaveURL(new RegExp(`/groups/${munich.slug}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(munich.name);

  expect((await page.goto(`/networks/no-such-network-${id}`))?.status()).toBe(404);
  await context.close();
});
