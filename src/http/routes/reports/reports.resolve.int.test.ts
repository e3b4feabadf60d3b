import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { addMemberships } from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { conflictOf, errorsOf, message } from '../polls/poll-test-support.ts';
import {
  insertComment,
  insertPost,
  reportClient,
  reportIdOf,
  statusOf
} from './report-test-support.ts';

const NAMES = ['owner', 'organizer', 'other', 'reporter', 'second', 'author', 'admin'] as const;
type Name = (typeof NAMES)[number];

describeWithApp('resolving reports', (app) => {
  let t: TestApp;
  let api: ReturnType<typeof reportClient>;
  const users = {} as Record<Name, { id: string; cookie: string; handle: string }>;
  let groupId: string;

  beforeAll(async () => {
    t = app();
    api = reportClient(t);
    for (const name of ['admin', ...NAMES.filter((n) => n !== 'admin')] as Name[]) {
      const { id, email } = await t.buildUser({ name: `Res ${name}` });
      const row = await t.testDb.db.kysely
        .selectFrom('users')
        .select('handle')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      users[name] = { id, cookie: await t.logIn(email), handle: row.handle };
    }
    const group = await createGroup(t.testDb.db, users.owner.id, {
      slug: 'resolve-club',
      name: 'Resolve Club',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    groupId = group.id;
    await addMemberships(t, group.id, users, [
      ['organizer', 'organizer', 'active'],
      ['other', 'organizer', 'active'],
      ['reporter', 'member', 'active'],
      ['second', 'member', 'active'],
      ['author', 'member', 'active']
    ]);
  });

  const db = () => t.testDb.db;
  const k = () => db().kysely;

  /** A post by `authorId` reported by `reporter` and `second`; returns both report ids. */
  async function reportedPost(authorId = users.author.id) {
    const postId = await insertPost(db(), { groupId, authorId });
    const body = { subjectType: 'post', subjectId: postId, reason: 'spam' };
    const first = reportIdOf(await api.report(users.reporter.cookie, body));
    const second = reportIdOf(await api.report(users.second.cookie, body));
    return { postId, first, second };
  }

  const report = (id: string) =>
    k().selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const auditOf = async (reportId: string) =>
    (await k().selectFrom('audit_entries').selectAll().execute())
      .map((a) => ({ ...a, details: JSON.parse(a.details) as Record<string, unknown> }))
      .filter((a) => a.details.reportId === reportId);

  it('hide: hides the post, closes both reports, audits; reopen shows it again', async () => {
    const { postId, first, second } = await reportedPost();
    const res = await api.resolve(users.organizer.cookie, first, { action: 'hide', note: 'spam' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ closedReports: 2 });
    expect(await statusOf(db(), 'post', postId)).toBe('hidden');
    for (const id of [first, second]) {
      expect(await report(id)).toMatchObject({
        status: 'resolved',
        resolution: 'hide',
        resolution_note: 'spam',
        resolved_by: users.organizer.id
      });
    }
    const [audit] = await auditOf(first);
    expect(audit).toMatchObject({
      group_id: groupId,
      actor_id: users.organizer.id,
      action: 'report.resolved',
      subject_user_id: users.author.id,
      details: { reportId: first, action: 'hide', subjectType: 'post', closedReports: 2 }
    });
    const again = await api.resolve(users.organizer.cookie, second, { action: 'remove' });
    expect(conflictOf(again, 'reportClosed')).toBe('409 reportClosed');

    const reopened = await api.reopen(users.organizer.cookie, first);
    expect(reopened.json()).toEqual({ unhidden: true });
    expect(await statusOf(db(), 'post', postId)).toBe('visible');
    expect(await report(first)).toMatchObject({ status: 'open', resolution: null });
    expect(await report(second)).toMatchObject({ status: 'resolved' });
    const twice = await api.reopen(users.organizer.cookie, first);
    expect(conflictOf(twice, 'reportNotReopenable')).toBe('409 reportNotReopenable');
  });

  it('remove: removes a comment for good (no reopen)', async () => {
    const postId = await insertPost(db(), { groupId, authorId: users.owner.id });
    const commentId = await insertComment(db(), { postId, authorId: users.author.id });
    const id = reportIdOf(
      await api.report(users.reporter.cookie, {
        subjectType: 'comment',
        subjectId: commentId,
        reason: 'harassment'
      })
    );
    const res = await api.resolve(users.organizer.cookie, id, { action: 'remove' });
    expect(res.json()).toEqual({ closedReports: 1 });
    expect(await statusOf(db(), 'comment', commentId)).toBe('removed');
    expect(await statusOf(db(), 'post', postId)).toBe('visible');
    expect((await auditOf(id))[0]?.details).toMatchObject({
      action: 'remove',
      subjectType: 'comment'
    });
    const reopen = await api.reopen(users.organizer.cookie, id);
    expect(conflictOf(reopen, 'reportNotReopenable')).toBe('409 reportNotReopenable');
  });

  it('warn: needs a message, then records member.warned with it', async () => {
    const { postId, first } = await reportedPost();
    const missing = await api.resolve(users.organizer.cookie, first, { action: 'warn' });
    expect(errorsOf(missing)).toEqual([`message: ${message('required')}`]);
    const long = await api.resolve(users.organizer.cookie, first, {
      action: 'warn',
      message: 'z'.repeat(1001)
    });
    expect(errorsOf(long)).toEqual([
      `message: ${message('tooLongString').replace('{{maximum}}', '1000')}`
    ]);
    expect(await report(first)).toMatchObject({ status: 'open' });
    const res = await api.resolve(users.organizer.cookie, first, {
      action: 'warn',
      message: 'Please keep ads off the board.'
    });
    expect(res.json()).toEqual({ closedReports: 2 });
    const activity = await k()
      .selectFrom('activities')
      .selectAll()
      .where('kind', '=', 'member.warned')
      .where('subject_id', '=', users.author.id)
      .executeTakeFirstOrThrow();
    expect(activity).toMatchObject({ group_id: groupId, actor_id: users.organizer.id });
    expect(JSON.parse(activity.payload)).toEqual({
      group: { id: groupId, slug: 'resolve-club', name: 'Resolve Club' },
      userId: users.author.id,
      message: 'Please keep ads off the board.'
    });
    expect(await statusOf(db(), 'post', postId)).toBe('visible');
    expect((await auditOf(first))[0]?.details).toMatchObject({
      action: 'warn',
      message: 'Please keep ads off the board.'
    });
  });

  it('ban: bans the author through the membership rules', async () => {
    const { first, second } = await reportedPost();
    const res = await api.resolve(users.organizer.cookie, first, { action: 'ban' });
    expect(res.json()).toEqual({ closedReports: 2 });
    const membership = await k()
      .selectFrom('memberships')
      .select(['status', 'role'])
      .where('group_id', '=', groupId)
      .where('user_id', '=', users.author.id)
      .executeTakeFirstOrThrow();
    expect(membership).toEqual({ status: 'banned', role: 'member' });
    expect(await report(second)).toMatchObject({ status: 'resolved', resolution: 'ban' });
    const actions = (await k().selectFrom('audit_entries').selectAll().execute())
      .filter((a) => a.subject_user_id === users.author.id)
      .map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['member.banned', 'report.resolved']));
  });

  it('ban: an organizer cannot ban an organizer or the owner (403, nothing changes)', async () => {
    for (const author of [users.other.id, users.owner.id]) {
      const { first } = await reportedPost(author);
      const res = await api.resolve(users.organizer.cookie, first, { action: 'ban' });
      expect(res.statusCode).toBe(403);
      expect(await report(first)).toMatchObject({ status: 'open' });
      const row = await k()
        .selectFrom('memberships')
        .select('status')
        .where('group_id', '=', groupId)
        .where('user_id', '=', author)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('active');
    }
  });

  it('dismiss: closes as dismissed, and can be reopened', async () => {
    const { postId, first, second } = await reportedPost(users.owner.id);
    const res = await api.resolve(users.other.cookie, second, { action: 'dismiss' });
    expect(res.json()).toEqual({ closedReports: 2 });
    expect(await report(first)).toMatchObject({ status: 'dismissed', resolution: 'dismiss' });
    expect(await statusOf(db(), 'post', postId)).toBe('visible');
    const reopened = await api.reopen(users.other.cookie, second);
    expect(reopened.json()).toEqual({ unhidden: false });
  });

  it('profiles (admins): remove clears the bio and resets the name; hide and ban are 400', async () => {
    await k()
      .updateTable('users')
      .set({ bio: 'Cheap casino at example.com', name: 'Casino King' })
      .where('id', '=', users.author.id)
      .execute();
    const id = reportIdOf(
      await api.report(users.reporter.cookie, {
        subjectType: 'profile',
        subjectId: users.author.handle,
        reason: 'spam'
      })
    );
    for (const action of ['hide', 'ban']) {
      const res = await api.resolve(users.admin.cookie, id, { action });
      expect(errorsOf(res)).toEqual([`action: ${message('reportActionInvalid')}`]);
    }
    const organizer = await api.resolve(users.organizer.cookie, id, { action: 'remove' });
    expect(organizer.statusCode).toBe(404);
    const res = await api.resolve(users.admin.cookie, id, { action: 'remove', note: 'ads' });
    expect(res.json()).toEqual({ closedReports: 1 });
    const user = await k()
      .selectFrom('users')
      .select(['bio', 'name', 'handle'])
      .where('id', '=', users.author.id)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ bio: '', name: users.author.handle, handle: users.author.handle });
    const [audit] = await auditOf(id);
    expect(audit).toMatchObject({ group_id: null, actor_id: users.admin.id });
  });

  it('profiles (admins): warn records member.warned without a group', async () => {
    const id = reportIdOf(
      await api.report(users.second.cookie, {
        subjectType: 'profile',
        subjectId: users.reporter.id,
        reason: 'harassment'
      })
    );
    const res = await api.resolve(users.admin.cookie, id, { action: 'warn', message: 'Be kind.' });
    expect(res.statusCode).toBe(200);
    const activity = await k()
      .selectFrom('activities')
      .selectAll()
      .where('kind', '=', 'member.warned')
      .where('subject_id', '=', users.reporter.id)
      .executeTakeFirstOrThrow();
    expect(activity.group_id).toBeNull();
    expect(JSON.parse(activity.payload)).toEqual({
      group: null,
      userId: users.reporter.id,
      message: 'Be kind.'
    });
  });

  it('refuses a bad action (400) and unknown reports (404)', async () => {
    const { first } = await reportedPost(users.owner.id);
    const bad = await api.resolve(users.organizer.cookie, first, { action: 'delete' });
    expect(bad.statusCode).toBe(400);
    expect(errorsOf(bad)[0]).toMatch(/^action: /);
    const unknown = await api.resolve(users.organizer.cookie, 'nope', { action: 'dismiss' });
    expect(unknown.statusCode).toBe(404);
    expect(await report(first)).toMatchObject({ status: 'open' });
  });
});
