import { expect, test, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount } from './support/accounts.ts';
import {
  acceptTalk,
  chatCommand,
  joinGroup,
  loggedInContext,
  openRound,
  postMeeting,
  postPracticeGroup,
  postTalk,
  postTopic
} from './support/practice.ts';
import { ADMIN_STATE, createAdmin } from './support/admin.ts';
import { BASE_URL } from './support/server.ts';
import { hydrated, SIGNED_IN_STATE } from './support/session.ts';

/** Marks the page's window: still marked later means it was never reloaded. */
async function mark(page: Page): Promise<void> {
  await page.evaluate(() => Reflect.set(window, 'practiceMark', 'not reloaded'));
}

async function expectNotReloaded(page: Page): Promise<void> {
  expect(await page.evaluate(() => Reflect.get(window, 'practiceMark') as unknown)).toBe(
    'not reloaded'
  );
}

/** Proposes a topic through the backlog page's form. */
async function propose(
  page: Page,
  title: string,
  wants: 'I can present it' | "I'd like someone to explain it"
): Promise<void> {
  const form = page.getByRole('region', { name: 'Propose a topic' });
  await form.getByRole('textbox', { name: 'Title' }).fill(title);
  await form.getByRole('textbox', { name: 'Description' }).fill(`Why **${title}** matters.`);
  await form.getByRole('combobox', { name: 'What do you want?' }).selectOption({ label: wants });
  await form.getByRole('button', { name: 'Propose topic' }).click();
  // A post, a redirect and a full page with the live tally: give a loaded CI machine time.
  await expect(page.getByRole('status')).toHaveText(`Your topic “${title}” is in the backlog.`, {
    timeout: 20_000
  });
  await expect(page.getByRole('article', { name: title })).toBeVisible();
}

