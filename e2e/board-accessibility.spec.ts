import { expect, test, type Browser } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount } from './support/accounts.ts';
import { createMember } from './support/admin.ts';
import { postGroup, signedInApi } from './support/groups.ts';
import { expectAccessible, joinGroup, loggedInContext } from './support/practice.ts';
import { BASE_URL } from './support/server.ts';
import { SIGNED_IN_STATE } from './support/session.ts';

// The board's pages in English and German, for the group's owner: the board with a pinned
// announcement, a solved help request with a comment, a reply and reactions, a job lead and a
// member open to work; the new-post form; a post's page; the combined board.

const LANGUAGES = ['en', 'de'] as const;
const headers = { origin: BASE_URL };

interface Fixtures {
  slug: string;
  postId: string;
}

let fixtures: Promise<Fixtures> | undefined;

async function build(browser: Browser): Promise<Fixtures> {
  const id = randomUUID().slice(0, 8);
  const slug = `a11y-board-${id}`;
  const api = await signedInApi();
  await postGroup(api, {
    slug,
    name: `Board Accessibility ${id}`,
    description: 'Checking the board.',
    codeOfConductUrl: 'https://example.com/conduct'
  });
  const account = newAccount('a11y-board');
  await createMember(account);
  const member = await loggedInContext(browser, account);
  await joinGroup(member.request, slug);
  const open = await member.request.patch('/api/v1/me', { headers, data: { openToWork: true } });
  expect(open.status(), 'open to work').toBe(200);
  const post = async (ctx: typeof api, data: Record<string, unknown>): Promise<{ id: string }> => {
    const res = await ctx.post(`/api/v1/groups/${slug}/posts`, { headers, data });
    expect(res.status(), `post ${String(data.kind)}`).toBe(201);
    return (await res.json()) as { id: string };
  };
  const help = await post(member.request, {
    kind: 'help',
    title: 'How do you test focus order in dialogs?',
    body: 'We use **Playwright** and `axe`. Any tips?',
    linkUrl: 'https://example.com/focus'
  });
  const comment = await api.post(`/api/v1/posts/${help.id}/comments`, {
    headers,
    data: { body: 'Tab through it with a screen reader on.' }
  });
  expect(comment.status()).toBe(201);
  const { id: commentId } = (await comment.json()) as { id: string };
  await member.request.post(`/api/v1/posts/${help.id}/comments`, {
    headers,
    data: { body: 'Thanks!', parentId: commentId }
  });
  await member.request.put(`/api/v1/comments/${commentId}/reactions/thanks`, { headers });
  await api.put(`/api/v1/posts/${help.id}/reactions/heart`, { headers });
  await member.request.post(`/api/v1/posts/${help.id}/solved`, { headers });
  await post(member.request, {
    kind: 'job',
    title: 'Accessibility engineer wanted',
    body: 'Remote.'
  });
  const news = await post(api, { kind: 'announcement', title: 'Welcome', body: 'Be kind.' });
  await api.post(`/api/v1/posts/${news.id}/pin`, { headers });
  await api.dispose();
  await member.close();
  return { slug, postId: help.id };
}

for (const lang of LANGUAGES) {
  test(`the board's pages in ${lang}: no serious accessibility problems`, async ({ browser }) => {
    test.setTimeout(180_000);
    fixtures ??= build(browser);
    const { slug, postId } = await fixtures;
    const context = await browser.newContext({ storageState: SIGNED_IN_STATE });
    await context.addCookies([{ name: 'guildhall_lang', value: lang, url: BASE_URL }]);
    const page = await context.newPage();
    await expectAccessible(page, `/groups/${slug}/board`, lang);
    await expect(page.locator('main ul.items > li')).toHaveCount(3);
    await expectAccessible(page, `/groups/${slug}/board?kind=help`, lang);
    await expectAccessible(page, `/groups/${slug}/board/new`, lang);
    await expect(page.locator('select[name="kind"] option')).toHaveCount(5);
    await expectAccessible(page, `/groups/${slug}/board/${postId}`, lang);
    await expect(page.locator('.comments article')).toHaveCount(2);
    await expect(
      page.locator('.badge', { hasText: lang === 'en' ? 'Open to work' : 'Offen für Jobs' }).first()
    ).toBeVisible();
    await expectAccessible(page, '/board', lang);
    await expectAccessible(page, `/groups/${slug}`, lang);
    await context.close();
  });
}
