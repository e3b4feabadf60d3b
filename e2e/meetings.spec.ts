import { expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { createVerifiedAccount, type Account } from './support/accounts.ts';
import { ADMIN_STATE } from './support/admin.ts';
import { postGroup, signedInApi } from './support/groups.ts';
import { mailContaining } from './support/mail.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

/** `YYYY-MM-DD` of tomorrow in Berlin, the group's zone. */
function tomorrowInBerlin(): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit'
  }).format(new Date(Date.now() + 24 * 60 * 60 * 1000));
}

/** A browser with `account` logged in through the API (one log-in, no form). */
async function loggedIn(
  browser: Browser,
  account: Account,
  options: { javaScriptEnabled?: boolean } = {}
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  const logIn = await context.request.post('/api/v1/auth/log-in', {
    headers: { origin: BASE_URL },
    data: { email: account.email, password: account.password }
  });
  expect(logIn.status()).toBe(200);
  return context;
}

test('a monthly series: a member comes to all, a full meeting waitlists the next, who moves up and is told by mail', async ({
  browser,
  request
}) => {
  const id = randomUUID().slice(0, 8);
  const slug = `meetup-${id}`;
  const name = `Cloud Native Meetup ${id}`;
  const title = `Cloud Night ${id}`;
  const api = await signedInApi();
  await postGroup(api, { slug, name, tags: ['cloud'], city: 'Berlin', country: 'DE' });
  await api.dispose();

  // The organizer (the account the setup project logged in) plans a monthly series.
  const organizerContext = await browser.newContext({ storageState: SIGNED_IN_STATE });
  const organizer = await organizerContext.newPage();
  await organizer.goto(`/groups/${slug}`);
  await organizer.getByRole('link', { name: 'New series' }).click();
  await expect(organizer.getByRole('heading', { level: 1 })).toHaveText('New series');
  await organizer.getByRole('textbox', { name: 'Title' }).fill(title);
  await organizer.getByRole('combobox', { name: 'Every' }).selectOption('1');
  await organizer.getByRole('combobox', { name: 'Weeks or months' }).selectOption('monthly');
  await organizer.getByRole('combobox', { name: 'On the' }).selectOption('2');
  await organizer.getByRole('combobox', { name: 'Weekday' }).selectOption('TU');
  await organizer.getByLabel('At', { exact: true }).fill('19:00');
  await organizer.getByRole('combobox', { name: 'For' }).selectOption('120');
  await organizer.getByLabel('First day').fill(tomorrowInBerlin());
  await organizer.getByRole('button', { name: 'Create series' }).click();
  await expect(organizer).toHaveURL(new RegExp(`/groups/${slug}/series/[^/?]+\\?created$`));
  await expect(organizer.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(
    organizer.getByText('Every month on the 2nd Tuesday at 19:00 for 2 h')
  ).toBeVisible();
  const upcoming = organizer.getByRole('region', { name: 'Upcoming meetings' });
  await expect(upcoming.getByRole('article').first()).toBeVisible();
  expect(await upcoming.getByRole('article').count()).toBeGreaterThanOrEqual(5);
  // Every meeting is on a Tuesday at 19:00 Berlin time.
  await expect(upcoming.getByRole('article').first()).toContainText(/Tue/);
  await expect(upcoming.getByRole('article').first()).toContainText(/7:00/);
  const seriesUrl = new URL(organizer.url()).pathname;
  const firstLink = upcoming.getByRole('article').first().getByRole('link');
  const meetingUrl = new URL((await firstLink.getAttribute('href')) ?? '', BASE_URL).pathname;
  expect(meetingUrl).toMatch(new RegExp(`^/groups/${slug}/events/[^/]+$`));

  // Member B, in a browser without JavaScript (plain forms), joins and says once: I'll come to all.
  const accountB = await createVerifiedAccount(request, 'meetings-b');
  const contextB = await loggedIn(browser, accountB, { javaScriptEnabled: false });
  const b = await contextB.newPage();
  await b.goto(`/groups/${slug}`);
  await b.getByRole('button', { name: 'Join group' }).click();
  await expect(b.getByRole('status')).toHaveText('Welcome! You are now a member.');
  await b.goto(seriesUrl);
  await expect(b.getByRole('heading', { level: 1 })).toHaveText(title);
  await b.getByRole('button', { name: "I'll come to all" }).click();
  await expect(b.getByRole('status')).toContainText("You're going to every meeting");
  await expect(b.getByRole('button', { name: 'Stop coming to all' })).toBeVisible();
  await b.goto(meetingUrl);
  await expect(b.getByText("You're going.", { exact: true })).toBeVisible();
  await expect(b.getByTestId('check-in-code')).not.toBeEmpty();

  // The organizer makes the first meeting full: one seat, taken by B.
  await organizer.goto(meetingUrl);
  await organizer.getByRole('link', { name: 'Edit meeting' }).click();
  await organizer.getByRole('textbox', { name: 'Seats' }).fill('1');
  await organizer.getByRole('button', { name: 'Save changes' }).click();
  await expect(organizer.getByRole('status')).toContainText('Your changes have been saved.');
  await organizer.goto(meetingUrl);
  await expect(organizer.getByText('1 of 1 seats taken')).toBeVisible();

  // Member C (the instance admin's account, already logged in by the setup) joins and is waitlisted.
  const contextC = await browser.newContext({ storageState: ADMIN_STATE });
  const me = (await (await contextC.request.get('/api/v1/me')).json()) as { email: string };
  const c = await contextC.newPage();
  await c.goto(`/groups/${slug}`);
  await c.getByRole('button', { name: 'Join group' }).click();
  await expect(c.getByRole('status')).toHaveText('Welcome! You are now a member.');
  await c.goto(meetingUrl);
  await expect(c.getByText("All seats are taken: you'll be put on the waitlist.")).toBeVisible();
  await c.getByRole('button', { name: "I'm going" }).click();
  await expect(c.getByRole('status')).toContainText("you're on the waitlist, place 1");
  await expect(c.getByText("You're on the waitlist, place 1.", { exact: true })).toBeVisible();

  // B cannot come after all: the seat goes to C.
  await b.reload();
  await b.getByRole('button', { name: "I can't come after all" }).click();
  await expect(b.getByRole('status')).toContainText('your seat is free for someone else');
  await expect(b.getByText("You said you're not going.")).toBeVisible();

  await c.reload();
  await expect(c.getByText("You're going.", { exact: true })).toBeVisible();
  await expect(c.getByTestId('check-in-code')).not.toBeEmpty();
  const mail = await mailContaining(me.email, `a seat freed up at ${title}`);
  expect(mail).toContain(`${BASE_URL}${meetingUrl}`);
  const code = (await c.getByTestId('check-in-code').textContent())?.trim() ?? '';

  // The page describes the meeting for search engines and link previews.
  const jsonLd = JSON.parse(
    (await c.locator('script[type="application/ld+json"]').textContent()) ?? '{}'
  ) as Record<string, unknown>;
  expect(jsonLd).toMatchObject({
    '@type': 'Event',
    name: title,
    eventStatus: 'https://schema.org/EventScheduled',
    organizer: { '@type': 'Organization', name }
  });
  await expect(c.locator('meta[property="og:title"]')).toHaveAttribute('content', title);

  // At the door, the organizer checks C in by the personal code.
  await organizer.goto(meetingUrl);
  await organizer.getByRole('link', { name: 'Check-in' }).click();
  await organizer.getByRole('textbox', { name: 'Personal code' }).fill(code);
  await organizer.getByRole('button', { name: 'Check in by code' }).click();
  await expect(organizer.getByRole('status')).toHaveText(/is checked in\.$/);
  await expect(organizer.getByText('1 of 1 checked in')).toBeVisible();

  // "My meetings" lists it for C.
  await c
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'My meetings' })
    .click();
  await expect(c.getByRole('heading', { level: 1 })).toHaveText('My meetings');
  await expect(
    c.getByRole('region', { name: 'Upcoming meetings' }).getByRole('article', { name: title })
  ).toContainText("You're going");

  // C's personal calendar: a secret address, shown once, that can be turned off.
  await c.getByRole('button', { name: 'Create calendar address' }).click();
  const feed = c.getByRole('textbox', { name: 'Calendar address' });
  await expect(feed).toHaveValue(new RegExp(`^${BASE_URL}/api/v1/calendar/.+\\.ics$`));
  const calendar = await contextC.request.get(await feed.inputValue());
  expect(calendar.status()).toBe(200);
  expect(await calendar.text()).toContain(`SUMMARY:${title}`);
  await c.getByRole('button', { name: 'Turn off' }).click();
  await expect(c.getByRole('status')).toHaveText('Your calendar address is turned off.');

  // The mail's unsubscribe link works without logging in.
  const unsubscribe = new RegExp(`${BASE_URL}/unsubscribe\\?token=[^\\s"<>]+`).exec(mail)?.[0];
  expect(unsubscribe, 'unsubscribe link in the mail').toBeTruthy();
  const visitor = await browser.newContext({ javaScriptEnabled: false });
  const v = await visitor.newPage();
  await v.goto((unsubscribe ?? '').replaceAll('&amp;', '&'));
  await expect(
    v.getByText(`Stop mails when you move up from the waitlist of a meeting of ${name}?`)
  ).toBeVisible();
  await v.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(v.getByRole('status')).toHaveText(
    `Done: no more waitlist mails for meetings of ${name}.`
  );
  await visitor.close();

  await organizerContext.close();
  await contextB.close();
  await contextC.close();
});
