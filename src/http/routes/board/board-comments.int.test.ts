import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Activity } from '../../../services/activity/activity.service.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import {
  boardClient,
  buildBoardGroup,
  type BoardUser,
  errorsOf,
  postBody,
  type WireComment,
  type WirePost,
  type WireReaction
} from './board-test-support.ts';

// Comments and reactions end to end: one level of replies, editing and removing, an exact
// comment count under concurrent comments (over real sockets), idempotent reactions with counts
// and the caller's own, and mentions recorded in the activity outbox (active members only).
describeWithApp('board comments and reactions', (app) => {
  let t: TestApp;
  let api: ReturnType<typeof boardClient>;
  let g: Awaited<ReturnType<typeof buildBoardGroup>>;
  let author: BoardUser;
  let other: BoardUser;
  let third: BoardUser;
  let post: WirePost;

  beforeAll(async () => {
    t = app();
    api = boardClient(t);
    g = await buildBoardGroup(t, 'board-comments', { members: 12 });
    [author, other, third] = g.members as [BoardUser, BoardUser, BoardUser];
    post = (await api.create(g.group.slug, author.token, postBody())).json<WirePost>();
  });

  afterAll(async () => {
    await t.app.close();
  });

  const commentOk = async (token: string, body: Record<string, unknown>, id = post.id) => {
    const res = await api.comment(id, token, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<WireComment>();
  };
  const countOf = async (id = post.id) => (await api.get(id)).json<WirePost>().commentCount;
  const commentRows = async () =>
    Number(
      (
        await t.testDb.db.kysely
          .selectFrom('post_comments')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n
    );

  it('comments and replies one level deep; a reply to a reply is a 400 on parentId', async () => {
    const top = await commentOk(other.token, { body: 'Have you tried ndots:1?' });
    expect(top).toMatchObject({ parentId: null, author: { id: other.id } });
    const reply = await commentOk(author.token, { body: 'Yes!', parentId: top.id });
    expect(reply.parentId).toBe(top.id);
    const before = await commentRows();
    const deep = await api.comment(post.id, third.token, { body: 'Deeper', parentId: reply.id });
    expect(deep.statusCode).toBe(400);
    expect(errorsOf(deep)).toEqual([
      'parentId: Replies go one level deep: reply to the comment this one answers.'
    ]);
    const elsewhere = (await api.create(g.group.slug, author.token, postBody())).json<WirePost>();
    const foreign = await api.comment(elsewhere.id, third.token, { body: 'x', parentId: top.id });
    expect(errorsOf(foreign)).toEqual(['parentId: Reply to a comment of this post.']);
    expect(errorsOf(await api.comment(post.id, third.token, { body: '  ' }))[0]).toMatch(/^body/);
    expect(await commentRows()).toBe(before);
    const list = (await api.comments(post.id)).json<{ items: WireComment[] }>().items;
    expect(list.map((c) => c.id)).toEqual([top.id, reply.id]);
    expect(await countOf()).toBe(2);
  });

  it('lets authors edit and remove their comments, moderators remove; counts stay exact', async () => {
    const mine = await commentOk(third.token, { body: 'Typo here' });
    const count = await countOf();
    expect(
      (await api.req('PATCH', `/comments/${mine.id}`, other.token, { body: 'x' })).statusCode
    ).toBe(403);
    const edited = await api.req('PATCH', `/comments/${mine.id}`, third.token, { body: 'Fixed' });
    expect(edited.json<WireComment>().body).toBe('Fixed');
    expect((await api.req('DELETE', `/comments/${mine.id}`, other.token)).statusCode).toBe(403);
    expect((await api.req('DELETE', `/comments/${mine.id}`, third.token)).statusCode).toBe(204);
    expect((await api.req('DELETE', `/comments/${mine.id}`, g.organizer.token)).statusCode).toBe(
      204
    );
    expect(await countOf()).toBe(count - 1);
    const gone = (await api.comments(post.id))
      .json<{ items: WireComment[] }>()
      .items.find((c) => c.id === mine.id);
    expect(gone).toMatchObject({ status: 'removed', body: '', author: null });
    const theirs = await commentOk(other.token, { body: 'Spam' });
    expect((await api.req('DELETE', `/comments/${theirs.id}`, g.organizer.token)).statusCode).toBe(
      204
    );
    expect(await countOf()).toBe(count - 1);
  });

  it('keeps comment_count exact under concurrent comments', async () => {
    const target = (await api.create(g.group.slug, author.token, postBody())).json<WirePost>();
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const send = (token: string, i: number) =>
      fetch(`${base}/api/v1/posts/${target.id}/comments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body: `Concurrent ${i}` })
      });
    const results = await Promise.all(
      g.members.flatMap((m, i) => [send(m.token, i), send(m.token, i + 100)])
    );
    expect(results.map((r) => r.status).every((s) => s === 201)).toBe(true);
    expect(await countOf(target.id)).toBe(g.members.length * 2);
  });

  it('adds and takes back reactions idempotently, with counts and the caller’s own', async () => {
    const put = (token: string, r: string) =>
      api.req('PUT', `/posts/${post.id}/reactions/${r}`, token);
    expect((await put(other.token, 'heart')).statusCode).toBe(200);
    await put(other.token, 'heart');
    const res = await put(third.token, 'heart');
    const heart = (rs: WireReaction[]) => rs.find((r) => r.reaction === 'heart');
    expect(heart(res.json<{ reactions: WireReaction[] }>().reactions)).toEqual({
      reaction: 'heart',
      count: 2,
      mine: true
    });
    expect((await put(other.token, 'angry')).statusCode).toBe(400);
    await api.req('DELETE', `/posts/${post.id}/reactions/heart`, other.token);
    await api.req('DELETE', `/posts/${post.id}/reactions/heart`, other.token);
    const seen = (await api.get(post.id, other.token)).json<WirePost>();
    expect(heart(seen.reactions)).toEqual({ reaction: 'heart', count: 1, mine: false });
    expect(seen.reactions.map((r) => r.reaction)).toEqual([
      'thumbs_up',
      'heart',
      'celebrate',
      'insightful',
      'thanks'
    ]);
    const comment = await commentOk(other.token, { body: 'React to me' });
    await api.req('PUT', `/comments/${comment.id}/reactions/thanks`, author.token);
    await api.req('PUT', `/comments/${comment.id}/reactions/thanks`, author.token);
    const listed = (await api.comments(post.id, author.token)).json<{ items: WireComment[] }>();
    const thanks = listed.items
      .find((c) => c.id === comment.id)
      ?.reactions.find((r) => r.reaction === 'thanks');
    expect(thanks).toEqual({ reaction: 'thanks', count: 1, mine: true });
  });

  it('records mentions of active members in post.created and comment.created', async () => {
    const stranger = await t.buildUser({ name: 'Mention Stranger' });
    const strangerHandle = (
      await t.testDb.db.kysely
        .selectFrom('users')
        .select('handle')
        .where('id', '=', stranger.id)
        .executeTakeFirstOrThrow()
    ).handle;
    const created = (
      await api.create(
        g.group.slug,
        author.token,
        postBody({
          title: `Ping @${other.handle}`,
          body: `Also @${third.handle}, @${strangerHandle}, @${author.handle}, \`@${g.organizer.handle}\` and @${other.handle}`
        })
      )
    ).json<WirePost>();
    const activity = async (subjectId: string) => {
      const row = await t.testDb.db.kysely
        .selectFrom('activities')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .executeTakeFirstOrThrow();
      return { kind: row.kind, payload: JSON.parse(row.payload) as Activity['payload'] };
    };
    const postActivity = await activity(created.id);
    expect(postActivity.kind).toBe('post.created');
    expect(postActivity.payload).toMatchObject({
      group: { id: g.group.id, slug: g.group.slug },
      post: { id: created.id, kind: 'help', path: `/groups/${g.group.slug}/board/${created.id}` },
      author: { id: author.id, handle: author.handle },
      mentions: [other.id, third.id]
    });
    const comment = await commentOk(
      third.token,
      { body: `cc @${g.organizer.handle} ada@example.com` },
      created.id
    );
    const commentActivity = await activity(comment.id);
    expect(commentActivity).toMatchObject({
      kind: 'comment.created',
      payload: {
        comment: { id: comment.id, parentId: null },
        post: { id: created.id },
        mentions: [g.organizer.id]
      }
    });
  });
});
