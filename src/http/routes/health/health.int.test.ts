import { beforeAll, expect, it } from 'vitest';
import { dayOf } from '../../../domain/health.ts';
import { createGroup, type Group } from '../../../services/group.service.ts';
import { sendOutreach } from '../../../services/health/outreach.service.ts';
import { addMemberships } from '../../../test/personas.ts';
import { apiText, fieldErrorsOf } from '../../../test/room-client.ts';
import { describeWithApp, type RequestOptions, type TestApp } from '../../../test/test-app.ts';
import { buildQuietHistory, PAST_MEETINGS, rollUpAll } from './health-test-support.ts';
import { OUTREACH_LIMIT } from './health.routes.ts';

const PEOPLE = [
  'admin',
  'owner',
  'organizer',
  'host',
  'member',
  'anna',
  'berta',
  'active',
  'outsider'
] as const;
type Who = (typeof PEOPLE)[number];
type Person = { id: string; email: string; cookie: string };

const BOM = '\uFEFF';

describeWithApp('community health', (app) => {
  let t: TestApp;
  let group: Group;
  const p = {} as Record<Who, Person>;

  const as = (who: Who | null, o: Omit<RequestOptions, 'cookie'>) =>
    t.request({ ...o, ...(who ? { cookie: p[who].cookie } : {}) });
  const get = (who: Who | null, url: string, headers?: Record<string, string>) =>
    as(who, { method: 'GET', url: `/api/v1${url}`, ...(headers ? { headers } : {}) });
  const base = () => `/groups/${group.slug}/health`;
  const message = (who: Who | null, userId: string, body: unknown) =>
    as(who, { method: 'POST', url: `/api/v1${base()}/quiet/${userId}/message`, body });
  const settings = (who: Who | null, body: unknown) =>
    as(who, { method: 'PATCH', url: `/api/v1${base()}/settings`, body });
  const outreachRows = () =>
    t.testDb.db.kysely
      .selectFrom('health_outreach')
      .select(['user_id', 'sent_by', 'subject'])
      .where('group_id', '=', group.id)
      .orderBy('created_at')
      .execute();

  beforeAll(async () => {
    t = app();
    // The first account is the instance admin.
    for (const who of PEOPLE) {
      const name = who === 'anna' ? 'Anna Quiet' : who === 'berta' ? 'Berta Quiet' : who;
      const { id, email } = await t.buildUser({ name });
      p[who] = { id, email, cookie: await t.logIn(email) };
    }
    const db = t.testDb.db;
    await db.kysely
      .updateTable('users')
      .set({ language: 'de' })
      .where('id', '=', p.anna.id)
      .execute();
    group = await createGroup(db, p.owner.id, {
      slug: 'health-ladder',
      name: 'Health Ladder',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    await addMemberships(t, group.id, p, [
      ['organizer', 'organizer', 'active'],
      ['host', 'host', 'active'],
      ['member', 'member', 'active'],
      ['anna', 'member', 'active'],
      ['berta', 'member', 'active'],
      ['active', 'member', 'active']
    ]);
    await buildQuietHistory(db, group.id, {
      hostId: p.owner.id,
      regulars: [p.anna.id, p.berta.id, p.active.id],
      active: [p.active.id, p.owner.id]
    });
    await rollUpAll(db);
  });

  it('shows the dashboard to organizers only: 401 anonymous, 404 to members and hosts', async () => {
    expect((await get(null, base())).statusCode).toBe(401);
    for (const who of ['outsider', 'member', 'host', 'anna'] as const) {
      const res = await get(who, base());
      expect(res.statusCode, who).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await get('organizer', '/groups/nope/health')).statusCode).toBe(404);
    for (const who of ['organizer', 'owner', 'admin'] as const) {
      const res = await get(who, base());
      expect(res.statusCode, who).toBe(200);
      const body = res.json<{
        groupId: string;
        meetings: { items: { going: number; checkedIn: number }[] };
        quiet: { count: number; quietDays: number };
        members: { total: number; months: unknown[] };
        rolledUpAt: string | null;
      }>();
      expect(body).toMatchObject({ groupId: group.id, quiet: { count: 2, quietDays: 90 } });
      expect(body.meetings.items).toHaveLength(PAST_MEETINGS.length + 1);
      expect(body.meetings.items[0]).toMatchObject({ going: 3, checkedIn: 3 });
      expect(body.members.months).toHaveLength(12);
      expect(body.rolledUpAt).not.toBeNull();
    }
  });

  it('exports every table as CSV with a BOM, headings in the caller’s language, as a download', async () => {
    const csv = (who: Who | null, query: string, headers?: Record<string, string>) =>
      get(who, `/groups/${group.slug}/health.csv${query}`, headers);
    expect((await csv(null, '?table=members')).statusCode).toBe(401);
    expect(fieldErrorsOf(await csv('organizer', ''))).toEqual([
      `table: ${apiText('validation.required')}`
    ]);
    expect(fieldErrorsOf(await csv('organizer', '?table=people'))).toEqual([
      `table: ${apiText('validation.invalidValue', {
        values: 'members, meetings, topics, talks, participation, quiet'
      })}`
    ]);
    for (const who of ['member', 'host'] as const) {
      expect((await csv(who, '?table=quiet')).statusCode, who).toBe(404);
    }
    const today = dayOf(new Date());
    for (const table of ['members', 'meetings', 'topics', 'talks', 'participation', 'quiet']) {
      const res = await csv('organizer', `?table=${table}`);
      expect(res.statusCode, table).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="health-ladder-health-${table}-${today}.csv"`
      );
      expect(res.body.startsWith(BOM), table).toBe(true);
      expect(res.body.endsWith('\r\n'), table).toBe(true);
    }
    const members = await csv('organizer', '?table=members');
    expect(members.body.split('\r\n')[0]).toBe(`${BOM}Month,Joined,Left,Members at month end`);
    expect(members.body.split('\r\n')).toHaveLength(12 + 2);
    const quiet = await csv('owner', '?table=quiet', { 'accept-language': 'de-DE,de;q=0.9' });
    const lines = quiet.body.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Name,Handle,Rolle,Dabei bei 6 Treffen,Zuletzt aktiv am,Zuletzt angeschrieben'
    );
    expect(lines.slice(1, 3).map((l) => l.split(',').slice(0, 1)[0])).toEqual([
      'Anna Quiet',
      'Berta Quiet'
    ]);
    expect(lines[1]).toMatch(/^Anna Quiet,[\w-]+,Mitglied,6,\d{4}-\d{2}-\d{2},$/);
    const meetings = await csv('organizer', '?table=meetings');
    expect(meetings.body.split('\r\n')).toHaveLength(PAST_MEETINGS.length + 1 + 2);
  });

  it('lists who has gone quiet to organizers only', async () => {
    const url = `${base()}/quiet`;
    expect((await get(null, url)).statusCode).toBe(401);
    for (const who of ['member', 'host', 'outsider'] as const) {
      expect((await get(who, url)).statusCode, who).toBe(404);
    }
    const res = await get('organizer', url);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ quietDays: number; items: Record<string, unknown>[] }>();
    expect(body.quietDays).toBe(90);
    expect(body.items.map((i) => i.userId)).toEqual([p.anna.id, p.berta.id]);
    expect(body.items[0]).toMatchObject({
      name: 'Anna Quiet',
      role: 'member',
      attendedOfSix: 6,
      lastContactedAt: null
    });
  });

  it('sends a personal message: ladder, mail in the member’s language with Reply-To, 409 within 7 days', async () => {
    const good = { subject: 'We miss you', body: 'Hi Anna,\nhow are you? <3' };
    expect((await message(null, p.anna.id, good)).statusCode).toBe(401);
    expect(fieldErrorsOf(await message('organizer', p.anna.id, {}))).toEqual([
      `subject: ${apiText('validation.required')}`,
      `body: ${apiText('validation.required')}`
    ]);
    expect(fieldErrorsOf(await message('organizer', p.anna.id, { ...good, body: '  ' }))).toEqual([
      `body: ${apiText('validation.required')}`
    ]);
    expect(
      fieldErrorsOf(await message('organizer', p.anna.id, { ...good, subject: 'x'.repeat(151) }))
    ).toEqual([`subject: ${apiText('validation.tooLong', { maximum: 150 })}`]);
    expect(
      fieldErrorsOf(await message('organizer', p.anna.id, { ...good, body: 'x'.repeat(5001) }))
    ).toEqual([`body: ${apiText('validation.tooLong', { maximum: 5000 })}`]);
    for (const who of ['member', 'host', 'outsider'] as const) {
      expect((await message(who, p.anna.id, good)).statusCode, who).toBe(404);
    }
    // Not on the list: active, not a member, nobody.
    for (const userId of [p.active.id, p.outsider.id, 'nobody']) {
      expect((await message('organizer', userId, good)).statusCode, userId).toBe(404);
    }
    const readToken = await t.buildToken(p.organizer.id, 'read');
    const byToken = await t.request({
      method: 'POST',
      url: `/api/v1${base()}/quiet/${p.anna.id}/message`,
      token: readToken,
      body: good
    });
    expect(byToken.statusCode).toBe(403);
    expect(await outreachRows()).toEqual([]);
    t.queue.clear();

    const sent = await message('organizer', p.anna.id, good);
    expect(sent.statusCode, sent.body).toBe(201);
    const { sentAt } = sent.json<{ sentAt: string }>();
    expect(Date.now() - Date.parse(sentAt)).toBeLessThan(60_000);
    const mail = t.queue.lastMail(p.anna.email, 'health-outreach');
    expect(mail).toMatchObject({
      locale: 'de',
      replyTo: p.organizer.email,
      params: {
        name: 'Anna Quiet',
        groupName: 'Health Ladder',
        senderName: 'organizer',
        subject: 'We miss you',
        body: 'Hi Anna,\nhow are you? <3',
        url: `${t.config.baseUrl}/groups/health-ladder`
      }
    });
    expect(await outreachRows()).toEqual([
      { user_id: p.anna.id, sent_by: p.organizer.id, subject: 'We miss you' }
    ]);
    const audit = await t.testDb.db.kysely
      .selectFrom('audit_entries')
      .select(['actor_id', 'subject_user_id'])
      .where('group_id', '=', group.id)
      .where('action', '=', 'health.outreach')
      .execute();
    expect(audit).toEqual([{ actor_id: p.organizer.id, subject_user_id: p.anna.id }]);
    const list = await get('owner', `${base()}/quiet`);
    expect(list.json<{ items: { lastContactedAt: string | null }[] }>().items[0]).toMatchObject({
      lastContactedAt: sentAt
    });

    // Within 7 days nobody of the group writes again: not the same organizer, not the owner.
    for (const who of ['organizer', 'owner'] as const) {
      const again = await message(who, p.anna.id, good);
      expect(again.statusCode, who).toBe(409);
      expect(again.json()).toMatchObject({
        type: 'urn:guildhall:problem:conflict',
        detail: apiText('problem.conflict.outreachTooSoon', { days: 7 })
      });
    }
    expect(t.queue.mails.filter((m) => m.template === 'health-outreach')).toHaveLength(1);
    // Berta is a different member: she may be written to.
    expect((await message('owner', p.berta.id, good)).statusCode).toBe(201);

    // Eight days later Anna may be written to again.
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString();
    await t.testDb.db.kysely
      .updateTable('health_outreach')
      .set({ created_at: eightDaysAgo })
      .where('user_id', '=', p.anna.id)
      .execute();
    expect((await message('admin', p.anna.id, good)).statusCode).toBe(201);
    expect(await outreachRows()).toHaveLength(3);
  });

  it('reads and changes the health settings (organizers), refusing bad values per field', async () => {
    const url = `${base()}/settings`;
    expect((await get(null, url)).statusCode).toBe(401);
    expect((await get('member', url)).statusCode).toBe(404);
    expect((await get('organizer', url)).json()).toEqual({
      public: false,
      windowDays: 180,
      quietDays: 90
    });
    expect((await settings(null, { public: true })).statusCode).toBe(401);
    const cases: [unknown, string][] = [
      [
        { public: 'yes' },
        `public: ${apiText('validation.invalidType', { expected: 'true or false' })}`
      ],
      [{ windowDays: 29 }, `windowDays: ${apiText('validation.tooSmall', { minimum: 30 })}`],
      [{ windowDays: 731 }, `windowDays: ${apiText('validation.tooLarge', { maximum: 730 })}`],
      [{ quietDays: 366 }, `quietDays: ${apiText('validation.tooLarge', { maximum: 365 })}`],
      [
        { quietDays: 45.5 },
        `quietDays: ${apiText('validation.invalidType', { expected: 'a whole number' })}`
      ],
      [{ name: 'x' }, `name: ${apiText('validation.unknownField')}`]
    ];
    for (const [body, error] of cases) {
      expect(fieldErrorsOf(await settings('organizer', body)), JSON.stringify(body)).toEqual([
        error
      ]);
    }
    for (const who of ['member', 'host'] as const) {
      expect((await settings(who, { public: true })).statusCode, who).toBe(404);
    }
    expect((await get('organizer', url)).json()).toMatchObject({ public: false, windowDays: 180 });

    const changed = await settings('organizer', { windowDays: 120 });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ public: false, windowDays: 120, quietDays: 90 });
    const audit = await t.testDb.db.kysely
      .selectFrom('audit_entries')
      .select(['actor_id', 'details'])
      .where('group_id', '=', group.id)
      .where('action', '=', 'health.settings')
      .execute();
    expect(audit.map((a) => [a.actor_id, JSON.parse(a.details)])).toEqual([
      [p.organizer.id, { windowDays: 120 }]
    ]);
    expect((await settings('owner', { windowDays: 180 })).statusCode).toBe(200);
  });

  it('shows the figures without names to readers of the group only when made public', async () => {
    const url = `${base()}/public`;
    for (const who of [null, 'outsider', 'member'] as const) {
      expect((await get(who, url)).statusCode, String(who)).toBe(404);
    }
    const staff = await get('organizer', url);
    expect(staff.statusCode).toBe(200);
    expect(Object.keys(staff.json<Record<string, unknown>>()).sort()).toEqual([
      'groupId',
      'meetings',
      'members',
      'rolledUpAt'
    ]);
    expect(staff.body).not.toContain('Anna');

    expect((await settings('organizer', { public: true })).statusCode).toBe(200);
    for (const who of [null, 'outsider', 'member', 'host'] as const) {
      const res = await get(who, url);
      expect(res.statusCode, String(who)).toBe(200);
      expect(res.json()).toMatchObject({
        groupId: group.id,
        meetings: { averageAttendance: expect.any(Number) as number }
      });
    }
    // Public figures are not the dashboard.
    expect((await get('member', base())).statusCode).toBe(404);

    // A private group's public figures are for those who may read it: its members.
    const hidden = await createGroup(t.testDb.db, p.owner.id, {
      slug: 'health-private',
      name: 'Health Private',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'private',
      joinPolicy: 'approval'
    });
    await addMemberships(t, hidden.id, p, [['member', 'member', 'active']]);
    await as('owner', {
      method: 'PATCH',
      url: `/api/v1/groups/health-private/health/settings`,
      body: { public: true }
    });
    expect((await get(null, '/groups/health-private/health/public')).statusCode).toBe(404);
    expect((await get('outsider', '/groups/health-private/health/public')).statusCode).toBe(404);
    expect((await get('member', '/groups/health-private/health/public')).statusCode).toBe(200);

    expect((await settings('organizer', { public: false })).statusCode).toBe(200);
    expect((await get(null, url)).statusCode).toBe(404);
  });

  it('lets members opt out of the list on /me, at once and both ways', async () => {
    const me = await get('berta', '/me');
    expect(me.json()).toMatchObject({ healthOptOut: false });
    const bad = await as('berta', {
      method: 'PATCH',
      url: '/api/v1/me',
      body: { healthOptOut: 1 }
    });
    expect(fieldErrorsOf(bad)).toEqual([
      `healthOptOut: ${apiText('validation.invalidType', { expected: 'true or false' })}`
    ]);
    const out = await as('berta', {
      method: 'PATCH',
      url: '/api/v1/me',
      body: { healthOptOut: true }
    });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toMatchObject({ healthOptOut: true });
    expect((await get('berta', '/me')).json()).toMatchObject({ healthOptOut: true });

    const ids = async () =>
      (await get('organizer', `${base()}/quiet`))
        .json<{ items: { userId: string }[] }>()
        .items.map((i) => i.userId);
    expect(await ids()).toEqual([p.anna.id]);
    expect((await get('organizer', base())).json()).toMatchObject({ quiet: { count: 1 } });
    const csv = await get('organizer', `/groups/${group.slug}/health.csv?table=quiet`);
    expect(csv.body).not.toContain('Berta');
    // Opted out: not on the list, so nobody may write to her through it.
    await t.testDb.db.kysely
      .updateTable('health_outreach')
      .set({ created_at: new Date(Date.now() - 30 * 86_400_000).toISOString() })
      .execute();
    const write = await message('organizer', p.berta.id, { subject: 'Hi', body: 'Hello' });
    expect(write.statusCode).toBe(404);

    const back = await as('berta', {
      method: 'PATCH',
      url: '/api/v1/me',
      body: { healthOptOut: false }
    });
    expect(back.json()).toMatchObject({ healthOptOut: false });
    expect(await ids()).toEqual([p.anna.id, p.berta.id]);
  });

  it('lets only one of two organizers writing at the same moment through', async () => {
    await t.testDb.db.kysely
      .updateTable('health_outreach')
      .set({ created_at: new Date(Date.now() - 30 * 86_400_000).toISOString() })
      .execute();
    const before = (await outreachRows()).length;
    const body = { subject: 'Coffee?', body: 'Shall we meet before the next meetup?' };
    const answers = await Promise.all([
      message('organizer', p.berta.id, body),
      message('owner', p.berta.id, body),
      message('admin', p.berta.id, body)
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await outreachRows()).toHaveLength(before + 1);

    // Straight at the service, without the HTTP stack in between: still exactly one.
    await t.testDb.db.kysely.deleteFrom('health_outreach').execute();
    const results = await Promise.allSettled(
      [p.organizer, p.owner, p.admin, p.organizer, p.owner, p.admin].map((sender) =>
        sendOutreach(t.testDb.db, t.queue, t.config.baseUrl, {
          group,
          senderId: sender.id,
          userId: p.berta.id,
          ...body
        })
      )
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ problem: 'outreachTooSoon' });
    }
    expect(await outreachRows()).toHaveLength(1);
  });

  it('gives admins the instance at a glance, its CSV and a rollup on demand; 404 to others', async () => {
    for (const url of ['/admin/health', '/admin/health.csv']) {
      expect((await get(null, url)).statusCode, url).toBe(401);
      expect((await get('organizer', url)).statusCode, url).toBe(404);
    }
    const rollup = (who: Who | null) =>
      as(who, { method: 'POST', url: '/api/v1/admin/health/rollup' });
    expect((await rollup(null)).statusCode).toBe(401);
    expect((await rollup('owner')).statusCode).toBe(404);

    const view = await get('admin', '/admin/health');
    expect(view.statusCode).toBe(200);
    const body = view.json<{
      groups: number;
      members: number;
      meetings: number;
      weeks: unknown[];
    }>();
    expect(body.groups).toBeGreaterThanOrEqual(1);
    expect(body.members).toBeGreaterThanOrEqual(PEOPLE.length);
    expect(body.meetings).toBeGreaterThanOrEqual(PAST_MEETINGS.length + 1);
    expect(body.weeks).toHaveLength(12);

    const csv = await get('admin', '/admin/health.csv', { 'accept-language': 'de' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(
      `attachment; filename="instance-health-${dayOf(new Date())}.csv"`
    );
    const lines = csv.body.slice(1).split('\r\n');
    expect(csv.body.startsWith(BOM)).toBe(true);
    expect(lines[0]).toBe('Woche,Aktive Mitglieder');
    expect(lines).toHaveLength(1 + 12 + 4 + 1);
    expect(lines[13]).toBe(`Gruppen,${body.groups}`);

    const ran = await rollup('admin');
    expect(ran.statusCode, ran.body).toBe(200);
    expect(ran.json()).toEqual({
      from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as string,
      signals: expect.any(Number) as number,
      meetings: expect.any(Number) as number,
      members: expect.any(Number) as number
    });
  });

  it('rate-limits personal messages per caller', async () => {
    const body = { subject: 'Hi', body: 'Hello' };
    // The host asked a few times in the tests above: those count too.
    const statuses: number[] = [];
    for (let i = 0; i <= OUTREACH_LIMIT.max; i += 1) {
      statuses.push((await message('host', p.anna.id, body)).statusCode);
    }
    const first = statuses.indexOf(429);
    expect(first).toBeGreaterThan(OUTREACH_LIMIT.max - 5);
    expect(statuses.slice(0, first).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(first).every((s) => s === 429)).toBe(true);
    const limited = await message('host', p.anna.id, body);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.headers['retry-after']).toBeDefined();
    // Others are not held up by it.
    expect((await message('member', p.anna.id, body)).statusCode).toBe(404);
  });

  it('documents every health route in the OpenAPI document', async () => {
    type Operation = { tags?: string[]; summary?: string; responses?: Record<string, unknown> };
    const res = await t.request({ method: 'GET', url: '/api/v1/openapi.json' });
    const paths = res.json<{ paths: Record<string, Record<string, Operation>> }>().paths;
    const expected: [string, string, string][] = [
      ['/api/v1/groups/{slug}/health', 'get', '200'],
      ['/api/v1/groups/{slug}/health.csv', 'get', '200'],
      ['/api/v1/groups/{slug}/health/quiet', 'get', '200'],
      ['/api/v1/groups/{slug}/health/quiet/{userId}/message', 'post', '201'],
      ['/api/v1/groups/{slug}/health/settings', 'get', '200'],
      ['/api/v1/groups/{slug}/health/settings', 'patch', '200'],
      ['/api/v1/groups/{slug}/health/public', 'get', '200'],
      ['/api/v1/admin/health', 'get', '200'],
      ['/api/v1/admin/health.csv', 'get', '200'],
      ['/api/v1/admin/health/rollup', 'post', '200']
    ];
    for (const [path, method, ok] of expected) {
      const operation = paths[path]?.[method];
      expect(operation?.tags, `${method} ${path}`).toContain('health');
      expect(operation?.summary, `${method} ${path}`).toBeTruthy();
      expect(Object.keys(operation?.responses ?? {}), `${method} ${path}`).toContain(ok);
      expect(Object.keys(operation?.responses ?? {}), `${method} ${path}`).toContain('404');
    }
  });
});
