import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { bringFiguresUpToDate, seedHealthGroup } from './support/health.ts';
import { sameSession } from './support/room.ts';

// An organizer opens the community health dashboard of a group with a history (three meetings in
// the past, a regular who came to all three and then nothing, a member who did not come once):
// the charts have a column per month and a point per meeting with check-in, a CSV downloads, the
// settings form works without JavaScript, and the organizer writes to the member who has gone
// quiet. A member who is not staff finds neither the dashboard nor the list.

/** The chart (figure) with this caption. */
function chart(page: Page, caption: string) {
  return page.locator('figure', { has: page.locator('figcaption', { hasText: caption }) });
}

test('an organizer reads the dashboard, downloads a CSV and writes to a member gone quiet', async ({
  browser
}) => {
  // Seeding makes three accounts with the CLI and a history; the steps then walk five pages.
  test.setTimeout(240_000);
  const group = await seedHealthGroup(browser, 'health');
  await bringFiguresUpToDate();
  const page = await group.owner.newPage();

  await test.step('the dashboard shows the charts with their columns and points', async () => {
    const response = await page.goto(`/groups/${group.slug}/health`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toHaveText(`Community health of ${group.name}`);
    await expect(page.getByTestId('figures-as-of')).toContainText('Figures as of');
    // The last 12 months: one column each, and a point each for the members at month end.
    await expect(chart(page, 'Meetings per month').locator('[data-bar]')).toHaveCount(12);
    await expect(
      chart(page, 'Members at the end of each month').locator('[data-point]')
    ).toHaveCount(12);
    await expect(chart(page, 'Joins and leaves per month').locator('[data-bar]')).toHaveCount(24);
    // Three meetings took place, each with check-in: a point each on the no-show chart.
    await expect(chart(page, 'No-show rate per meeting').locator('[data-point]')).toHaveCount(3);
    await expect(chart(page, 'Going and attended per meeting').locator('[data-bar]')).toHaveCount(
      6
    );
    await expect(page.getByTestId('no-show-trend')).toContainText('falling');
    // Every chart is an image with a name, and its numbers stand in a table beside it.
    const svg = chart(page, 'No-show rate per meeting').locator('svg[role="img"]');
    await expect(svg.locator(':scope > title')).toHaveText('No-show rate per meeting');
    await expect(chart(page, 'No-show rate per meeting').locator('table tbody tr')).toHaveCount(3);
    await expect(page.getByTestId('quiet-count')).toContainText('1 regular');
  });

  await test.step('a table downloads as CSV', async () => {
    const downloading = page.waitForEvent('download');
    await page.locator('a[data-csv="members"]').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^${group.slug}-health-members-\\d{4}-\\d{2}-\\d{2}\\.csv$`)
    );
    const file = await download.path();
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    expect(text.split('\r\n')[0]).toBe('Month,Joined,Left,Members at month end');
    expect(text.trim().split('\r\n')).toHaveLength(13);
  });

  await test.step('the settings form works without JavaScript', async () => {
    const plain = await sameSession(browser, group.owner, { javaScriptEnabled: false });
    const form = await plain.newPage();
    await form.goto(`/groups/${group.slug}/health`);
    await form.getByLabel('Participation window (days)').fill('10');
    await form.getByLabel('Make the figures public').check();
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.locator('#windowDays-error')).toBeVisible();
    await expect(form.getByLabel('Participation window (days)')).toHaveValue('10');
    await form.getByLabel('Participation window (days)').fill('120');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.getByRole('status')).toContainText('The settings were saved.');
    await expect(form.getByLabel('Participation window (days)')).toHaveValue('120');
    await expect(form.getByLabel('Make the figures public')).toBeChecked();
    await plain.close();
  });

  await test.step('the organizer writes to the member who has gone quiet', async () => {
    await page.getByRole('link', { name: 'See who has gone quiet' }).click();
    await expect(page).toHaveURL(new RegExp(`/groups/${group.slug}/health/quiet$`));
    const card = page.getByTestId('quiet-member');
    await expect(card).toHaveCount(1);
    await expect(
      card.getByRole('link', { name: group.regular.account.displayName })
    ).toHaveAttribute('href', `/people/${group.regular.handle}`);
    await expect(card).toContainText('3 of 6 meetings');
    await card.getByText(`Write to ${group.regular.account.displayName}`).click();
    // Nothing written: the form says so next to the field.
    await card.getByRole('button', { name: 'Send message' }).click();
    await expect(page.locator('#body-error')).toBeVisible();
    await page
      .getByTestId('quiet-member')
      .getByLabel('Your message')
      .fill(
        'We have not seen you for a while. Come to the next meetup, we would love to hear from you.'
      );
    await page.getByTestId('quiet-member').getByRole('button', { name: 'Send message' }).click();
    await expect(page.getByRole('status')).toContainText(
      `Your message to ${group.regular.account.displayName} was sent.`
    );
    await expect(page.getByTestId('quiet-member')).not.toContainText('Not yet');
    // A second message within a week is refused.
    await page
      .getByTestId('quiet-member')
      .getByText(/^Write to/)
      .click();
    await page.getByTestId('quiet-member').getByLabel('Your message').fill('Once more.');
    await page.getByTestId('quiet-member').getByRole('button', { name: 'Send message' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
  });

  await test.step('a member who is not staff finds neither page, but the public figures', async () => {
    const memberPage = await group.member.context.newPage();
    const quiet = await memberPage.goto(`/groups/${group.slug}/health/quiet`);
    expect(quiet?.status()).toBe(404);
    const csv = await group.member.context.request.get(
      `/api/v1/groups/${group.slug}/health.csv?table=members`
    );
    expect(csv.status()).toBe(404);
    // The figures were made public above: the same address shows them, without names.
    const open = await memberPage.goto(`/groups/${group.slug}/health`);
    expect(open?.status()).toBe(200);
    await expect(chart(memberPage, 'Meetings per month').locator('[data-bar]')).toHaveCount(12);
    await expect(memberPage.locator('a[data-csv]')).toHaveCount(0);
    await expect(memberPage.getByText('See who has gone quiet')).toHaveCount(0);
  });

  await test.step('opting out takes the member off the list at once', async () => {
    const settings = await group.regular.context.newPage();
    await settings.goto('/settings');
    await settings.getByLabel("Don't list me to organizers when I have gone quiet").check();
    await settings.locator('form[action="?/healthOptOut"] button[type="submit"]').click();
    await expect(settings.locator('form[action="?/healthOptOut"] [role="status"]')).toBeVisible();
    await page.goto(`/groups/${group.slug}/health/quiet`);
    await expect(page.getByTestId('quiet-member')).toHaveCount(0);
    await expect(page.getByText('Nobody has gone quiet.')).toBeVisible();
  });

  await group.owner.close();
  await group.regular.context.close();
  await group.member.context.close();
});

test('a member who is not staff gets no dashboard while the figures are private', async ({
  browser
}) => {
  test.setTimeout(120_000);
  const group = await seedHealthGroup(browser, 'health-private');
  const page = await group.member.context.newPage();
  expect((await page.goto(`/groups/${group.slug}/health`))?.status()).toBe(404);
  expect((await page.goto(`/groups/${group.slug}/health/quiet`))?.status()).toBe(404);
  // The group page links the dashboard for organizers only.
  await page.goto(`/groups/${group.slug}`);
  await expect(page.locator(`a[href="/groups/${group.slug}/health"]`)).toHaveCount(0);
  const owner = await group.owner.newPage();
  await owner.goto(`/groups/${group.slug}`);
  await expect(owner.getByRole('link', { name: 'Community health' })).toBeVisible();
  await group.owner.close();
  await group.regular.context.close();
  await group.member.context.close();
});