test('a practice group votes its topics onto the agenda: with and without JavaScript, live for everyone watching', async ({
  browser
}) => {
  const id = randomUUID().slice(0, 8);
  const slug = `practice-${id}`;
  const meetingTitle = `Practice Evening ${id}`;
  const [t1, t2, t3] = [`Flaky tests ${id}`, `Postgres upgrades ${id}`, `Feature flags ${id}`];
  const talkTitle = `Testing with fast-check ${id}`;

  // The organizer is the account the setup logged in, member A the instance admin (browsing
  // without JavaScript: plain forms and redirects only), member B a new account.
  const organizerContext = await browser.newContext({ storageState: SIGNED_IN_STATE });
  await postPracticeGroup(organizerContext.request, { slug, name: `Platform Guild ${id}` });
  const meetingId = await postMeeting(organizerContext.request, slug, meetingTitle, 14);
  const aContext = await browser.newContext({
    storageState: ADMIN_STATE,
    javaScriptEnabled: false
  });
  // Member B is made verified by the CLI (as a second instance admin, who joins as an ordinary
  // member): every sign-up verification of the whole run shares one rate limit.
  const memberB = newAccount('practice-b');
  await createAdmin(memberB);
  const bContext = await loggedInContext(browser, memberB);
  await joinGroup(aContext.request, slug);
  await joinGroup(bContext.request, slug);
  const topicsPath = `/groups/${slug}/topics`;

  // The organizer opens voting for the meeting in the browser.
  const organizer = await organizerContext.newPage();
  await organizer.goto(topicsPath);
  await expect(organizer.getByRole('heading', { level: 1 })).toHaveText(
    `Topics of Platform Guild ${id}`
  );
  await expect(organizer.getByText('No voting round is open right now.')).toBeVisible();
  const openForm = organizer.getByRole('region', { name: 'Open a voting round' });
  await openForm.getByRole('combobox', { name: 'Meeting' }).selectOption(meetingId);
  await openForm.getByRole('button', { name: 'Open voting' }).click();
  await expect(organizer.getByRole('status')).toHaveText(`Voting is open for ${meetingTitle}.`);
  const roundPanel = organizer.getByRole('region', { name: 'Voting round' });
  await expect(roundPanel).toContainText(meetingTitle);
  await expect(roundPanel).toContainText('Ties go to the earlier proposal.');

  // Members propose topics: A without JavaScript, B with it.
  const a = await aContext.newPage();
  await a.goto(topicsPath);
  await propose(a, t1, "I'd like someone to explain it");
  const b = await bContext.newPage();
  await b.goto(topicsPath);
  // B's form posts through JavaScript: filled before hydration, the click would go nowhere.
  await hydrated(b);
  await propose(b, t2, 'I can present it');
  await propose(b, t3, 'I can present it');

  // The organizer's page stays open (not reloaded) and watches the tally over the live stream.
  await organizer.reload();
  await expect(organizer.getByText('The votes update live.')).toBeVisible();
  await mark(organizer);
  for (const title of [t1, t2, t3]) {
    await expect(organizer.getByRole('article', { name: title })).toContainText('0 votes');
  }

  // A votes with plain forms: every click is a post and a redirect back to the list.
  await a.reload();
  await expect(a.getByText('You have 3 votes left.')).toBeVisible();
  await a.getByRole('button', { name: `Add a vote for ${t2}` }).click();
  await expect(a).toHaveURL(new RegExp(`${topicsPath}#topic-`));
  await expect(a.getByRole('article', { name: t2 })).toContainText('1 vote');
  await expect(a.getByText('You have 2 votes left.')).toBeVisible();
  // One vote per topic: the + of that topic is off now.
  await expect(a.getByRole('button', { name: `Add a vote for ${t2}` })).toBeDisabled();
  await a.getByRole('button', { name: `Add a vote for ${t1}` }).click();
  await expect(a.getByRole('article', { name: t1 })).toContainText('1 vote');
  await expect(a.getByText('You have 1 vote left.')).toBeVisible();

  // The watching organizer saw both votes arrive without reloading.
  await expect(organizer.getByRole('article', { name: t2 })).toContainText('1 vote');
  await expect(organizer.getByRole('article', { name: t1 })).toContainText('1 vote');
  await expectNotReloaded(organizer);

  // B votes with JavaScript: the page updates in place and the focus stays with the topic.
  await b.reload();
  await mark(b);
  await b.getByRole('button', { name: `Add a vote for ${t2}` }).click();
  await expect(b.getByRole('article', { name: t2 })).toContainText('2 votes');
  await expect(b.getByText('You have 2 votes left.')).toBeVisible();
  // Its + is off now (one vote per topic): the focus moved to its −, not to the page's top.
  await expect(b.getByRole('button', { name: `Remove a vote from ${t2}` })).toBeFocused();
  await b.getByRole('button', { name: `Add a vote for ${t3}` }).click();
  await expect(b.getByRole('article', { name: t3 })).toContainText('1 vote');
  await expect(b.getByText('You have 1 vote left.')).toBeVisible();
  await expectNotReloaded(b);

  await expect(organizer.getByRole('article', { name: t2 })).toContainText('2 votes');
  await expect(organizer.getByRole('article', { name: t3 })).toContainText('1 vote');
  await expect(organizer.getByText('2 members have voted.')).toBeVisible();
  await expectNotReloaded(organizer);

  // B proposes a talk; the organizer accepts it into the meeting.
  const talkId = await postTalk(bContext.request, slug, talkTitle);
  await acceptTalk(organizerContext.request, slug, talkId, meetingId);

  // The organizer closes voting: 2 votes for t2, then a tie of 1 that the earlier proposal (t1) wins.
  await organizer.getByRole('button', { name: 'Close voting now' }).click();
  await expect(organizer.getByRole('heading', { level: 1 })).toHaveText(
    `Voting for ${meetingTitle}`
  );
  await expect(organizer.getByRole('status')).toContainText('Voting is closed');
  const ranking = organizer.getByRole('table');
  await expect(ranking.getByRole('row', { name: new RegExp(t2) })).toContainText('On the agenda');
  await expect(ranking.getByRole('row', { name: new RegExp(t1) })).toContainText('On the agenda');
  await expect(ranking.getByRole('row', { name: new RegExp(t3) })).toContainText('Not picked');

  // The meeting's page shows the agenda: the two picked topics and the accepted talk.
  for (const page of [organizer, a]) {
    await page.goto(`/groups/${slug}/events/${meetingId}`);
    const agenda = page.getByRole('region', { name: 'Agenda' });
    await expect(agenda.getByRole('heading', { level: 2 })).toHaveText('Agenda');
    await expect(agenda).toContainText(t2);
    await expect(agenda).toContainText(t1);
    await expect(agenda).toContainText(talkTitle);
    await expect(agenda).not.toContainText(t3);
  }

  // The picked topics are scheduled now; the third waits in the backlog for the next round.
  await a.goto(`${topicsPath}?status=scheduled`);
  await expect(a.getByRole('article', { name: t1 })).toBeVisible();
  await expect(a.getByRole('article', { name: t2 })).toBeVisible();
  await a.goto(topicsPath);
  await expect(a.getByRole('article', { name: t3 })).toBeVisible();
  await expect(a.getByText('No voting round is open right now.')).toBeVisible();

  // A topic's page: A (without JavaScript) comments on t1; the organizer adds notes to t2 after
  // the meeting; B withdraws t3.
  await a.goto(`${topicsPath}?status=scheduled`);
  await a.getByRole('link', { name: t1 }).click();
  await expect(a.getByRole('heading', { level: 1 })).toHaveText(t1);
  const history = a.getByRole('region', { name: 'Votes in earlier rounds' });
  await expect(history.getByRole('row', { name: new RegExp(meetingTitle) })).toContainText('Yes');
  await a.getByRole('textbox', { name: 'Your comment' }).fill('I can bring **examples**.');
  await a.getByRole('button', { name: 'Post comment' }).click();
  await expect(a.getByRole('status')).toHaveText('Your comment has been posted.');
  await expect(a.getByRole('region', { name: 'Comments (1)' })).toContainText(
    'I can bring examples.'
  );

  await organizer.goto(`${topicsPath}?status=scheduled`);
  await organizer.getByRole('link', { name: t2 }).click();
  const manage = organizer.getByRole('region', { name: 'Manage topic' });
  await manage.getByRole('textbox', { name: 'Notes' }).fill('We compared **pg_upgrade** runs.');
  await manage.getByRole('textbox', { name: 'Title of link 1' }).fill('Slides');
  await manage.getByRole('textbox', { name: 'Address of link 1' }).fill('https://example.com/s');
  await manage.getByRole('button', { name: 'Mark as discussed' }).click();
  await expect(organizer.getByRole('status')).toHaveText('The notes have been saved.');
  const notes = organizer.getByRole('region', { name: 'Notes from the meeting' });
  await expect(notes).toContainText('We compared pg_upgrade runs.');
  await expect(notes.getByRole('link', { name: 'Slides' })).toHaveAttribute(
    'href',
    'https://example.com/s'
  );

  await b.goto(topicsPath);
  await b.getByRole('link', { name: t3 }).click();
  await b.getByRole('button', { name: 'Withdraw topic' }).click();
  await expect(b.getByRole('status')).toHaveText(
    'The topic has been withdrawn; its votes were given back.'
  );
  await expect(b.getByText('Withdrawn', { exact: true })).toBeVisible();

  await organizerContext.close();
  await aContext.close();
  await bContext.close();
});

