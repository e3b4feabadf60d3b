import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount, type Account } from './support/accounts.ts';
import { createAdmin } from './support/admin.ts';
import { postGroup, signedInApi } from './support/groups.ts';
import {
  expectAccessible,
  inDays,
  joinGroup,
  loggedInContext,
  postMeeting,
  postTalk
} from './support/practice.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// Polls and meeting feedback in the browser: a manager creates a poll through the form, a member
// answers it without JavaScript and sees the server-rendered chart; an attendee gives feedback on
// a past meeting through the form and the organizer reads it; then axe over every page in English
// and German.

const headers = { origin: BASE_URL };

/** Says "going" to a meeting as the API client's account. */
async function rsvpGoing(api: APIRequestContext, eventId: string): Promise<void> {
  const rsvp = await api.put(`/api/v1/events/${eventId}/rsvp`, {
    headers,
    data: { status: 'going' }
  });
  expect(rsvp.status(), 'rsvp going').toBe(200);
}

/** Moves a meeting to yesterday evening: it is over, and feedback on it is open. */
async function moveToYesterday(api: APIRequestContext, eventId: string): Promise<void> {
  const day = inDays(-1);
  const moved = await api.patch(`/api/v1/events/${eventId}`, {
    headers,
    data: { startsAt: `${day}T18:30`, endsAt: `${day}T21:00` }
  });
  expect(moved.status(), 'move meeting to the past').toBe(200);
}

/** The chart of a figure: its SVG bars (by their labels) and its table rows. */
async function expectChart(page: Page, name: string, bars: number): Promise<void> {
  const figure = page.getByRole('figure', { name });
  await expect(figure.getByRole('img', { name })).toBeVisible();
  await expect(figure.locator('svg text.label')).toHaveCount(bars);
  await expect(figure.locator('svg desc')).toHaveCount(1);
  await expect(figure.getByRole('table', { name }).locator('tbody tr')).toHaveCount(bars);
}

