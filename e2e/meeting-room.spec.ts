import { expect, test, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { postMeeting, postPracticeGroup } from './support/practice.ts';
import { goingMember, sameSession } from './support/room.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

/** Marks the page's window: still marked later means it was never reloaded. */
async function mark(page: Page): Promise<void> {
  await page.evaluate(() => Reflect.set(window, 'roomMark', 'not reloaded'));
}

async function expectNotReloaded(page: Page): Promise<void> {
  expect(await page.evaluate(() => Reflect.get(window, 'roomMark') as unknown)).toBe(
    'not reloaded'
  );
}

/** The question texts in the order the page shows them. */
function questionOrder(page: Page) {
  return page.locator('[data-questions] article p[id$="-body"]');
}

/** Waits until the room's live stream is connected. */
async function expectLive(page: Page): Promise<void> {
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
}

/**
 * Answers the poll `question` with `option` on `voter`'s page and measures, for every page in
 * `watchers`, the time from the answer's response to the ballot count `count` showing there (a
 * MutationObserver in each page notes the moment; the clocks are the same machine's).
 */
async function answerAndMeasure(
  voter: Page,
  question: string,
  option: string,
  count: number,
  watchers: Record<string, Page>
): Promise<Record<string, number>> {
  const poll = voter.getByRole('article', { name: question });
  const selector = `#${await poll.getAttribute('id')} [data-ballots="${count}"]`;
  for (const page of Object.values(watchers)) {
    await page.evaluate((sel) => {
      const seen = new Promise<number>((resolve) => {
        const check = (): boolean => {
          if (!document.querySelector(sel)) return false;
          resolve(Date.now());
          return true;
        };
        if (check()) return;
        const observer = new MutationObserver(() => {
          if (check()) observer.disconnect();
        });
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          characterData: true
        });
      });
      Reflect.set(window, 'roomSeen', seen);
    }, selector);
  }
  await poll.getByRole('radio', { name: option }).check();
  const answered = voter.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).search.includes('/vote')
  );
  await poll.getByRole('button', { name: /^Answer/ }).click();
  expect((await answered).ok()).toBe(true);
  // Below zero: the count showed before the answer's own response was back.
  const answeredAt = Date.now();
  const delays = await Promise.all(
    Object.entries(watchers).map(async ([name, page]) => {
      await expect(page.locator(selector)).toBeVisible({ timeout: 5_000 });
      const seenAt = await page.evaluate(() => Reflect.get(window, 'roomSeen') as Promise<number>);
      return [name, seenAt - answeredAt] as const;
    })
  );
  await expect(voter.getByRole('status')).toHaveText('Thank you: your answer is in.');
  await expect(poll).toContainText('You answered this poll.');
  return Object.fromEntries(delays);
}

