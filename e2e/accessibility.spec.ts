import AxeBuilder from '@axe-core/playwright';
import { expect, test, type ConsoleMessage, type Page } from '@playwright/test';
import { ADMIN_STATE, ensureNetwork } from './support/admin.ts';
import { PLACES, postGroup, signedInApi } from './support/groups.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

const LANGUAGES = ['en', 'de'] as const;

/** A private group the signed-in account owns, for the group pages (see `ensureFixtures`). */
const GROUP = 'a11y-check';
/** A public group of the same owner: what visitors see of a group they may read. */
const OPEN_GROUP = 'a11y-open';
/** A network with both groups as chapters. */
const NETWORK = 'a11y-network';

const PUBLIC_PAGES = [
  '/',
  '/sign-up',
  '/log-in',
  '/verify-email?token=not-a-valid-token',
  '/forgot-password',
  '/groups',
  '/groups?city=M%C3%BCnchen&tags=a11y',
  `/groups/${GROUP}`,
  `/groups/${OPEN_GROUP}`,
  `/networks/${NETWORK}`,
  '/reset-password?token=some-token',
  `/groups/${OPEN_GROUP}/events`,
  `/groups/${OPEN_GROUP}/events/{event}`,
  `/groups/${OPEN_GROUP}/series/{series}`,
  '/unsubscribe?token=not-a-valid-token',
  '/this-page-does-not-exist'
];

const SIGNED_IN_PAGES = [
  '/',
  '/settings',
  '/settings/account',
  '/settings/sessions',
  '/settings/tokens',
  '/groups',
  '/groups/new',
  `/groups/${GROUP}`,
  `/groups/${GROUP}/members`,
  `/groups/${GROUP}/requests`,
  `/groups/${GROUP}/edit`,
  `/networks/${NETWORK}`,
  '/meetings',
  `/groups/${OPEN_GROUP}`,
  `/groups/${OPEN_GROUP}/events/new`,
  `/groups/${OPEN_GROUP}/events/{event}`,
  `/groups/${OPEN_GROUP}/events/{event}/edit`,
  `/groups/${OPEN_GROUP}/events/{event}/check-in`,
  `/groups/${OPEN_GROUP}/series/new`,
  `/groups/${OPEN_GROUP}/series/{series}`,
  `/groups/${OPEN_GROUP}/venues`,
  `/groups/${OPEN_GROUP}/sponsors`
];

/** Ids of the meeting and series that `ensureMeetingFixtures` found or made ({event}, {series}). */
const meetingIds = { event: '', series: '' };

/** `{event}` and `{series}` in a checked path, filled in. */
function withIds(path: string): string {
  return path.replace('{event}', meetingIds.event).replace('{series}', meetingIds.series);
}

/**
 * A venue, a sponsor, a series and a single published meeting with all of them in the public
 * group, unless another worker made them already (a second copy from a race is harmless).
 */