test.describe.serial('polls and feedback', () => {
  const id = randomUUID().slice(0, 8);
  const slug = `polls-${id}`;
  const question = `Which language for the next hack night ${id}?`;
  let member: Account;

  test.beforeAll(async () => {
    const api = await signedInApi();
    await postGroup(api, {
      slug,
      name: `Hack Night ${id}`,
      description: 'We build things together.',
      tags: ['hacking'],
      onlineOnly: true
    });
    await api.dispose();
    // Verified by the CLI: every sign-up of the whole run shares one rate limit.
    member = newAccount('polls-member');
    await createAdmin(member);
  });

  test('a manager creates a poll and a member answers it without JavaScript', async ({
    browser
  }) => {
    const managerContext = await browser.newContext({ storageState: SIGNED_IN_STATE });
    const memberContext = await loggedInContext(browser, member, { javaScriptEnabled: false });
    await joinGroup(memberContext.request, slug);

    // The manager goes from the group page to the polls and creates one through the form.
    const manager = await managerContext.newPage();
    await manager.goto(`/groups/${slug}`);
    await manager.getByRole('link', { name: 'Polls', exact: true }).click();
    await expect(manager.getByRole('heading', { level: 1 })).toHaveText(
      `Polls of Hack Night ${id}`
    );
    await expect(manager.getByText('No poll is open right now.')).toBeVisible();
    await manager.getByRole('link', { name: 'New poll' }).click();
    await manager.getByRole('textbox', { name: 'Question' }).fill(question);
    // Too few options first: the API's message lands next to the field, nothing is created.
    await manager.getByRole('textbox', { name: 'Options' }).fill('Rust');
    await manager.getByRole('button', { name: 'Open poll now' }).click();
    await expect(manager.getByRole('textbox', { name: 'Options' })).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    await expect(manager.getByRole('textbox', { name: 'Question' })).toHaveValue(question);
    await manager.getByRole('textbox', { name: 'Options' }).fill('Rust\nGo\n\nZig\n');
    await manager.getByRole('radio', { name: 'After the poll closes' }).check();
    await manager.getByRole('radio', { name: 'Right away, as answers come in' }).check();
    await manager.getByRole('checkbox', { name: 'Anonymous poll' }).uncheck();
    await manager.getByRole('button', { name: 'Open poll now' }).click();
    await expect(manager.getByRole('status')).toHaveText('The poll is saved.');
    await expect(manager.getByRole('heading', { level: 1 })).toHaveText(question);
    await expect(manager.getByText('Open', { exact: true })).toBeVisible();
    const pollUrl = new URL(manager.url()).pathname;

    // The member answers without JavaScript: a plain form and a redirect.
    const page = await memberContext.newPage();
    await page.goto(`/groups/${slug}/polls`);
    await page.getByRole('link', { name: question }).click();
    expect(new URL(page.url()).pathname).toBe(pollUrl);
    const answer = page.getByRole('region', { name: 'Your answer' });
    await expect(answer.getByText('Your name is shown with the results.')).toBeVisible();
    // Sending nothing is refused with a message at the options.
    await answer.getByRole('button', { name: 'Send answer' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await page.getByRole('radio', { name: 'Zig' }).check();
    await page.getByRole('button', { name: 'Send answer' }).click();
    await expect(page.getByRole('status')).toHaveText('Thank you, your answer is counted.');
    await expect(page.getByText('You chose: Zig')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Send answer' })).toHaveCount(0);

    // The results: an SVG chart with one bar per option and a table with the same numbers.
    await expectChart(page, question, 3);
    const table = page.getByRole('table', { name: question });
    await expect(table.getByRole('row', { name: /Zig/ })).toContainText('1 vote · 100 %');
    await expect(table.getByRole('row', { name: /Rust/ })).toContainText('0 votes · 0 %');
    await expect(page.locator('figure svg text.value')).toHaveText([
      '0 votes · 0 %',
      '0 votes · 0 %',
      '1 vote · 100 %'
    ]);
    await expect(page.getByText('1 answer', { exact: true })).toBeVisible();

    // The manager sees who chose what, and closes the poll.
    await manager.reload();
    await expect(manager.getByRole('definition')).toHaveText(member.displayName);
    await manager.getByRole('button', { name: 'Close poll now' }).click();
    await expect(manager.getByRole('status')).toHaveText('The poll is closed.');
    await manager.goto(`/groups/${slug}/polls?status=closed`);
    await expect(manager.getByRole('link', { name: question })).toBeVisible();

    await managerContext.close();
    await memberContext.close();
  });

  test('an anonymous poll names no voter: not on the page, not in the export', async ({
    browser
  }) => {
    const managerContext = await browser.newContext({ storageState: SIGNED_IN_STATE });
    const memberContext = await loggedInContext(browser, member, { javaScriptEnabled: false });
    const secret = `Who should organize the next hack night ${id}?`;
    const api = await signedInApi();
    const created = await api.post(`/api/v1/groups/${slug}/polls`, {
      headers: { origin: BASE_URL },
      data: {
        question: secret,
        options: ['Ada', 'Grace', 'Linus'],
        choice: 'single',
        anonymous: true,
        results: 'live',
        open: true
      }
    });
    expect(created.status(), await created.text()).toBe(201);
    const poll = (await created.json()) as { id: string };

    const page = await memberContext.newPage();
    await page.goto(`/groups/${slug}/polls/${poll.id}`);
    await page.getByRole('radio', { name: 'Grace' }).check();
    await page.getByRole('button', { name: 'Send answer' }).click();
    await expect(page.getByRole('status')).toHaveText('Thank you, your answer is counted.');
    await expectChart(page, secret, 3);

    // The manager sees the count, and nowhere the member's name or choice.
    const manager = await managerContext.newPage();
    await manager.goto(`/groups/${slug}/polls/${poll.id}`);
    await expect(manager.getByText('1 answer', { exact: true })).toBeVisible();
    await expect(manager.locator('main')).not.toContainText(member.displayName);
    const csv = await api.get(`/api/v1/polls/${poll.id}/results.csv`);
    expect(csv.status()).toBe(200);
    const text = await csv.text();
    expect(text).toContain('Grace');
    expect(text).not.toContain(member.displayName);
    expect(text.split('\n')[0]).not.toContain('voters');

    await api.dispose();
    await managerContext.close();
    await memberContext.close();
  });

  test('an attendee gives feedback on a past meeting; the organizer reads it', async ({
    browser
  }) => {
    const organizerContext = await browser.newContext({ storageState: SIGNED_IN_STATE });
    const organizerApi = organizerContext.request;
    const memberContext = await loggedInContext(browser, member, { javaScriptEnabled: false });
    const meetingTitle = `Hack Night Review ${id}`;
    const talkTitle = `Zig for C programmers ${id}`;
    const meetingId = await postMeeting(organizerApi, slug, meetingTitle, 3);
    const talkId = await postTalk(organizerApi, slug, talkTitle, meetingId);
    await rsvpGoing(memberContext.request, meetingId);
    await moveToYesterday(organizerApi, meetingId);
    const base = `/groups/${slug}/events/${meetingId}/feedback`;

    // The attendee fills in the form (without JavaScript).
    const page = await memberContext.newPage();
    await page.goto(base);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Feedback on ${meetingTitle}`);
    await page
      .getByRole('group', { name: 'How was the meeting?' })
      .getByRole('radio', { name: '4 – very good' })
      .check();
    await page
      .getByRole('textbox', { name: 'What worked, what could be better?' })
      .fill('Great pairing, too little pizza.');
    await page
      .getByRole('textbox', { name: 'What should we talk about next time?' })
      .fill(`Property-based testing ${id}`);
    const talk = page.getByRole('region', { name: new RegExp(talkTitle) });
    await talk.getByRole('radio', { name: '5 – excellent' }).check();
    await talk.getByRole('textbox', { name: 'Comment' }).fill('Clear and practical.');
    await talk.getByRole('checkbox', { name: /Hide my name from the speaker/ }).check();
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await expect(page.getByRole('status')).toHaveText('Thank you! Your feedback is saved.');
    // The saved answers come back into the form, ready to change.
    await expect(
      page
        .getByRole('group', { name: 'How was the meeting?' })
        .getByRole('radio', { name: '4 – very good' })
    ).toBeChecked();
    await expect(page.getByRole('button', { name: 'Update feedback' })).toBeVisible();

    // Visitors are sent to log in first (who else may read them: the API's permission tests).
    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${base}/results`);
    expect(new URL(visitor.url()).pathname).toBe('/log-in');
    await visitorContext.close();

    // The organizer reads them: the ratings as charts, the comments, the wish for next time.
    const organizer = await organizerContext.newPage();
    await organizer.goto(`${base}/results`);
    await expect(organizer.getByText('1 of 1 attendees gave feedback.')).toBeVisible();
    await expectChart(organizer, 'Ratings of the meeting', 5);
    await expect(
      organizer
        .getByRole('table', { name: 'Ratings of the meeting' })
        .getByRole('row', { name: /4 – very good/ })
    ).toContainText('1 answer');
    await expect(
      organizer.getByRole('paragraph').filter({ hasText: 'Average 4 of 5 from 1 rating.' })
    ).toBeVisible();
    await expect(organizer.getByText('Great pairing, too little pizza.')).toBeVisible();
    await expectChart(organizer, `Ratings of “${talkTitle}”`, 5);
    await expect(organizer.getByText('Clear and practical.')).toBeVisible();
    await expect(organizer.getByText('hidden from the speaker')).toBeVisible();

    // A wish for next time becomes a backlog topic.
    await organizer.getByRole('button', { name: 'Make a backlog topic' }).click();
    await expect(organizer.getByRole('status')).toContainText(
      'The wish is a topic in the backlog now.'
    );
    await organizer.getByRole('status').getByRole('link', { name: 'Open the topic' }).click();
    await expect(organizer.getByRole('heading', { level: 1 })).toHaveText(
      `Property-based testing ${id}`
    );

    // The organizer gave the talk: its page shows what attendees said about it (as an organizer
    // they see every author; what a speaker alone sees is the API's permission tests).
    await organizer.goto(`/groups/${slug}/talks/${talkId}`);
    const mine = organizer.getByRole('region', { name: 'Feedback from attendees' });
    await expect(
      mine.getByRole('paragraph').filter({ hasText: 'Average 5 of 5 from 1 rating.' })
    ).toBeVisible();
    await expectChart(organizer, 'Ratings of the talk', 5);
    await expect(mine.locator('blockquote')).toHaveText('Clear and practical.');
    // Visitors see the talk, not its feedback.
    const outsiderContext = await browser.newContext();
    const outsider = await outsiderContext.newPage();
    await outsider.goto(`/groups/${slug}/talks/${talkId}`);
    await expect(outsider.getByRole('heading', { level: 1 })).toHaveText(talkTitle);
    await expect(outsider.getByRole('region', { name: 'Feedback from attendees' })).toHaveCount(0);
    await outsiderContext.close();

    await organizerContext.close();
    await memberContext.close();
  });
});

/** The fixtures of the accessibility checks: a group with a poll and a past meeting with feedback. */
interface Ids {
  slug: string;
  poll: string;
  meeting: string;
  talk: string;
}

let fixtures: Promise<Ids> | undefined;

/**
 * One group owned by the signed-in account: an open named poll, and a past meeting it attended
 * with its own talk, on which it gave feedback (so the talk page shows the speaker's section).
 */
async function ensureFixtures(): Promise<Ids> {
  const api = await signedInApi();
  const slug = `a11y-polls-${randomUUID().slice(0, 8)}`;
  await postGroup(api, {
    slug,
    name: 'Polls Accessibility',
    description: 'Checking polls and feedback.',
    tags: ['a11y'],
    onlineOnly: true
  });
  const poll = await api.post(`/api/v1/groups/${slug}/polls`, {
    headers,
    data: {
      question: 'Which screen reader do you test with?',
      options: ['NVDA', 'JAWS', 'VoiceOver', 'TalkBack'],
      choice: 'multiple',
      anonymous: false,
      results: 'live',
      open: true
    }
  });
  expect(poll.status(), 'create poll').toBe(201);
  const pollId = ((await poll.json()) as { id: string }).id;
  const meeting = await postMeeting(api, slug, 'Accessibility Review', 2);
  const talk = await postTalk(api, slug, 'Contrast that works', meeting);
  await rsvpGoing(api, meeting);
  await moveToYesterday(api, meeting);
  const form = await api.get(`/api/v1/events/${meeting}/feedback/form`);
  const items = ((await form.json()) as { items: { agendaItemId: string }[] }).items;
  const feedback = await api.put(`/api/v1/events/${meeting}/feedback`, {
    headers,
    data: {
      rating: 5,
      comment: 'Clear examples.',
      nextTime: 'Focus order in dialogs',
      items: items.map((item) => ({
        agendaItemId: item.agendaItemId,
        rating: 4,
        comment: 'More demos, please.',
        anonymous: true
      }))
    }
  });
  expect(feedback.status(), 'give feedback').toBe(200);
  await api.dispose();
  return { slug, poll: pollId, meeting, talk };
}

const PAGES = [
  '/groups/{slug}/polls',
  '/groups/{slug}/polls/new',
  '/groups/{slug}/polls/{poll}',
  '/groups/{slug}/events/{meeting}/feedback',
  '/groups/{slug}/events/{meeting}/feedback/results',
  '/groups/{slug}/talks/{talk}'
];

for (const lang of ['en', 'de'] as const) {
  test.describe(`poll and feedback pages in ${lang}`, () => {
    test.use({ storageState: SIGNED_IN_STATE });

    test.beforeEach(async ({ context }) => {
      await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
    });

    for (const path of PAGES) {
      test(`${path} has no serious accessibility problems`, async ({ page }) => {
        fixtures ??= ensureFixtures();
        const ids = await fixtures;
        await expectAccessible(
          page,
          path.replace(/\{(\w+)\}/g, (_, key: keyof Ids) => ids[key]),
          lang
        );
      });
    }
  });
}