test('a chat user links their account on the link page, then votes from the chat', async ({
  browser,
  request
}) => {
  const id = randomUUID().slice(0, 8);
  const slug = `practice-chat-${id}`;
  const secret = `chat-signing-secret-${id}`;
  const topic = `Observability on a budget ${id}`;
  const chatUser = { teamId: `T${id}`, userId: `U${id}` };
  const organizerContext = await browser.newContext({ storageState: SIGNED_IN_STATE });
  const api = organizerContext.request;
  await postPracticeGroup(api, { slug, name: `Chat Guild ${id}` });
  const settings = await api.patch(`/api/v1/groups/${slug}`, {
    headers: { origin: BASE_URL },
    data: { chatSigningSecret: secret }
  });
  expect(settings.status()).toBe(200);
  const meetingId = await postMeeting(api, slug, `Chat Evening ${id}`, 10);
  const topicId = await postTopic(api, slug, topic);
  const roundId = await openRound(api, slug, meetingId);

  // An unknown chat user who votes gets a one-time link to connect their account.
  const reply = await chatCommand(request, slug, secret, { ...chatUser, text: 'vote 1' });
  const link = new RegExp(`${BASE_URL}/chat/link\\?token=[^\\s>|]+`).exec(reply)?.[0];
  expect(link, `link in "${reply}"`).toBeTruthy();

  // Linking needs an account: a visitor is sent to log in, and back to the link afterwards.
  const visitorContext = await browser.newContext({ javaScriptEnabled: false });
  const visitor = await visitorContext.newPage();
  await visitor.goto(link ?? '');
  await expect(visitor).toHaveURL(/\/log-in\?next=%2Fchat%2Flink%3Ftoken%3D/);
  await visitorContext.close();

  // A member (the instance admin's account), in a browser without JavaScript, links the account.
  const memberContext = await browser.newContext({
    storageState: ADMIN_STATE,
    javaScriptEnabled: false
  });
  const member = await memberContext.newPage();
  await member.goto(link ?? '');
  await expect(member.getByRole('heading', { level: 1 })).toHaveText('Link your chat account');
  await expect(member.getByText(chatUser.userId)).toBeVisible();
  await expect(member.getByText(`Chat Guild ${id}`, { exact: true })).toBeVisible();
  await joinGroup(memberContext.request, slug);
  await member.getByRole('button', { name: 'Link accounts' }).click();
  await expect(member.getByRole('status')).toHaveText(
    'Done: your chat account is linked. You can vote from the chat now.'
  );

  // Now the chat vote counts for the member, and the link is used up.
  const voted = await chatCommand(request, slug, secret, { ...chatUser, text: 'vote 1' });
  expect(voted).not.toContain('/chat/link');
  const round = (await (await api.get(`/api/v1/rounds/${roundId}`)).json()) as {
    tally: { topicId: string; votes: number }[];
  };
  expect(round.tally.find((entry) => entry.topicId === topicId)?.votes).toBe(1);
  await member.goto(link ?? '');
  await expect(member.getByText('This link is not valid')).toBeVisible();

  await organizerContext.close();
  await memberContext.close();
});