async function ensureMeetingFixtures(): Promise<void> {
  const api = await signedInApi();
  const headers = { origin: BASE_URL };
  const base = `/api/v1/groups/${OPEN_GROUP}`;
  const first = async <T>(path: string, match: (item: T) => boolean): Promise<T | undefined> => {
    const response = await api.get(`${base}${path}`);
    expect(response.status(), path).toBe(200);
    return ((await response.json()) as { items: T[] }).items.find(match);
  };
  const create = async (path: string, data: Record<string, unknown>): Promise<string> => {
    const response = await api.post(`${base}${path}`, { headers, data });
    expect(response.status(), `create ${path}`).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  type Named = { id: string; name: string };
  type Titled = { id: string; title: string };
  const venueId =
    (await first<Named>('/venues', (v) => v.name === 'Accessibility Hall'))?.id ??
    (await create('/venues', {
      name: 'Accessibility Hall',
      address: 'Marienplatz 1, 80331 München',
      room: 'Room 2',
      accessibility: 'Step-free entrance; lift to every floor.',
      host: 'City of Munich',
      latitude: 48.1374,
      longitude: 11.5755
    }));
  const sponsorId =
    (await first<Named>('/sponsors', (v) => v.name === 'Accessible Snacks'))?.id ??
    (await create('/sponsors', {
      name: 'Accessible Snacks',
      url: 'https://example.com/snacks',
      contributions: ['food', 'room']
    }));
  meetingIds.series =
    (await first<Titled>('/series', (s) => s.title === 'Accessibility Monthly'))?.id ??
    (await create('/series', {
      title: 'Accessibility Monthly',
      description: 'We test pages together.',
      recurrence: {
        frequency: 'monthly',
        interval: 1,
        weekday: 'TU',
        weekOfMonth: 2,
        startDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
        startTime: '19:00',
        durationMinutes: 120
      },
      venueId
    }));
  const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  meetingIds.event =
    (
      await first<Titled>(
        '/events?when=upcoming&limit=100',
        (e) => e.title === 'Accessibility Evening'
      )
    )?.id ??
    (await create('/events', {
      title: 'Accessibility Evening',
      description: 'Screen readers, **contrast** and keyboards.',
      startsAt: `${inAMonth}T18:30`,
      endsAt: `${inAMonth}T21:00`,
      venueId,
      onlineUrl: 'https://meet.example.com/a11y',
      capacity: 30,
      guestLimit: 2,
      sponsorIds: [sponsorId],
      publish: true
    }));
  await api.dispose();
}

/** Creates the checked groups and network through the API unless another worker already did. */
async function ensureFixtures(): Promise<void> {
  const api = await signedInApi();
  await postGroup(
    api,
    {
      slug: GROUP,
      name: 'Accessibility Check',
      kind: 'practice',
      description: 'A group with **markdown**, tags and a [link](https://example.com).',
      tags: ['a11y', 'testing'],
      ...PLACES.cologne,
      websiteUrl: 'https://example.com',
      visibility: 'private',
      joinPolicy: 'approval',
      joinQuestions: ['Why do you want to join?']
    },
    { allowTaken: true }
  );
  await postGroup(
    api,
    {
      slug: OPEN_GROUP,
      name: 'Accessibility Open House',
      description: 'Everyone is welcome: we test **pages** with screen readers.',
      tags: ['a11y'],
      ...PLACES.munich,
      chatUrl: 'https://chat.example.com',
      codeOfConductUrl: 'https://example.com/conduct'
    },
    { allowTaken: true }
  );
  await api.dispose();
  await ensureNetwork(
    { slug: NETWORK, name: 'Accessibility Network', description: 'Groups that test for everyone.' },
    [GROUP, OPEN_GROUP]
  );
}

const ADMIN_PAGES = ['/admin/users', '/admin/groups', '/admin/settings', '/admin/audit'];

/**
 * No serious or critical axe violations, no sideways scrolling at 375px, and nothing in the
 * console: no CSP violation, no script error.
 */
async function expectAccessible(page: Page, path: string, lang: string): Promise<void> {
  await test.step(`${path} (${lang})`, async () => {
    const problems: string[] = [];
    const onConsole = (message: ConsoleMessage): void => {
      const text = message.text();
      // The error page's own 404 is expected; anything else is not.
      if (message.type() === 'error' && !text.includes('status of 404')) problems.push(text);
    };
    const onPageError = (error: Error): void => {
      problems.push(error.message);
    };
    page.on('console', onConsole);
    page.on('pageerror', onPageError);
    await page.setViewportSize({ width: 1280, height: 800 });
    const response = await page.goto(path);
    expect(response?.status(), `${path} status`).toBe(path.includes('does-not-exist') ? 404 : 200);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.locator('h1')).toHaveCount(1);

    const results = await new AxeBuilder({ page }).analyze();
    const severe = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((node) => node.target.join(' '))
      }));
    expect(severe, `axe on ${path} (${lang})`).toEqual([]);

    // Usable on a small phone: nothing wider than the screen.
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth
    );
    expect(overflow, `${path} scrolls sideways at 375px`).toBeLessThanOrEqual(0);
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    expect(problems, `console of ${path}`).toEqual([]);
  });
}

// One test per page and language: short tests that spread over the workers.
for (const lang of LANGUAGES) {
  test.describe(`in ${lang}`, () => {
    test.beforeAll(async () => {
      await ensureFixtures();
      await ensureMeetingFixtures();
    });
    test.beforeEach(async ({ context }) => {
      await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
    });

    for (const path of PUBLIC_PAGES) {
      test(`${path} has no serious accessibility problems`, async ({ page }) => {
        await expectAccessible(page, withIds(path), lang);
      });
    }

    test.describe('signed in', () => {
      test.use({ storageState: SIGNED_IN_STATE });

      for (const path of SIGNED_IN_PAGES) {
        test(`${path} has no serious accessibility problems`, async ({ page }) => {
          await expectAccessible(page, withIds(path), lang);
        });
      }
    });

    test.describe('as the instance admin', () => {
      test.use({ storageState: ADMIN_STATE });

      for (const path of ADMIN_PAGES) {
        test(`${path} has no serious accessibility problems`, async ({ page }) => {
          await expectAccessible(page, path, lang);
        });
      }
    });
  });
}

test.describe('in dark mode', () => {
  test.use({ colorScheme: 'dark', storageState: SIGNED_IN_STATE });

  for (const path of ['/', '/settings', '/settings/tokens']) {
    test(`${path} has no serious accessibility problems`, async ({ page }) => {
      await expectAccessible(page, path, 'en');
    });
  }
});