test('a meeting room: questions, upvotes, a live poll and raised hands reach everyone live', async ({
  browser
}) => {
  test.setTimeout(180_000);
  const id = randomUUID().slice(0, 8);
  const slug = `room-${id}`;
  const title = `Room Evening ${id}`;
  const [q1, q2] = [`Why is the build slow? ${id}`, `Which linter do you use? ${id}`];
  const pollQuestion = `Tabs or spaces? ${id}`;
  const secondPoll = `Pizza or pasta? ${id}`;

  // The host is the account the setup logged in (it owns the group); the meeting starts in two
  // days, so its room waits until the host opens it early. A and B are members who are going.
  const hostContext = await browser.newContext({ storageState: SIGNED_IN_STATE });
  await postPracticeGroup(hostContext.request, { slug, name: `Room Guild ${id}` });
  const meetingId = await postMeeting(hostContext.request, slug, title, 2);
  const { account: memberA, context: aContext } = await goingMember(
    browser,
    'room-a',
    slug,
    meetingId
  );
  const { context: bContext } = await goingMember(browser, 'room-b', slug, meetingId);
  // B's session once more, without JavaScript: the plain forms and redirects.
  const bStaticContext = await sameSession(browser, bContext, { javaScriptEnabled: false });
  const roomPath = `/groups/${slug}/events/${meetingId}/room`;

  // The meeting page links to the room, the meeting's polls (and feedback only once it started).
  const host = await hostContext.newPage();
  await host.goto(`/groups/${slug}/events/${meetingId}`);
  const links = host.getByRole('region', { name: 'During the meeting' });
  await expect(links.getByRole('link', { name: 'Live room' })).toHaveAttribute('href', roomPath);
  await expect(links.getByRole('link', { name: 'Polls of this meeting' })).toHaveAttribute(
    'href',
    `/groups/${slug}/polls?eventId=${meetingId}`
  );
  await expect(links.getByRole('link', { name: 'Feedback' })).toHaveCount(0);

  // A waits in the room before it opens: no ask form yet, no host controls ever.
  const a = await aContext.newPage();
  await a.goto(roomPath);
  await expect(a.getByRole('heading', { level: 1 })).toHaveText(`Live room: ${title}`);
  await expect(a.locator('[data-room-state]')).toHaveText('Waiting');
  await expectLive(a);
  await mark(a);
  await expect(a.getByRole('form', { name: 'Ask a question' })).toHaveCount(0);
  await expect(a.getByRole('button', { name: 'Open the room now' })).toHaveCount(0);
  await expect(a.getByRole('form', { name: 'Launch a poll' })).toHaveCount(0);

  // The host opens the room early; A's page opens with it, live.
  await host.getByRole('link', { name: 'Live room' }).click();
  await expect(host.locator('[data-room-state]')).toHaveText('Waiting');
  await host.getByRole('button', { name: 'Open the room now' }).click();
  await expect(host.getByRole('status')).toHaveText('The room is open.');
  await expect(host.locator('[data-room-state]')).toHaveText('Open');
  await expectLive(host);
  await mark(host);
  await expect(a.locator('[data-room-state]')).toHaveText('Open');
  const ask = a.getByRole('form', { name: 'Ask a question' });
  await expect(ask).toBeVisible();

  // A asks two questions (with JavaScript: in place, the form empties); the host sees them live.
  for (const body of [q1, q2]) {
    await ask.getByRole('textbox', { name: 'Your question' }).fill(body);
    await ask.getByRole('button', { name: 'Ask' }).click();
    await expect(a.getByRole('status')).toHaveText('Your question is in.');
    await expect(a.getByRole('article', { name: body })).toContainText('by Ada room-a');
    await expect(ask.getByRole('textbox', { name: 'Your question' })).toHaveValue('');
  }
  await expectNotReloaded(a);
  await expect(questionOrder(host)).toHaveText([q1, q2]);
  await expect(host.locator('[data-announcer]')).toHaveText(/new question/);
  // Nobody upvotes their own question.
  await expect(
    a.getByRole('article', { name: q1 }).getByRole('button', { name: /^Upvote/ })
  ).toHaveCount(0);

  // B upvotes the second question with a plain form (no JavaScript): post, redirect, count.
  const bStatic = await bStaticContext.newPage();
  await bStatic.goto(roomPath);
  await bStatic
    .getByRole('article', { name: q2 })
    .getByRole('button', { name: /^Upvote/ })
    .click();
  await expect(bStatic).toHaveURL(/\/room#question-/);
  await expect(bStatic.getByRole('article', { name: q2 })).toContainText('1 upvote');
  await expect(
    bStatic.getByRole('article', { name: q2 }).getByRole('button', { name: /^Take back upvote/ })
  ).toBeVisible();

  // The host's page (never reloaded) moves the upvoted question to the top.
  await expect(questionOrder(host)).toHaveText([q2, q1]);
  await expect(host.getByRole('article', { name: q2 })).toContainText('1 upvote');
  await expectNotReloaded(host);

  // B watches with JavaScript from here on.
  const b = await bContext.newPage();
  await b.goto(roomPath);
  await expectLive(b);
  await mark(b);
  await expect(questionOrder(b)).toHaveText([q2, q1]);

  // The host launches a poll; it appears for A and B without a reload.
  const launch = host.getByRole('form', { name: 'Launch a poll' });
  await launch.getByRole('textbox', { name: 'Question' }).fill(pollQuestion);
  await launch.getByRole('textbox', { name: 'Answers' }).fill('Tabs\nSpaces');
  await launch.getByRole('button', { name: 'Launch poll' }).click();
  await expect(host.getByRole('status')).toHaveText('The poll is live.');
  await expect(host.getByRole('article', { name: pollQuestion })).toContainText('0 answers');
  for (const page of [a, b]) {
    await expect(page.getByRole('article', { name: pollQuestion })).toContainText('0 answers');
  }

  // Members vote; each answer reaches every other open page within a second.
  const delays: Record<string, number> = {};
  for (const [name, ms] of Object.entries(
    await answerAndMeasure(a, pollQuestion, 'Tabs', 1, { host, b })
  ))
    delays[`A's vote → ${name}`] = ms;
  for (const [name, ms] of Object.entries(
    await answerAndMeasure(b, pollQuestion, 'Spaces', 2, { host, a })
  ))
    delays[`B's vote → ${name}`] = ms;
  console.log('poll results reached the other pages after (ms):', JSON.stringify(delays));
  for (const [what, ms] of Object.entries(delays)) expect(ms, what).toBeLessThan(1_000);
  // The results table beside the chart has the counts, on every page.
  for (const page of [host, a, b]) {
    const results = page.getByRole('article', { name: pollQuestion }).getByRole('table');
    await expect(results.getByRole('row', { name: /Tabs/ })).toContainText('1 vote');
    await expect(results.getByRole('row', { name: /Spaces/ })).toContainText('1 vote');
  }

  // A raises a hand; the host sees it in the queue live and lowers it; A sees that live.
  await a.getByRole('button', { name: 'Raise my hand' }).click();
  await expect(a.locator('[data-my-hand]')).toHaveAttribute('data-my-hand', 'raised');
  // Its button is gone (it says "lower" now): the focus waits at the section's heading.
  await expect(a.getByRole('heading', { name: 'Raised hands' })).toBeFocused();
  const lower = host.getByRole('button', { name: `Lower ${memberA.displayName}’s hand` });
  await expect(lower).toBeVisible();
  await lower.click();
  await expect(host.getByRole('status')).toHaveText('The hand is lowered.');
  await expect(host.getByText('No hands are raised.')).toBeVisible();
  await expect(a.locator('[data-my-hand]')).toHaveAttribute('data-my-hand', 'down');
  await expect(a.locator('[data-announcer]')).toHaveText('A host lowered your hand.');
  await expect(a.getByRole('button', { name: 'Raise my hand' })).toBeVisible();
  await expectNotReloaded(a);
  await expectNotReloaded(host);

  // Without JavaScript: raise and lower one's own hand, answer a poll, give kudos.
  await bStatic.goto(roomPath);
  await bStatic.getByRole('button', { name: 'Raise my hand' }).click();
  await expect(bStatic.getByRole('status')).toHaveText('Your hand is raised.');
  await expect(host.getByRole('button', { name: /^Lower Ada room-b/ })).toBeVisible();
  await bStatic.getByRole('button', { name: 'Lower my hand' }).click();
  await expect(bStatic.getByRole('status')).toHaveText('Your hand is lowered.');
  await expect(host.getByText('No hands are raised.')).toBeVisible();

  await launch.getByRole('textbox', { name: 'Question' }).fill(secondPoll);
  await launch.getByRole('textbox', { name: 'Answers' }).fill('Pizza\nPasta');
  await launch.getByRole('button', { name: 'Launch poll' }).click();
  // The form kept its defaults after the first launch: one answer, live results, anonymous.
  await expect(host.getByRole('article', { name: secondPoll })).toContainText('anonymous');
  await bStatic.goto(roomPath);
  const staticPoll = bStatic.getByRole('article', { name: secondPoll });
  // Nothing picked: the refusal shows at the poll.
  await staticPoll.getByRole('button', { name: /^Answer/ }).click();
  await expect(bStatic.getByRole('article', { name: secondPoll }).getByRole('alert')).toBeVisible();
  await bStatic
    .getByRole('article', { name: secondPoll })
    .getByRole('radio', { name: 'Pasta' })
    .check();
  await bStatic
    .getByRole('article', { name: secondPoll })
    .getByRole('button', { name: /^Answer/ })
    .click();
  await expect(bStatic.getByRole('status')).toHaveText('Thank you: your answer is in.');
  await expect(host.getByRole('article', { name: secondPoll })).toContainText('1 answer');

  const thanks = `Thanks for the linter tip ${id}`;
  const kudos = bStatic.getByRole('form', { name: 'Give kudos' });
  await kudos.getByRole('combobox', { name: 'To' }).selectOption({ label: memberA.displayName });
  await kudos.getByRole('textbox', { name: 'Message' }).fill(thanks);
  await kudos.getByRole('button', { name: 'Send kudos' }).click();
  await expect(bStatic.getByRole('status')).toHaveText('Thank you: your kudos are in.');
  await expect(host.getByRole('region', { name: 'Kudos' })).toContainText(thanks);
  await expect(a.getByRole('region', { name: 'Kudos' })).toContainText(thanks);
  await expectNotReloaded(host);

  // B asks without a name, with a plain form: the host sees the question live, without B's name.
  const q3 = `Can we record the talks? ${id}`;
  const staticAsk = bStatic.getByRole('form', { name: 'Ask a question' });
  await staticAsk.getByRole('textbox', { name: 'Your question' }).fill(q3);
  await staticAsk.getByRole('checkbox', { name: 'Ask without my name' }).check();
  await staticAsk.getByRole('button', { name: 'Ask' }).click();
  await expect(bStatic.getByRole('status')).toHaveText('Your question is in.');
  await expect(bStatic.getByRole('article', { name: q3 })).toContainText(
    'by you (anonymous to others)'
  );
  await expect(host.getByRole('article', { name: q3 })).toContainText('anonymous');
  await expect(host.getByRole('article', { name: q3 })).not.toContainText('room-b');

  // The host marks the upvoted question answered (it moves down for everyone) and makes a backlog
  // topic of another.
  await host
    .getByRole('article', { name: q2 })
    .getByRole('button', { name: /^Mark answered/ })
    .click();
  await expect(host.getByRole('status')).toHaveText('The question is marked answered.');
  await expect(questionOrder(a)).toHaveText([q1, q3, q2]);
  await expect(a.getByRole('article', { name: q2 })).toContainText('Answered');
  await host
    .getByRole('article', { name: q1 })
    .getByRole('button', { name: /^Make a backlog topic/ })
    .click();
  await expect(host.getByRole('status')).toHaveText('The question is a backlog topic now.');
  await expect(
    a.getByRole('article', { name: q1 }).getByRole('link', { name: 'Backlog topic' })
  ).toBeVisible();
  // … and a discussion on the board of a third; the link reaches members live.
  await host
    .getByRole('article', { name: q3 })
    .getByRole('button', { name: /^Make a board post/ })
    .click();
  await expect(host.getByRole('status')).toHaveText('The question is a post on the board now.');
  await expect(
    a.getByRole('article', { name: q3 }).getByRole('link', { name: 'Board post' })
  ).toBeVisible();
  await expectNotReloaded(a);

  // The host closes the room: members can no longer ask.
  await host.getByRole('button', { name: 'Close the room' }).click();
  await expect(host.getByRole('status')).toHaveText('The room is closed.');
  await expect(a.locator('[data-room-state]')).toHaveText('Ended');
  await expect(a.getByRole('form', { name: 'Ask a question' })).toHaveCount(0);

  for (const context of [hostContext, aContext, bContext, bStaticContext]) await context.close();
});
