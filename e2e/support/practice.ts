import AxeBuilder from '@axe-core/playwright';
import {
  expect,
  test,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page
} from '@playwright/test';
import { createHmac } from 'node:crypto';
import type { Account } from './accounts.ts';
import { postGroup } from './groups.ts';
import { BASE_URL } from './server.ts';

/** Unsafe API calls need the site's origin (CSRF check). */
const headers = { origin: BASE_URL };

/** `YYYY-MM-DD` in `days` days (UTC), for meetings far enough ahead of any time zone. */
export function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A browser context with `account` logged in through the API (one log-in, no form). */
export async function loggedInContext(
  browser: Browser,
  account: Account,
  options: { javaScriptEnabled?: boolean } = {}
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  const logIn = await context.request.post('/api/v1/auth/log-in', {
    headers,
    data: { email: account.email, password: account.password }
  });
  expect(logIn.status()).toBe(200);
  return context;
}

/** Creates a public, open Community-of-Practice group (`allowTaken` for shared fixtures). */
export async function postPracticeGroup(
  api: APIRequestContext,
  group: { slug: string; name: string },
  options: { allowTaken?: boolean } = {}
): Promise<void> {
  await postGroup(
    api,
    {
      ...group,
      kind: 'practice',
      description: 'Peers who pick their own topics.',
      tags: ['practice'],
      onlineOnly: true
    },
    options
  );
}

/** Joins an open group as the API client's account. */
export async function joinGroup(api: APIRequestContext, slug: string): Promise<void> {
  const joined = await api.post(`/api/v1/groups/${slug}/join`, { headers, data: {} });
  expect(joined.status(), `join ${slug}`).toBe(200);
}

/** A published online meeting of the group `days` days ahead; returns its id. */
export async function postMeeting(
  api: APIRequestContext,
  slug: string,
  title: string,
  days: number
): Promise<string> {
  const day = inDays(days);
  const created = await api.post(`/api/v1/groups/${slug}/events`, {
    headers,
    data: {
      title,
      description: 'We talk about the topics members voted for.',
      startsAt: `${day}T18:30`,
      endsAt: `${day}T21:00`,
      onlineUrl: 'https://meet.example.com/practice',
      publish: true
    }
  });
  expect(created.status(), `create meeting ${title}`).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

/** Proposes a topic through the API; returns its id. */
export async function postTopic(
  api: APIRequestContext,
  slug: string,
  title: string,
  wants: 'present' | 'explain' = 'present'
): Promise<string> {
  const created = await api.post(`/api/v1/groups/${slug}/topics`, {
    headers,
    data: { title, description: `Let us talk about **${title}**.`, wants }
  });
  expect(created.status(), `propose ${title}`).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

/** Opens the group's voting round for a meeting; returns the round's id. */
export async function openRound(
  api: APIRequestContext,
  slug: string,
  eventId: string
): Promise<string> {
  const opened = await api.post(`/api/v1/groups/${slug}/rounds`, { headers, data: { eventId } });
  expect(opened.status(), 'open round').toBe(201);
  return ((await opened.json()) as { id: string }).id;
}

/** One more vote on a topic in a round. */
export async function addVote(
  api: APIRequestContext,
  roundId: string,
  topicId: string
): Promise<void> {
  const voted = await api.post(`/api/v1/rounds/${roundId}/votes/${topicId}/add`, { headers });
  expect(voted.status(), 'vote').toBe(200);
}

/** Closes a round now. */
export async function closeRound(api: APIRequestContext, roundId: string): Promise<void> {
  const closed = await api.post(`/api/v1/rounds/${roundId}/close`, { headers });
  expect(closed.status(), 'close round').toBe(200);
}

/**
 * A talk proposal by the API client's account; with `eventId` (organizers only) it is accepted
 * into that meeting at once. Returns the talk's id.
 */
export async function postTalk(
  api: APIRequestContext,
  slug: string,
  title: string,
  eventId?: string
): Promise<string> {
  const created = await api.post(`/api/v1/groups/${slug}/talks`, {
    headers,
    data: {
      title,
      abstract: `What we learned about **${title}**.`,
      durationMinutes: 30,
      level: 'beginner',
      ...(eventId ? { eventId } : {})
    }
  });
  expect(created.status(), `propose talk ${title}`).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

/** Accepts a talk into a meeting (organizers). */
export async function acceptTalk(
  api: APIRequestContext,
  slug: string,
  talkId: string,
  eventId: string
): Promise<void> {
  const accepted = await api.post(`/api/v1/groups/${slug}/talks/${talkId}/accept`, {
    headers,
    data: { eventId }
  });
  expect(accepted.status(), 'accept talk').toBe(200);
}

/**
 * No serious or critical axe violations, one h1, the page's language, no sideways scrolling at
 * 375px and nothing in the console (no CSP violation, no script error) — as in
 * `accessibility.spec.ts`.
 */
export async function expectAccessible(page: Page, path: string, lang: string): Promise<void> {
  await test.step(`${path} (${lang})`, async () => {
    const problems: string[] = [];
    const onConsole = (message: ConsoleMessage): void => {
      if (message.type() === 'error') problems.push(message.text());
    };
    const onPageError = (error: Error): void => {
      problems.push(error.message);
    };
    page.on('console', onConsole);
    page.on('pageerror', onPageError);
    await page.setViewportSize({ width: 1280, height: 800 });
    const response = await page.goto(path);
    expect(response?.status(), `${path} status`).toBe(200);
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

/** Sends a slash command to the group's chat endpoint, signed like Slack does; returns the reply. */
export async function chatCommand(
  api: APIRequestContext,
  slug: string,
  secret: string,
  command: { teamId: string; userId: string; text: string }
): Promise<string> {
  const body = new URLSearchParams({
    team_id: command.teamId,
    user_id: command.userId,
    text: command.text,
    command: '/guildhall'
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const reply = await api.post(`/api/v1/chat/${slug}/commands`, {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': signature,
      'x-slack-request-timestamp': timestamp
    },
    data: body
  });
  expect(reply.status(), `chat command ${command.text}`).toBe(200);
  return ((await reply.json()) as { text: string }).text;
}
