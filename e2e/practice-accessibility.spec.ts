import { expect, test, type APIRequestContext } from '@playwright/test';
import { signedInApi } from './support/groups.ts';
import {
  addVote,
  closeRound,
  expectAccessible,
  openRound,
  postMeeting,
  postPracticeGroup,
  postTalk,
  postTopic
} from './support/practice.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// The Community-of-Practice pages (topics, voting rounds, talks, speakers, agenda, chat link) in
// English and German, for visitors and for the organizer, on one shared set of fixtures.

const LANGUAGES = ['en', 'de'] as const;

/** A public practice group the signed-in account owns. */
const GROUP = 'a11y-practice';
const G = `/groups/${GROUP}`;

const PUBLIC_PAGES = [
  `${G}/topics`,
  `${G}/topics/{openTopic}`,
  `${G}/rounds/{closedRound}`,
  `${G}/talks`,
  `${G}/speakers/{speaker}`,
  `${G}/events/{meeting}`
];

const SIGNED_IN_PAGES = [
  `${G}/topics`,
  `${G}/topics?status=all`,
  `${G}/topics/{openTopic}`,
  `${G}/topics/{scheduledTopic}`,
  `${G}/rounds/{closedRound}`,
  `${G}/rounds/{openRound}`,
  '/chat/link?token=not-a-valid-token',
  `${G}/talks`,
  `${G}/talks/new`,
  `${G}/talks/{talk}`,
  `${G}/speakers`,
  `${G}/speakers/{speaker}`,
  `${G}/events/{meeting}`,
  `${G}/events/{meeting}/agenda`
];

type Ids = Record<
  'openTopic' | 'scheduledTopic' | 'closedRound' | 'openRound' | 'talk' | 'speaker' | 'meeting',
  string
>;

let fixtures: Promise<Ids> | undefined;

/** `{name}` placeholders in a checked path, filled in. */
function withIds(path: string, ids: Ids): string {
  return path.replace(/\{(\w+)\}/g, (_, key: keyof Ids) => ids[key]);
}

async function items<T>(api: APIRequestContext, path: string): Promise<T[]> {
  const response = await api.get(`/api/v1${path}`);
  expect(response.status(), path).toBe(200);
  return ((await response.json()) as { items: T[] }).items;
}

/**
 * Two meetings: the first with a closed round (two topics picked onto its agenda) and an accepted
 * talk; the second with an open round over the rest of the backlog, one topic commented.
 */
async function build(api: APIRequestContext): Promise<void> {
  const headers = { origin: BASE_URL };
  const first = await postMeeting(api, GROUP, 'Practice Check One', 7);
  const second = await postMeeting(api, GROUP, 'Practice Check Two', 21);
  const charts = await postTopic(api, GROUP, 'Accessible charts', 'explain');
  const keyboard = await postTopic(api, GROUP, 'Keyboard traps');
  const readers = await postTopic(api, GROUP, 'Screen reader testing');
  const closed = await openRound(api, GROUP, first);
  await addVote(api, closed, charts);
  await addVote(api, closed, keyboard);
  await closeRound(api, closed);
  await postTalk(api, GROUP, 'Contrast that works', first);
  await postTopic(api, GROUP, 'Focus order in dialogs');
  const open = await openRound(api, GROUP, second);
  await addVote(api, open, readers);
  const comment = await api.post(`/api/v1/groups/${GROUP}/topics/${readers}/comments`, {
    headers,
    data: { body: 'We could try **NVDA** and VoiceOver side by side.' }
  });
  expect(comment.status()).toBe(201);
}

/** Finds the fixtures (building them the first time): ids by their names. */
async function ensureFixtures(): Promise<Ids> {
  const api = await signedInApi();
  const group = await api.get(`/api/v1/groups/${GROUP}`);
  if (group.status() === 404) {
    await postPracticeGroup(api, { slug: GROUP, name: 'Practice Accessibility' });
    await build(api);
  }
  type Titled = { id: string; title: string; status: string };
  const topics = await items<Titled>(api, `/groups/${GROUP}/topics?status=all&limit=100`);
  const rounds = await items<{ id: string; status: string; event: { id: string } }>(
    api,
    `/groups/${GROUP}/rounds`
  );
  const talks = await items<Titled>(api, `/groups/${GROUP}/talks?status=all`);
  const speakers = await items<{ id: string }>(api, `/groups/${GROUP}/speakers`);
  await api.dispose();
  const find = <T>(list: T[], match: (item: T) => boolean, what: string): T => {
    const found = list.find(match);
    expect(found, what).toBeDefined();
    return found as T;
  };
  const closed = find(rounds, (r) => r.status === 'closed', 'closed round');
  return {
    openTopic: find(topics, (t) => t.title === 'Screen reader testing', 'open topic').id,
    scheduledTopic: find(topics, (t) => t.title === 'Accessible charts', 'scheduled topic').id,
    closedRound: closed.id,
    openRound: find(rounds, (r) => r.status === 'open', 'open round').id,
    talk: find(talks, (t) => t.title === 'Contrast that works', 'talk').id,
    speaker: find(speakers, () => true, 'speaker').id,
    meeting: closed.event.id
  };
}

for (const lang of LANGUAGES) {
  test.describe(`practice pages in ${lang}`, () => {
    test.beforeEach(async ({ context }) => {
      await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
    });

    for (const path of PUBLIC_PAGES) {
      test(`${path} has no serious accessibility problems`, async ({ page }) => {
        fixtures ??= ensureFixtures();
        await expectAccessible(page, withIds(path, await fixtures), lang);
      });
    }

    test.describe('signed in', () => {
      test.use({ storageState: SIGNED_IN_STATE });

      for (const path of SIGNED_IN_PAGES) {
        test(`${path} has no serious accessibility problems`, async ({ page }) => {
          fixtures ??= ensureFixtures();
          await expectAccessible(page, withIds(path, await fixtures), lang);
        });
      }
    });
  });
}
