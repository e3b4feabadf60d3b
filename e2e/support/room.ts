import {
  expect,
  type APIRequestContext,
  type Browser,
  type BrowserContext
} from '@playwright/test';
import { newAccount, type Account } from './accounts.ts';
import { createMember } from './admin.ts';
import { joinGroup, loggedInContext } from './practice.ts';
import { BASE_URL } from './server.ts';

/** Unsafe API calls need the site's origin (CSRF check). */
const headers = { origin: BASE_URL };

/**
 * A new member of `slug` who is going to the meeting, logged in (one log-in) in a new browser
 * context. Returns the account and its context.
 */
export async function goingMember(
  browser: Browser,
  label: string,
  slug: string,
  meetingId: string
): Promise<{ account: Account; context: BrowserContext }> {
  const account = newAccount(label);
  await createMember(account);
  const context = await loggedInContext(browser, account);
  await joinGroup(context.request, slug);
  await rsvpGoing(context.request, meetingId);
  return { account, context };
}

/** Says "going" to a meeting. */
export async function rsvpGoing(api: APIRequestContext, meetingId: string): Promise<void> {
  const rsvp = await api.put(`/api/v1/events/${meetingId}/rsvp`, {
    headers,
    data: { status: 'going', guests: 0 }
  });
  expect(rsvp.status(), 'rsvp going').toBe(200);
}

/**
 * A second browser context with the same session as `context` (no second log-in), e.g. with
 * JavaScript off to check the plain forms.
 */
export async function sameSession(
  browser: Browser,
  context: BrowserContext,
  options: { javaScriptEnabled?: boolean } = {}
): Promise<BrowserContext> {
  return browser.newContext({ ...options, storageState: await context.storageState() });
}

/** Opens a meeting's room early (hosts). */
export async function openRoomEarly(api: APIRequestContext, meetingId: string): Promise<void> {
  const opened = await api.post(`/api/v1/events/${meetingId}/room/open`, { headers });
  expect([200, 204], 'open room').toContain(opened.status());
}

/** Asks a question in a room; returns its id. */
export async function askQuestion(
  api: APIRequestContext,
  meetingId: string,
  body: string,
  anonymous = false
): Promise<string> {
  const asked = await api.post(`/api/v1/events/${meetingId}/questions`, {
    headers,
    data: { body, anonymous }
  });
  expect(asked.status(), `ask ${body}`).toBe(201);
  return ((await asked.json()) as { id: string }).id;
}

/** Raises the caller's hand in a room. */
export async function raiseHand(api: APIRequestContext, meetingId: string): Promise<void> {
  const raised = await api.post(`/api/v1/events/${meetingId}/hands`, { headers });
  expect([200, 201], 'raise hand').toContain(raised.status());
}

/** Launches a meeting poll at once; returns its id. */
export async function launchPoll(
  api: APIRequestContext,
  slug: string,
  meetingId: string,
  question: string,
  options: string[]
): Promise<string> {
  const created = await api.post(`/api/v1/groups/${slug}/polls`, {
    headers,
    data: {
      question,
      options,
      choice: 'single',
      anonymous: true,
      results: 'live',
      eventId: meetingId,
      open: true
    }
  });
  expect(created.status(), `launch poll ${question}`).toBe(201);
  return ((await created.json()) as { id: string }).id;
}
