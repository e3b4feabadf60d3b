import { expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount } from './support/accounts.ts';
import {
  expectAccessible,
  joinGroup,
  loggedInContext,
  postMeeting,
  postPracticeGroup
} from './support/practice.ts';
import { createMember } from './support/admin.ts';
import { askQuestion, launchPoll, openRoomEarly, raiseHand, rsvpGoing } from './support/room.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// The live room of a meeting, for its host and for a member, in English and German, with
// questions (one anonymous), a raised hand, a live poll and kudos in it.

const LANGUAGES = ['en', 'de'] as const;

interface Fixtures {
  path: string;
  memberState: Awaited<ReturnType<BrowserContext['storageState']>>;
  memberName: string;
}

let fixtures: Promise<Fixtures> | undefined;

/** A group the signed-in account owns, a meeting whose room it opened early, one going member. */
async function build(browser: Browser): Promise<Fixtures> {
  const id = randomUUID().slice(0, 8);
  const slug = `a11y-room-${id}`;
  const host = await browser.newContext({ storageState: SIGNED_IN_STATE });
  await postPracticeGroup(host.request, { slug, name: `Room Accessibility ${id}` });
  const meetingId = await postMeeting(host.request, slug, 'Room Check', 3);
  const account = newAccount('a11y-room');
  await createMember(account);
  const member = await loggedInContext(browser, account);
  await joinGroup(member.request, slug);
  await rsvpGoing(member.request, meetingId);
  await openRoomEarly(host.request, meetingId);
  await askQuestion(member.request, meetingId, 'How do you test focus order in dialogs?');
  await askQuestion(member.request, meetingId, 'Is there a screen reader we should all use?', true);
  await askQuestion(host.request, meetingId, 'Who wants to present next time?');
  await raiseHand(member.request, meetingId);
  await launchPoll(host.request, slug, meetingId, 'Which screen reader do you use?', [
    'NVDA',
    'VoiceOver',
    'JAWS'
  ]);
  const me = await host.request.get('/api/v1/me');
  const hostId = ((await me.json()) as { id: string }).id;
  const kudos = await member.request.post(`/api/v1/events/${meetingId}/kudos`, {
    headers: { origin: BASE_URL },
    data: { toUserId: hostId, message: 'Thank you for hosting!' }
  });
  expect(kudos.status(), 'kudos').toBe(201);
  const memberState = await member.storageState();
  await member.close();
  await host.close();
  return {
    path: `/groups/${slug}/events/${meetingId}/room`,
    memberState,
    memberName: account.displayName
  };
}

for (const lang of LANGUAGES) {
  test.describe(`the meeting room in ${lang}`, () => {
    test('for its host: no serious accessibility problems', async ({ browser }) => {
      fixtures ??= build(browser);
      const { path, memberName } = await fixtures;
      const context = await browser.newContext({ storageState: SIGNED_IN_STATE });
      await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
      const page = await context.newPage();
      await expectAccessible(page, path, lang);
      // What was checked: three questions, the member's hand in the queue, the poll with its
      // results and the launch form.
      await expect(page.locator('[data-questions] article')).toHaveCount(3);
      await expect(page.locator('#hands ol li')).toContainText(memberName);
      await expect(page.locator('article[id^="poll-"]')).toHaveCount(1);
      await expect(page.locator('article[id^="poll-"] figure svg')).toHaveCount(1);
      await expect(page.locator('form[action$="/launchPoll"]')).toHaveCount(1);
      await context.close();
    });

    test('for a member: no serious accessibility problems', async ({ browser }) => {
      fixtures ??= build(browser);
      const { path, memberState } = await fixtures;
      const context = await browser.newContext({ storageState: memberState });
      await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
      const page = await context.newPage();
      await expectAccessible(page, path, lang);
      // What was checked: the ask form, the questions (one to upvote), the own raised hand, the
      // poll's answer form and the kudos form.
      await expect(page.locator('form[action$="/ask"]')).toHaveCount(1);
      await expect(page.locator('[data-questions] article')).toHaveCount(3);
      await expect(page.locator('form[action$="/upvote"]')).toHaveCount(1);
      await expect(page.locator('[data-my-hand]')).toHaveAttribute('data-my-hand', 'raised');
      await expect(page.locator('form[action$="/vote"] input[type="radio"]')).toHaveCount(3);
      await expect(page.locator('form[action$="/kudos"]')).toHaveCount(1);
      await context.close();
    });
  });
}
