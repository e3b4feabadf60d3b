import { beforeAll, expect, it } from 'vitest';
import { seedBoard } from '../../../cli/demo-board.ts';
import { LINK_PREVIEW_QUEUE } from '../../../services/net/link-preview.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import {
  boardClient,
  buildBoardGroup,
  type BoardUser,
  errorsOf,
  postBody,
  type WirePost
} from './board-test-support.ts';

// The board's posts end to end: posting (and refusing bad input field by field, storing nothing),
// the kinds' rules (announcements for organizers, job leads that expire), editing, removing,
// marking solved, pinning first, the combined board of one's groups, and "open to work".
describeWithApp('board posts', (app) => {
  let t: TestApp;
  let api: ReturnType<typeof boardClient>;
  let g: Awaited<ReturnType<typeof buildBoardGroup>>;
  let member: BoardUser;
  let other: BoardUser;

  beforeAll(async () => {
    t = app();
    api = boardClient(t);
    g = await buildBoardGroup(t, 'board-posts');
    [member, other] = g.members as [BoardUser, BoardUser];
  });

  const postCount = async () =>
    Number(
      (
        await t.testDb.db.kysely
          .selectFrom('posts')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n
    );

  async function makePost(token: string, over: Record<string, unknown> = {}): Promise<WirePost> {
    const res = await api.create(g.group.slug, token, postBody(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json<WirePost>();
  }

  it('creates a post with rendered, sanitized markdown and lists it', async () => {
    const post = await makePost(member.token, {
      title: '  Need a hand  ',
      body: 'Hi <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)'
    });
    expect(post).toMatchObject({
      kind: 'help',
      title: 'Need a hand',
      status: 'visible',
      commentCount: 0,
      link: null,
      author: { id: member.id, openToWork: false },
      viewer: { isAuthor: true, canEdit: true, canSolve: true, canPin: false, canReport: false }
    });
    expect(post.bodyHtml).not.toContain('<script');
    expect(post.bodyHtml).not.toMatch(/href="javascript/i);
    expect(post.bodyHtml).toContain('rel="nofollow ugc noopener"');
    const list = (await api.list(g.group.slug, other.token)).json<{ items: WirePost[] }>();
    expect(list.items.map((p) => p.id)).toContain(post.id);
    expect(list.items.find((p) => p.id === post.id)?.viewer.canReport).toBe(true);
  });

  it('refuses each invalid field with its message and stores nothing', async () => {
    const before = await postCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: undefined }, 'kind: Required.'],
      [{ kind: 'rant' }, 'kind'],
      [{ title: 'ab' }, 'title'],
      [{ title: 'x'.repeat(141) }, 'title'],
      [{ body: '   ' }, 'body'],
      [{ body: 'x'.repeat(20_001) }, 'body'],
      [{ linkUrl: 'javascript:alert(1)' }, 'linkUrl'],
      [{ linkUrl: 'ftp://example.com/x' }, 'linkUrl'],
      [{ linkUrl: `https://example.com/${'a'.repeat(2_000)}` }, 'linkUrl'],
      [{ extra: true }, 'extra']
    ];
    for (const [over, field] of cases) {
      const res = await api.create(g.group.slug, member.token, postBody(over));
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      const errors = errorsOf(res);
      expect(errors.length, errors.join()).toBe(1);
      expect(errors[0]?.startsWith(field.split(':')[0] ?? ''), errors.join()).toBe(true);
    }
    expect(await postCount()).toBe(before);
  });

  it('lets only organizers post announcements, with a clear message', async () => {
    const res = await api.create(g.group.slug, member.token, postBody({ kind: 'announcement' }));
    expect(res.statusCode).toBe(403);
    expect(res.json<{ detail: string }>().detail).toMatch(/organizers/i);
    const de = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${g.group.slug}/posts`,
      token: member.token,
      body: postBody({ kind: 'announcement' }),
      headers: { 'accept-language': 'de' }
    });
    expect(de.json<{ detail: string }>().detail).toMatch(/Ankündigungen/);
    const ok = await makePost(g.organizer.token, { kind: 'announcement', title: 'Welcome all' });
    expect(ok.kind).toBe('announcement');
  });

  it('expires job leads after the group’s job-lead days and hides them by default', async () => {
    await t.testDb.db.kysely
      .updateTable('groups')
      .set({ job_lead_days: 10 })
      .where('id', '=', g.group.id)
      .execute();
    const job = await makePost(member.token, { kind: 'job', title: 'Backend role at Acme' });
    const days = (Date.parse(job.expiresAt ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(9.9);
    expect(days).toBeLessThan(10.1);
    const expired = await makePost(member.token, { kind: 'job', title: 'Old role' });
    await t.testDb.db.kysely
      .updateTable('posts')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', expired.id)
      .execute();
    const ids = async (q: string) =>
      (await api.list(g.group.slug, member.token, q))
        .json<{ items: WirePost[] }>()
        .items.map((p) => p.id);
    expect(await ids('?kind=job')).toEqual([job.id]);
    expect(await ids('?kind=job&includeExpired=true')).toEqual([expired.id, job.id]);
    expect((await api.get(expired.id, member.token)).json<WirePost>().expired).toBe(true);
  });

  it('lets the author edit (marked edited) and nobody else', async () => {
    const post = await makePost(member.token);
    const res = await api.req('PATCH', `/posts/${post.id}`, member.token, {
      title: 'Updated title',
      linkUrl: 'https://example.com/article'
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<WirePost>()).toMatchObject({
      title: 'Updated title',
      link: { url: 'https://example.com/article', status: 'pending', title: null }
    });
    expect(res.json<WirePost>().editedAt).not.toBeNull();
    expect(t.queue.payloads(LINK_PREVIEW_QUEUE)).toContainEqual({ postId: post.id });
    expect(
      (await api.req('PATCH', `/posts/${post.id}`, other.token, { title: 'Hijack' })).statusCode
    ).toBe(403);
    expect(
      (await api.req('PATCH', `/posts/${post.id}`, g.organizer.token, { title: 'Mod' })).statusCode
    ).toBe(403);
    const bad = await api.req('PATCH', `/posts/${post.id}`, member.token, { title: 'x' });
    expect(bad.statusCode).toBe(400);
    expect((await api.get(post.id)).json<WirePost>().title).toBe('Updated title');
  });

  it('shows a link preview only once fetched', async () => {
    const post = await makePost(member.token, {
      kind: 'discussion',
      linkUrl: 'https://example.com/a'
    });
    expect(post.link).toEqual({
      url: 'https://example.com/a',
      status: 'pending',
      title: null,
      description: null
    });
    expect(t.queue.payloads(LINK_PREVIEW_QUEUE)).toContainEqual({ postId: post.id });
    await t.testDb.db.kysely
      .updateTable('posts')
      .set({ link_status: 'ok', link_title: 'A title', link_description: 'A description' })
      .where('id', '=', post.id)
      .execute();
    expect((await api.get(post.id)).json<WirePost>().link).toMatchObject({
      status: 'ok',
      title: 'A title',
      description: 'A description'
    });
  });

  it('removes a post: its words go, its comments stay, it leaves the list', async () => {
    const post = await makePost(member.token);
    await api.comment(post.id, other.token, { body: 'Try CoreDNS caching' });
    expect((await api.req('DELETE', `/posts/${post.id}`, other.token)).statusCode).toBe(403);
    expect((await api.req('DELETE', `/posts/${post.id}`, member.token)).statusCode).toBe(204);
    const gone = (await api.get(post.id, other.token)).json<WirePost>();
    expect(gone).toMatchObject({
      status: 'removed',
      title: '',
      body: '',
      bodyHtml: '',
      author: null
    });
    expect((await api.comments(post.id)).json<{ items: unknown[] }>().items).toHaveLength(1);
    const list = (await api.list(g.group.slug, member.token)).json<{ items: WirePost[] }>();
    expect(list.items.map((p) => p.id)).not.toContain(post.id);
    const mod = await makePost(member.token);
    expect((await api.req('DELETE', `/posts/${mod.id}`, g.organizer.token)).statusCode).toBe(204);
  });

  it('marks help posts solved and unsolved (author or moderators), only help posts', async () => {
    const post = await makePost(member.token);
    const solved = await api.req('POST', `/posts/${post.id}/solved`, member.token);
    expect(solved.json<WirePost>().solvedAt).not.toBeNull();
    expect((await api.req('POST', `/posts/${post.id}/solved`, other.token)).statusCode).toBe(403);
    const unsolved = await api.req('DELETE', `/posts/${post.id}/solved`, g.organizer.token);
    expect(unsolved.json<WirePost>().solvedAt).toBeNull();
    const talk = await makePost(member.token, { kind: 'discussion' });
    expect((await api.req('POST', `/posts/${talk.id}/solved`, member.token)).statusCode).toBe(409);
  });

  it('lists pinned posts first, newest pin first, and unpins', async () => {
    const b = await makePost(member.token, { title: 'Pinned later' });
    const a = await makePost(member.token, { title: 'Pinned first' });
    await makePost(member.token, { title: 'Newest unpinned' });
    expect((await api.req('POST', `/posts/${a.id}/pin`, member.token)).statusCode).toBe(403);
    expect((await api.req('POST', `/posts/${a.id}/pin`, g.organizer.token)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    expect((await api.req('POST', `/posts/${b.id}/pin`, g.owner.token)).statusCode).toBe(200);
    const ids = async () =>
      (await api.list(g.group.slug, member.token))
        .json<{ items: WirePost[] }>()
        .items.map((p) => p.id);
    expect((await ids()).slice(0, 2)).toEqual([b.id, a.id]);
    await api.req('DELETE', `/posts/${b.id}/pin`, g.organizer.token);
    expect((await ids())[0]).toBe(a.id);
    expect((await ids()).indexOf(b.id)).toBeGreaterThan(1);
  });

  it('pages through the board with a cursor, pinned posts on the first page only', async () => {
    const page1 = (await api.list(g.group.slug, member.token, '?limit=2')).json<{
      items: WirePost[];
      nextCursor: string | null;
    }>();
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (
      await api.list(g.group.slug, member.token, `?limit=2&cursor=${page1.nextCursor ?? ''}`)
    ).json<{ items: WirePost[] }>();
    expect(page2.items.every((p) => p.pinnedAt === null)).toBe(true);
    const seen = new Set(page1.items.map((p) => p.id));
    expect(page2.items.some((p) => seen.has(p.id))).toBe(false);
    expect((await api.list(g.group.slug, member.token, '?cursor=nope')).statusCode).toBe(400);
  });

  it('combines the boards of the caller’s active groups', async () => {
    const second = await buildBoardGroup(t, 'board-second', { members: 1 });
    const outsider = await buildBoardGroup(t, 'board-outside', { members: 1 });
    await t.testDb.db.kysely
      .insertInto('memberships')
      .values({
        group_id: second.group.id,
        user_id: member.id,
        role: 'member',
        status: 'active',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString()
      })
      .execute();
    const here = await makePost(member.token, { title: 'Here' });
    const there = (
      await api.create(second.group.slug, second.owner.token, postBody({ title: 'There' }))
    ).json<WirePost>();
    const hidden = (
      await api.create(outsider.group.slug, outsider.owner.token, postBody())
    ).json<WirePost>();
    const res = await api.req('GET', '/me/board', member.token);
    const items = res.json<{ items: WirePost[] }>().items;
    expect(items.slice(0, 2).map((p) => p.id)).toEqual([there.id, here.id]);
    expect(items[0]?.group).toEqual({ slug: 'board-second', name: 'Group board-second' });
    expect(items.map((p) => p.id)).not.toContain(hidden.id);
    expect((await api.req('GET', '/me/board')).statusCode).toBe(401);
  });

  it('shows "open to work" to fellow active members only', async () => {
    const res = await api.req('PATCH', '/me', member.token, { openToWork: true });
    expect(res.json<{ openToWork: boolean }>().openToWork).toBe(true);
    const post = await makePost(member.token, { title: 'Looking for work' });
    expect((await api.get(post.id, other.token)).json<WirePost>().author?.openToWork).toBe(true);
    expect((await api.get(post.id)).json<WirePost>().author).not.toHaveProperty('openToWork');
    const stranger = await t.buildUser();
    const strangerToken = await t.buildToken(stranger.id, 'read');
    const seen = (await api.get(post.id, strangerToken)).json<WirePost>();
    expect(seen.author).not.toHaveProperty('openToWork');
    const listed = (await api.list(g.group.slug, strangerToken)).json<{ items: WirePost[] }>();
    expect(listed.items.every((p) => p.author === null || !('openToWork' in p.author))).toBe(true);
    await api.req('PATCH', '/me', member.token, { openToWork: false });
  });

  it('shows hidden posts only to moderators and their author', async () => {
    const post = await makePost(member.token, { title: 'To be hidden' });
    await t.testDb.db.kysely
      .updateTable('posts')
      .set({ status: 'hidden' })
      .where('id', '=', post.id)
      .execute();
    expect((await api.get(post.id, other.token)).statusCode).toBe(404);
    expect((await api.get(post.id, member.token)).json<WirePost>().status).toBe('hidden');
    expect((await api.get(post.id, g.organizer.token)).statusCode).toBe(200);
    const ids = async (token: string) =>
      (await api.list(g.group.slug, token)).json<{ items: WirePost[] }>().items.map((p) => p.id);
    expect(await ids(other.token)).not.toContain(post.id);
    expect(await ids(member.token)).toContain(post.id);
    expect(await ids(g.organizer.token)).toContain(post.id);
  });

  it('seeds the demo board once, without asking for link previews', async () => {
    const demo = await buildBoardGroup(t, 'board-demo', { members: 4 });
    const people = { organizer: demo.organizer.id, members: demo.members.map((m) => m.id) };
    const before = t.queue.payloads(LINK_PREVIEW_QUEUE).length;
    await seedBoard(t.testDb.db, t.queue, demo.group, people, new Date());
    await seedBoard(t.testDb.db, t.queue, demo.group, people, new Date());
    expect(t.queue.payloads(LINK_PREVIEW_QUEUE)).toHaveLength(before);
    const reader = demo.members[3]?.token ?? '';
    const items = (await api.list('board-demo', reader)).json<{ items: WirePost[] }>().items;
    expect(items).toHaveLength(5);
    expect(items[0]).toMatchObject({ kind: 'announcement' });
    expect(items[0]?.pinnedAt).not.toBeNull();
    expect(items.find((p) => p.kind === 'help' && p.solvedAt !== null)?.commentCount).toBe(2);
    expect(items.find((p) => p.link !== null)?.link).toMatchObject({ status: 'ok' });
    expect(items.some((p) => p.author?.openToWork === true)).toBe(true);
  });
});
