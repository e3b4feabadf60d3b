import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { addMemberships } from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { reportClient } from './report-test-support.ts';

const NAMES = ['person', 'fellow', 'outsider'] as const;
type Name = (typeof NAMES)[number];

describeWithApp('public profiles', (app) => {
  let t: TestApp;
  let api: ReturnType<typeof reportClient>;
  const users = {} as Record<Name, { id: string; cookie: string }>;

  beforeAll(async () => {
    t = app();
    api = reportClient(t);
    for (const name of NAMES) {
      const { id, email } = await t.buildUser({ name: `People ${name}` });
      users[name] = { id, cookie: await t.logIn(email) };
    }
    const k = t.testDb.db.kysely;
    await k
      .updateTable('users')
      .set({
        handle: 'ada',
        bio: 'Hi **there** <script>alert(1)</script> [site](https://ada.example)',
        city: 'Berlin',
        tags: JSON.stringify(['rust', 'testing']),
        open_to_work: t.testDb.db.dialect === 'sqlite' ? 1 : true
      })
      .where('id', '=', users.person.id)
      .execute();
    const make = (slug: string, visibility: 'public' | 'private' | 'hidden') =>
      createGroup(t.testDb.db, users.fellow.id, {
        slug,
        name: slug.toUpperCase(),
        kind: 'meetup',
        timeZone: 'Europe/Berlin',
        visibility,
        joinPolicy: visibility === 'public' ? 'open' : 'approval'
      });
    const open = await make('people-open', 'public');
    const secret = await make('people-secret', 'private');
    const pending = await make('people-pending', 'public');
    await addMemberships(t, open.id, users, [['person', 'member', 'active']]);
    await addMemberships(t, secret.id, users, [['person', 'member', 'active']]);
    await addMemberships(t, pending.id, users, [['person', 'member', 'pending']]);
  });

  it('shows the profile with safe markdown and only public active groups', async () => {
    const res = await api.person(undefined, 'ada');
    expect(res.statusCode).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      id: users.person.id,
      handle: 'ada',
      displayName: 'People person',
      city: 'Berlin',
      tags: ['rust', 'testing'],
      groups: [{ slug: 'people-open', name: 'PEOPLE-OPEN' }],
      viewer: { canReport: false, isSelf: false }
    });
    expect(body.bioHtml).toContain('<strong>there</strong>');
    expect(body.bioHtml).not.toContain('<script>');
    expect(body.bioHtml).toContain('rel="nofollow ugc noopener"');
    expect('openToWork' in body).toBe(false);
  });

  it('tells openToWork only to people who share an active group', async () => {
    const fellow = (await api.person(users.fellow.cookie, 'ada')).json<Record<string, unknown>>();
    expect(fellow).toMatchObject({ openToWork: true, viewer: { canReport: true, isSelf: false } });
    const outsider = (await api.person(users.outsider.cookie, 'ada')).json<object>();
    expect('openToWork' in outsider).toBe(false);
    const self = (await api.person(users.person.cookie, 'ada')).json<Record<string, unknown>>();
    expect(self).toMatchObject({ openToWork: true, viewer: { canReport: false, isSelf: true } });
  });

  it('documents the moderation API in OpenAPI', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/reports',
        '/api/v1/reports/{id}/resolve',
        '/api/v1/reports/{id}/reopen',
        '/api/v1/groups/{slug}/reports',
        '/api/v1/admin/reports',
        '/api/v1/people/{handle}'
      ])
    );
  });

  it('answers 404 for an unknown handle', async () => {
    expect((await api.person(undefined, 'nobody-at-all')).statusCode).toBe(404);
  });
});
