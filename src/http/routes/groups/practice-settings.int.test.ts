import { beforeAll, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const base = {
  name: 'Platform Guild',
  kind: 'practice',
  timeZone: 'Europe/Berlin',
  visibility: 'public',
  joinPolicy: 'open'
};

describeWithApp('group voting and chat settings', (app) => {
  let t: TestApp;
  let owner: { id: string; cookie: string };
  let member: { id: string; cookie: string };
  beforeAll(async () => {
    t = app();
    const o = await t.buildUser({ name: 'Olga Owner' });
    owner = { id: o.id, cookie: await t.logIn(o.email) };
    const m = await t.buildUser({ name: 'Mia Member' });
    member = { id: m.id, cookie: await t.logIn(m.email) };
  });

  async function group(slug: string, extra: Record<string, unknown> = {}) {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: { ...base, slug, ...extra }
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; slug: string }>();
  }

  it('starts with 3 votes per member, 1 per topic, 2 topics on the agenda and a live tally', async () => {
    const g = await group('defaults-guild');
    const res = await t.request({ method: 'GET', url: `/api/v1/groups/${g.slug}` });
    expect(res.json().details.practice).toEqual({
      votesPerMember: 3,
      votesPerTopic: 1,
      agendaTopics: 2,
      tallyVisibility: 'live'
    });
  });

  it('lets organizers change the voting rules and keeps the chat secret write-only', async () => {
    const g = await group('settings-guild');
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/groups/${g.slug}`,
      cookie: owner.cookie,
      body: {
        votesPerMember: 5,
        votesPerTopic: 2,
        agendaTopics: 3,
        tallyVisibility: 'hidden',
        chatWebhookUrl: 'https://chat.example.com/hooks/abc',
        chatSigningSecret: 'a-very-secret-signing-key'
      }
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().details.practice).toEqual({
      votesPerMember: 5,
      votesPerTopic: 2,
      agendaTopics: 3,
      tallyVisibility: 'hidden'
    });
    expect(res.json().chat).toEqual({ webhook: true, commands: true });
    expect(res.body).not.toContain('a-very-secret-signing-key');
    expect(res.body).not.toContain('hooks/abc');
    const row = await t.testDb.db.kysely
      .selectFrom('groups')
      .select(['chat_signing_secret', 'chat_webhook_url'])
      .where('id', '=', g.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      chat_signing_secret: 'a-very-secret-signing-key',
      chat_webhook_url: 'https://chat.example.com/hooks/abc'
    });

    // Members and visitors learn the rules, never whether or how chat is set up.
    await t.request({
      method: 'POST',
      url: `/api/v1/groups/${g.slug}/join`,
      cookie: member.cookie
    });
    const asMember = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}`,
      cookie: member.cookie
    });
    expect(asMember.json().chat).toBeNull();
    expect(asMember.json().details.practice.votesPerMember).toBe(5);
    expect(asMember.json().viewer).toMatchObject({
      canProposeTopics: true,
      canManageTopics: false
    });

    const cleared = await t.request({
      method: 'PATCH',
      url: `/api/v1/groups/${g.slug}`,
      cookie: owner.cookie,
      body: { chatWebhookUrl: null, chatSigningSecret: null }
    });
    expect(cleared.json().chat).toEqual({ webhook: false, commands: false });
  });

  it('refuses invalid rules per field and stores nothing', async () => {
    const g = await group('invalid-guild');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ votesPerMember: 0 }, 'votesPerMember', 'Must be at least 1.'],
      [{ votesPerMember: 21 }, 'votesPerMember', 'Must be at most 20.'],
      [{ votesPerTopic: 1.5 }, 'votesPerTopic', 'Must be a whole number.'],
      [{ agendaTopics: 11 }, 'agendaTopics', 'Must be at most 10.'],
      [{ tallyVisibility: 'secret' }, 'tallyVisibility', 'Must be one of: live, hidden.'],
      [{ chatWebhookUrl: 'ftp://chat.example.com' }, 'chatWebhookUrl', ''],
      [{ chatSigningSecret: 'short' }, 'chatSigningSecret', 'Must be at least 8 characters.'],
      [{ votesPerTopic: 4 }, 'votesPerTopic', 'Must not be more than the votes each member has.'],
      [
        { votesPerMember: 2, votesPerTopic: 3 },
        'votesPerTopic',
        'Must not be more than the votes each member has.'
      ]
    ];
    for (const [body, field, message] of cases) {
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/groups/${g.slug}`,
        cookie: owner.cookie,
        body
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const errors = res.json<{ errors: { field: string; message: string }[] }>().errors;
      expect(errors.map((e) => e.field)).toEqual([field]);
      if (message) expect(errors[0]?.message).toBe(message);
    }
    // Lowering the budget below the per-topic cap is refused on the budget field.
    await t.request({
      method: 'PATCH',
      url: `/api/v1/groups/${g.slug}`,
      cookie: owner.cookie,
      body: { votesPerTopic: 3 }
    });
    const lower = await t.request({
      method: 'PATCH',
      url: `/api/v1/groups/${g.slug}`,
      cookie: owner.cookie,
      body: { votesPerMember: 2 }
    });
    expect(lower.json().errors).toEqual([
      { field: 'votesPerMember', message: 'Must not be more than the votes each member has.' }
    ]);
    const res = await t.request({ method: 'GET', url: `/api/v1/groups/${g.slug}` });
    expect(res.json().details.practice).toEqual({
      votesPerMember: 3,
      votesPerTopic: 3,
      agendaTopics: 2,
      tallyVisibility: 'live'
    });
  });

  it('refuses a per-topic cap above the budget when a group is created', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: { ...base, slug: 'created-guild', votesPerMember: 2, votesPerTopic: 3 }
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { field: 'votesPerTopic', message: 'Must not be more than the votes each member has.' }
    ]);
  });

  it('refuses the settings to members', async () => {
    const g = await group('member-guild');
    await t.request({
      method: 'POST',
      url: `/api/v1/groups/${g.slug}/join`,
      cookie: member.cookie
    });
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/groups/${g.slug}`,
      cookie: member.cookie,
      body: { votesPerMember: 10, chatSigningSecret: 'members-cannot-set-this' }
    });
    expect(res.statusCode).toBe(403);
    const row = await t.testDb.db.kysely
      .selectFrom('groups')
      .select(['votes_per_member', 'chat_signing_secret'])
      .where('id', '=', g.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ votes_per_member: 3, chat_signing_secret: null });
  });
});
