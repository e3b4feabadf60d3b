import { beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { addMemberships } from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { conflictOf, errorsOf, message } from '../polls/poll-test-support.ts';
import { insertComment, insertPost, reportClient, reportIdOf } from './report-test-support.ts';

const NAMES = ['owner', 'organizer', 'reporter', 'author', 'second', 'outsider', 'admin'] as const;
type Name = (typeof NAMES)[number];

describeWithApp('reports', (app) => {
  let t: TestApp;
  let api: ReturnType<typeof reportClient>;
  const users = {} as Record<Name, { id: string; cookie: string; handle: string }>;
  let slug: string;
  let groupId: string;
  let privateGroupId: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    api = reportClient(t);
    for (const name of ['admin', ...NAMES.filter((n) => n !== 'admin')] as Name[]) {
      const { id, email } = await t.buildUser({ name: `Rep ${name}` });
      const row = await t.testDb.db.kysely
        .selectFrom('users')
        .select('handle')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      users[name] = { id, cookie: await t.logIn(email), handle: row.handle };
    }
    const group = await createGroup(t.testDb.db, users.owner.id, {
      slug: 'report-club',
      name: 'Report Club',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    slug = group.slug;
    groupId = group.id;
    await addMemberships(t, group.id, users, [
      ['organizer', 'organizer', 'active'],
      ['reporter', 'member', 'active'],
      ['author', 'member', 'active'],
      ['second', 'member', 'active']
    ]);
    const closed = await createGroup(t.testDb.db, users.owner.id, {
      slug: 'report-private',
      name: 'Private Reports',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'private',
      joinPolicy: 'approval'
    });
    privateGroupId = closed.id;
  });

  const db = () => t.testDb.db;
  const post = (over: { status?: string; authorId?: string; groupId?: string } = {}) => {
    counter += 1;
    return insertPost(db(), {
      groupId: over.groupId ?? groupId,
      authorId: over.authorId ?? users.author.id,
      title: `Post ${counter}`,
      ...(over.status ? { status: over.status } : {})
    });
  };
  const reportRows = () => db().kysely.selectFrom('reports').selectAll().execute();
  const reportRow = (id: string) =>
    db().kysely.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  describe('filing', () => {
    it('reports a post to its group and records report.created', async () => {
      const postId = await post();
      const res = await api.report(users.reporter.cookie, {
        subjectType: 'post',
        subjectId: postId,
        reason: 'spam'
      });
      const id = reportIdOf(res);
      expect(res.json()).toMatchObject({ groupId, status: 'open', details: '', reason: 'spam' });
      expect(await reportRow(id)).toMatchObject({
        group_id: groupId,
        subject_type: 'post',
        subject_id: postId,
        subject_user_id: users.author.id,
        reporter_id: users.reporter.id
      });
      const activity = await db()
        .kysely.selectFrom('activities')
        .selectAll()
        .where('subject_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(activity).toMatchObject({ kind: 'report.created', group_id: groupId });
      expect(JSON.parse(activity.payload)).toEqual({
        group: { id: groupId, slug, name: 'Report Club' },
        report: { id, subjectType: 'post', reason: 'spam' }
      });
    });

    it('reports a comment, and a profile by handle or id to the admins', async () => {
      const postId = await post();
      const commentId = await insertComment(db(), { postId, authorId: users.author.id });
      const comment = await api.report(users.reporter.cookie, {
        subjectType: 'comment',
        subjectId: commentId,
        reason: 'harassment',
        details: '  Rude to a newcomer  '
      });
      expect(await reportRow(reportIdOf(comment))).toMatchObject({
        group_id: groupId,
        subject_user_id: users.author.id,
        details: 'Rude to a newcomer'
      });
      const byHandle = await api.report(users.second.cookie, {
        subjectType: 'profile',
        subjectId: users.outsider.handle,
        reason: 'other',
        details: 'Advertises a casino in the bio'
      });
      expect(await reportRow(reportIdOf(byHandle))).toMatchObject({
        group_id: null,
        subject_id: users.outsider.id,
        subject_user_id: users.outsider.id
      });
      const byId = await api.report(users.second.cookie, {
        subjectType: 'profile',
        subjectId: users.outsider.id,
        reason: 'spam'
      });
      expect(conflictOf(byId, 'reportAlreadyOpen')).toBe('409 reportAlreadyOpen');
    });

    it('refuses a second open report by the same person (409) but takes others’', async () => {
      const postId = await post();
      const body = { subjectType: 'post', subjectId: postId, reason: 'off_topic' };
      reportIdOf(await api.report(users.reporter.cookie, body));
      const again = await api.report(users.reporter.cookie, { ...body, reason: 'spam' });
      expect(conflictOf(again, 'reportAlreadyOpen')).toBe('409 reportAlreadyOpen');
      reportIdOf(await api.report(users.second.cookie, body));
      const rows = (await reportRows()).filter((r) => r.subject_id === postId);
      expect(rows).toHaveLength(2);
    });

    it('stores one report when the same one arrives five times at once', async () => {
      const postId = await post();
      const body = { subjectType: 'post', subjectId: postId, reason: 'spam' };
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => api.report(users.reporter.cookie, body))
      );
      expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
      const rows = (await reportRows()).filter((r) => r.subject_id === postId);
      expect(rows).toHaveLength(1);
    });

    it('refuses one’s own post, comment and profile (400 on subjectId)', async () => {
      const postId = await post();
      const commentId = await insertComment(db(), { postId, authorId: users.reporter.id });
      const before = (await reportRows()).length;
      for (const [subjectType, subjectId, cookie] of [
        ['post', postId, users.author.cookie],
        ['comment', commentId, users.reporter.cookie],
        ['profile', users.reporter.handle, users.reporter.cookie]
      ] as const) {
        const res = await api.report(cookie, { subjectType, subjectId, reason: 'spam' });
        expect(res.statusCode).toBe(400);
        expect(errorsOf(res)).toEqual([`subjectId: ${message('reportOwnSubject')}`]);
      }
      expect(await reportRows()).toHaveLength(before);
    });

    it('answers 404 for what the reporter cannot see, and nothing is stored', async () => {
      const removed = await post({ status: 'removed' });
      const hidden = await post({ status: 'hidden' });
      const onHidden = await insertComment(db(), { postId: hidden, authorId: users.second.id });
      const hiddenComment = await insertComment(db(), {
        postId: await post(),
        authorId: users.second.id,
        status: 'hidden'
      });
      const secret = await post({ groupId: privateGroupId, authorId: users.owner.id });
      const before = (await reportRows()).length;
      for (const [subjectType, subjectId, cookie] of [
        ['post', removed, users.reporter.cookie],
        ['post', hidden, users.reporter.cookie],
        ['comment', onHidden, users.reporter.cookie],
        ['comment', hiddenComment, users.reporter.cookie],
        ['post', secret, users.reporter.cookie],
        ['post', 'no-such-post', users.reporter.cookie],
        ['profile', 'nobody-here', users.reporter.cookie]
      ] as const) {
        const res = await api.report(cookie, { subjectType, subjectId, reason: 'spam' });
        expect(res.statusCode, `${subjectType} ${subjectId}`).toBe(404);
      }
      expect(await reportRows()).toHaveLength(before);
    });

    it('lets moderators report a hidden post; outsiders of a public group may not (403)', async () => {
      const hidden = await post({ status: 'hidden' });
      const res = await api.report(users.organizer.cookie, {
        subjectType: 'post',
        subjectId: hidden,
        reason: 'spam'
      });
      expect(res.statusCode).toBe(201);
      const outsider = await api.report(users.outsider.cookie, {
        subjectType: 'post',
        subjectId: await post(),
        reason: 'spam'
      });
      expect(outsider.statusCode).toBe(403);
    });

    it('answers 400 per field and stores nothing', async () => {
      const postId = await post();
      const before = (await reportRows()).length;
      const cases: [Record<string, unknown>, string[]][] = [
        [{ subjectId: postId, reason: 'spam' }, [`subjectType: ${message('required')}`]],
        [
          { subjectType: 'event', subjectId: postId, reason: 'spam' },
          [
            `subjectType: ${message('invalidValue').replace('{{values}}', 'post, comment, profile')}`
          ]
        ],
        [
          { subjectType: 'post', subjectId: '  ', reason: 'spam' },
          [`subjectId: ${message('notEmpty')}`]
        ],
        [{ subjectType: 'post', subjectId: postId }, [`reason: ${message('required')}`]],
        [
          { subjectType: 'post', subjectId: postId, reason: 'other', details: '   ' },
          [`details: ${message('reportDetailsRequired')}`]
        ],
        [
          { subjectType: 'post', subjectId: postId, reason: 'spam', details: 'x'.repeat(2001) },
          [`details: ${message('tooLongString').replace('{{maximum}}', '2000')}`]
        ],
        [
          { subjectType: 'post', subjectId: postId, reason: 'spam', extra: 1 },
          [`extra: ${message('unknownField')}`]
        ]
      ];
      for (const [body, errors] of cases) {
        const res = await api.report(users.reporter.cookie, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(errorsOf(res), JSON.stringify(body)).toEqual(errors);
      }
      expect(await reportRows()).toHaveLength(before);
    });

    it('takes exactly 2,000 characters of details', async () => {
      const res = await api.report(users.reporter.cookie, {
        subjectType: 'post',
        subjectId: await post(),
        reason: 'other',
        details: 'y'.repeat(2000)
      });
      expect(res.statusCode).toBe(201);
    });
  });

  describe('the queues', () => {
    it('shows organizers each report with its subject, people and sibling count', async () => {
      const postId = await post();
      reportIdOf(
        await api.report(users.reporter.cookie, {
          subjectType: 'post',
          subjectId: postId,
          reason: 'other',
          details: 'Looks like spam'
        })
      );
      const second = reportIdOf(
        await api.report(users.second.cookie, {
          subjectType: 'post',
          subjectId: postId,
          reason: 'spam'
        })
      );
      const res = await api.queue(users.organizer.cookie, slug);
      expect(res.statusCode).toBe(200);
      const items = res.json<{ items: Record<string, unknown>[] }>().items;
      const item = items.find((i) => i.id === second);
      expect(item).toMatchObject({
        status: 'open',
        reason: 'spam',
        group: { slug, name: 'Report Club' },
        subject: {
          status: 'visible',
          title: expect.stringMatching(/^Post /) as unknown,
          excerpt: 'Buy cheap watches at example.com',
          path: `/groups/${slug}/board/${postId}`
        },
        author: { id: users.author.id },
        reporter: { id: users.second.id },
        otherOpenReports: 1,
        actions: ['hide', 'warn', 'remove', 'ban', 'dismiss'],
        canReopen: false
      });
      const closed = await api.queue(users.organizer.cookie, slug, '?status=closed');
      expect(closed.json<{ items: { id: string }[] }>().items.map((i) => i.id)).not.toContain(
        second
      );
    });

    it('pages with a cursor and refuses a bad one', async () => {
      const first = await api.queue(users.organizer.cookie, slug, '?limit=2');
      const body = first.json<{ items: { id: string }[]; nextCursor: string | null }>();
      expect(body.items).toHaveLength(2);
      expect(body.nextCursor).not.toBeNull();
      const next = await api.queue(
        users.organizer.cookie,
        slug,
        `?limit=2&cursor=${body.nextCursor ?? ''}`
      );
      const ids = next.json<{ items: { id: string }[] }>().items.map((i) => i.id);
      expect(ids.some((id) => body.items.some((i) => i.id === id))).toBe(false);
      const bad = await api.queue(users.organizer.cookie, slug, '?cursor=nonsense');
      expect(errorsOf(bad)).toEqual([`cursor: ${message('invalid')}`]);
    });

    it('gives admins the profile reports, and every report with scope=all', async () => {
      const res = await api.adminQueue(users.admin.cookie);
      const items = res.json<{ items: { subjectType: string; groupId: string | null }[] }>().items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i) => i.subjectType === 'profile' && i.groupId === null)).toBe(true);
      const all = await api.adminQueue(users.admin.cookie, '?scope=all&limit=100');
      const kinds = new Set(
        all.json<{ items: { subjectType: string }[] }>().items.map((i) => i.subjectType)
      );
      expect([...kinds].sort()).toEqual(['comment', 'post', 'profile']);
      expect((await api.adminQueue(users.organizer.cookie)).statusCode).toBe(404);
    });
  });
});
