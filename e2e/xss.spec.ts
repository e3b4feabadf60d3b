import { expect, test, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { newAccount } from './support/accounts.ts';
import { createMember } from './support/admin.ts';
import { postGroup, signedInApi } from './support/groups.ts';
import { joinGroup, loggedInContext } from './support/practice.ts';
import { BASE_URL } from './support/server.ts';

// Known markdown and HTML attacks in post titles, post bodies, comments and a display name,
// rendered in Chromium: a tripwire (`top.__xss()`, and any dialog) counts executions, which must
// stay at zero on the board, on every post's page and on the combined board; and nothing of the
// corpus leaves a script, an event handler or a dangerous URL in the DOM.

const headers = { origin: BASE_URL };

/** Each payload calls the tripwire with its number when it runs. */
const CORPUS: readonly string[] = [
  '<script>top.__xss(1)</script>',
  '<img src=x onerror=top.__xss(2)>',
  '<svg onload=top.__xss(3)>',
  '<svg><script>top.__xss(4)</script></svg>',
  '<iframe src="javascript:top.__xss(5)"></iframe>',
  '<iframe srcdoc="<script>top.__xss(6)</script>"></iframe>',
  '[click me](javascript:top.__xss(7))',
  '![image](javascript:top.__xss(8))',
  '[data](data:text/html;base64,PHNjcmlwdD50b3AuX194c3MoOSk8L3NjcmlwdD4=)',
  '![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9dG9wLl9feHNzKDEwKT4=)',
  '<a href="jav&#x09;ascript:top.__xss(11)">tab</a>',
  '[entity](jav&#x09;ascript:top.__xss(12))',
  '<noscript><p title="</noscript><img src=x onerror=top.__xss(13)>">',
  '<math><mtext><table><mglyph><style><img src=x onerror=top.__xss(14)>',
  '<svg><style><img src=x onerror=top.__xss(15)></style></svg>',
  '<div style="background:url(javascript:top.__xss(16))">bg</div>',
  '<div style="width:expression(top.__xss(17))">expr</div>',
  '<body onload=top.__xss(18)>',
  '<input autofocus onfocus=top.__xss(19)>',
  '<details open ontoggle=top.__xss(20)>',
  '<video><source onerror=top.__xss(21)></video>',
  '<object data="javascript:top.__xss(22)"></object>',
  '<embed src="javascript:top.__xss(23)">',
  '<form><button formaction=javascript:top.__xss(24)>go</button></form>',
  '<a href="javascript:top.__xss(25)">plain</a>',
  '[case](JaVaScRiPt:top.__xss(26))',
  '<<script>script>top.__xss(27)<</script>/script>',
  '<img src="x" onerror="&#116;op.__xss(28)">',
  '"><img src=x onerror=top.__xss(29)>',
  '<marquee onstart=top.__xss(30)>m</marquee>',
  '[vb](vbscript:top.__xss(31))',
  '<svg><a xlink:href="javascript:top.__xss(32)"><text>x</text></a></svg>',
  '<meta http-equiv="refresh" content="0;url=javascript:top.__xss(33)">',
  '<style>@import "javascript:top.__xss(34)";</style>',
  '<img src=x onerror=eval(atob("dG9wLl9feHNzKDM1KQ=="))>',
  '<javascript:top.__xss(36)>',
  '`<img src=x onerror=top.__xss(37)>`',
  '[ref][r]\n\n[r]: javascript:top.__xss(38)',
  '<a href="&#106;avascript:top.__xss(39)">dec</a>',
  '[paren](javascript&colon;top.__xss(40))',
  '<svg><animate onbegin=top.__xss(41) attributeName=x dur=1s>'
];

/** A display name that would run if the page ever rendered it as HTML (at most 80 characters). */
const NAME = '<img src=x onerror=top.__xss(99)>"\'><svg onload=top.__xss(98)>';

interface Fixture {
  slug: string;
  postIds: string[];
  memberState: Awaited<ReturnType<Awaited<ReturnType<typeof loggedInContext>>['storageState']>>;
}

let fixture: Promise<Fixture> | undefined;

async function build(browser: Parameters<typeof loggedInContext>[0]): Promise<Fixture> {
  const id = randomUUID().slice(0, 8);
  const slug = `xss-${id}`;
  const owner = await signedInApi();
  await postGroup(owner, { slug, name: `XSS ${id}`, description: 'Hostile input.' });
  await owner.dispose();
  const account = newAccount('xss');
  await createMember(account);
  const member = await loggedInContext(browser, account);
  await joinGroup(member.request, slug);
  const named = await member.request.patch('/api/v1/me', {
    headers,
    data: { displayName: NAME, openToWork: true }
  });
  expect(named.status(), 'display name').toBe(200);
  const postIds: string[] = [];
  for (const [i, payload] of CORPUS.entries()) {
    const res = await member.request.post(`/api/v1/groups/${slug}/posts`, {
      headers,
      data: { kind: 'discussion', title: `${i} ${payload}`.slice(0, 140), body: payload }
    });
    expect(res.status(), `post ${i}: ${await res.text()}`).toBe(201);
    const { id: postId } = (await res.json()) as { id: string };
    postIds.push(postId);
    const comment = await member.request.post(`/api/v1/posts/${postId}/comments`, {
      headers,
      data: { body: payload }
    });
    expect(comment.status(), `comment ${i}`).toBe(201);
  }
  const memberState = await member.storageState();
  await member.close();
  return { slug, postIds, memberState };
}

/** Installs the tripwire on a page: calls of `__xss` and dialogs are counted. */
async function tripwire(page: Page): Promise<{ hits: string[] }> {
  const state = { hits: [] as string[] };
  await page.exposeFunction('__xss', (n: unknown) => {
    state.hits.push(`__xss(${String(n)}) on ${page.url()}`);
  });
  page.on('dialog', (dialog) => {
    state.hits.push(`dialog "${dialog.message()}" on ${page.url()}`);
    void dialog.dismiss();
  });
  return state;
}

/** Nothing of the corpus left a script, an inline handler or a dangerous URL in the page. */
async function expectInert(page: Page): Promise<void> {
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    // The page's own bootstrap script carries the corpus as JSON data; no script may come from it.
    for (const script of document.querySelectorAll('script')) {
      const text = script.textContent;
      if (text.includes('__xss') && !text.includes('__sveltekit_')) {
        bad.push(`script: ${script.outerHTML.slice(0, 80)}`);
      }
    }
    for (const el of document.querySelectorAll('main *')) {
      for (const attr of el.attributes) {
        const value = Array.from(attr.value, (c) => (c.charCodeAt(0) > 32 ? c : ''))
          .join('')
          .toLowerCase();
        if (attr.name.startsWith('on')) bad.push(`${el.tagName} ${attr.name}`);
        if (/^(javascript|vbscript|data):/.test(value))
          bad.push(`${el.tagName} ${attr.name}=${value.slice(0, 40)}`);
        if (attr.name === 'style' || attr.name === 'srcdoc') bad.push(`${el.tagName} ${attr.name}`);
      }
      if (
        ['IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'STYLE', 'META', 'BASE', 'FORM'].includes(
          el.tagName.toUpperCase()
        ) &&
        el.closest('.prose, h1, h3')
      ) {
        bad.push(`element ${el.tagName}`);
      }
    }
    return bad;
  });
  expect(found).toEqual([]);
}

test('the corpus runs nowhere on the board, its posts and the combined board', async ({
  browser
}) => {
  test.setTimeout(180_000);
  fixture ??= build(browser);
  const { slug, postIds, memberState } = await fixture;
  const context = await browser.newContext({ storageState: memberState });
  const page = await context.newPage();
  const trip = await tripwire(page);

  const visit = async (path: string) => {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await page.waitForLoadState('networkidle');
    await expectInert(page);
  };

  await visit(`/groups/${slug}/board`);
  await expect(page.locator('main ul.items > li').first()).toContainText('<');
  const more = page.locator('a[rel="next"]');
  if ((await more.count()) > 0) await visit((await more.getAttribute('href')) ?? '');
  for (const id of postIds) await visit(`/groups/${slug}/board/${id}`);
  // The display name and the open-to-work badge show as text next to the author.
  await expect(page.locator('main .author strong').first()).toHaveText(NAME);
  await visit('/board');
  await page.waitForTimeout(500);
  expect(trip.hits).toEqual([]);
  await context.close();
});
