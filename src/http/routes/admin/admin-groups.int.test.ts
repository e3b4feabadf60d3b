import { beforeAll, expect, it } from 'vitest';
import type { MailMessage } from '../../../jobs/mail-message.ts';
import type { Meeting } from '../../../services/event.service.ts';
import { createGroup, type Group } from '../../../services/group.service.ts';
import { inviteToGroup } from '../../../services/invitation.service.ts';
import { runMeetingMailJob } from '../../../services/meeting-mail.service.ts';
import { buildMeeting } from '../../../test/factories.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

// An instance admin hides a group from the instance (a takedown, apart from the group's own
// visibility) and shows it again: who still sees it, where it is no longer found, who can no
// longer join, and that showing it brings everything back.

interface Person {
  id: string;
  email: string;
  cookie: string;
}

interface Summary {
  slug: string;
  hiddenByAdmin: { at: string; reason: string } | null;
}

describeWithApp('groups hidden from the instance by an admin', (app) => {
  let t: TestApp;
  let admin: Person;
  let owner: Person;
  let organizer: Person;
  let member: Person;
  let pending: Person;
  let banned: Person;
  let outsider: Person;
  let group: Group;
  let meeting: Meeting;
  const slug = 'rust-munich';
  const base = `/api/v1/groups/${slug}`;

  const person = async (name: string): Promise<Person> => {
    const { id, email } = await t.buildUser({ name });
    return { id, email, cookie: await t.logIn(email) };
  };
  const as = (who: Person | null) => (who ? { cookie: who.cookie } : {});
  const get = (url: string, who: Person | null) => t.request({ method: 'GET', url, ...as(who) });
  const post = (url: string, who: Person | null, body?: unknown) =>
    t.request({ method: 'POST', url, ...as(who), ...(body === undefined ? {} : { body }) });
  const hide = (reason: unknown, who: Person | null = admin) =>
    post(`/api/v1/admin/groups/${slug}/hide`, who, { reason });
  const unhide = (who: Person | null = admin) => post(`/api/v1/admin/groups/${slug}/unhide`, who);
  const inSearch = async (query: string, who: Person | null) =>
    (await get(`/api/v1/groups?${query}`, who)).json<{ items: Summary[] }>().items;
  const found = async (query: string, who: Person | null) =>
    (await inSearch(query, who)).some((g) => g.slug === slug);
  const at = new Date().toISOString();
  const membership = (user: Person, role: string, status: string) =>
    t.testDb.db.kysely
      .insertInto('memberships')
      .values({
        group_id: group.id,
        user_id: user.id,
        role,
        status,
        created_at: at,
        updated_at: at
      })
      .execute();

  beforeAll(async () => {
    t = app();
    admin = await person('Ada Admin'); // the first account is the admin
    owner = await person('Olga Owner');
    organizer = await person('Otto Organizer');
    member = await person('Mia Member');
    pending = await person('Pia Pending');
    banned = await person('Ben Banned');
    outsider = await person('Oskar Outsider');
    group = await createGroup(t.testDb.db, owner.id, {
      slug,
      name: 'Rust Munich',
      kind: 'meetup',
      description: 'Ferris and friends',
      city: 'Munich',
      country: 'DE',
      latitude: 48.137,
      longitude: 11.575,
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'approval'
    });
    await membership(organizer, 'organizer', 'active');
    await membership(member, 'member', 'active');
    await membership(pending, 'member', 'pending');
    await membership(banned, 'member', 'banned');
    meeting = await buildMeeting(
      t.testDb.db,
      t.queue,
      { groupId: group.id, ownerId: owner.id },
      'Borrowing, explained'
    );
  });

  it('lists groups with their owner, size and hidden state; finds them by name or address', async () => {
    const list = await get('/api/v1/admin/groups?q=RUST-mun', admin);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        slug,
        name: 'Rust Munich',
        visibility: 'public',
        memberCount: 1,
        owner: { id: owner.id, displayName: 'Olga Owner', handle: expect.any(String) },
        hiddenByAdmin: null
      })
    ]);
    expect((await get('/api/v1/admin/groups?hidden=true', admin)).json().items).toEqual([]);
    // Wildcards are searched for, not expanded.
    expect((await get('/api/v1/admin/groups?q=%25', admin)).json().items).toEqual([]);
    const bad = await get('/api/v1/admin/groups?hidden=maybe&limit=0', admin);
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort()
    ).toEqual(['hidden', 'limit']);
  });

  it('refuses bad input per field, and unknown groups, without hiding anything', async () => {
    const cases: [unknown, string][] = [
      [undefined, 'reason'],
      ['   ', 'reason'],
      ['x'.repeat(501), 'reason'],
      [42, 'reason']
    ];
    for (const [reason, field] of cases) {
      const res = await hide(reason);
      expect(res.statusCode, JSON.stringify(reason)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    const extra = await post(`/api/v1/admin/groups/${slug}/hide`, admin, {
      reason: 'Spam',
      hiddenAt: '2020-01-01T00:00:00Z'
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().errors[0].field).toBe('hiddenAt');
    expect(
      (await post('/api/v1/admin/groups/no-such-group/hide', admin, { reason: 'x' })).statusCode
    ).toBe(404);
    expect((await post('/api/v1/admin/groups/no-such-group/unhide', admin)).statusCode).toBe(404);
    expect((await get(base, null)).statusCode).toBe(200);
  });

  it("is refused to the group's own owner and organizers (404), who cannot undo it either", async () => {
    for (const who of [owner, organizer, member]) {
      expect((await hide('Mine', who)).statusCode).toBe(404);
    }
    expect((await hide('Mine', null)).statusCode).toBe(401);
    const readOnly = await t.buildToken(admin.id, 'read');
    const viaToken = await t.request({
      method: 'POST',
      url: `/api/v1/admin/groups/${slug}/hide`,
      token: readOnly,
      body: { reason: 'Spam' }
    });
    expect(viaToken.statusCode).toBe(403);
    expect((await get(base, null)).json().hiddenByAdmin).toBeNull();

    expect((await hide('  Spam and phishing links  ')).statusCode).toBe(204);
    for (const who of [owner, organizer]) {
      expect((await unhide(who)).statusCode).toBe(404);
      // Changing the visibility is the organizers' own business and does not undo the takedown.
      const patch = await t.request({
        method: 'PATCH',
        url: base,
        cookie: who.cookie,
        body: { visibility: 'public', joinPolicy: 'open' }
      });
      expect(patch.statusCode).toBe(200);
      expect(patch.json().hiddenByAdmin.reason).toBe('Spam and phishing links');
      const sneaky = await t.request({
        method: 'PATCH',
        url: base,
        cookie: who.cookie,
        body: { hiddenByAdmin: null }
      });
      expect(sneaky.statusCode).toBe(400);
    }
    expect((await get(base, null)).statusCode).toBe(404);
    await t.request({
      method: 'PATCH',
      url: base,
      cookie: owner.cookie,
      body: { joinPolicy: 'approval' }
    });
    expect((await unhide()).statusCode).toBe(204);
  });

  it('audits hiding and showing with the admin and the reason; hiding twice changes nothing', async () => {
    expect((await hide('Scam')).statusCode).toBe(204);
    expect((await hide('Another reason')).statusCode).toBe(204);
    expect((await get(base, member)).json().hiddenByAdmin).toEqual({
      at: expect.any(String),
      reason: 'Scam'
    });
    const listed = await get('/api/v1/admin/groups?hidden=true', admin);
    expect(listed.json().items.map((g: Summary) => [g.slug, g.hiddenByAdmin?.reason])).toEqual([
      [slug, 'Scam']
    ]);
    expect((await unhide()).statusCode).toBe(204);
    expect((await unhide()).statusCode).toBe(204);
    const audit = await get('/api/v1/admin/audit?limit=100', admin);
    const entries = audit
      .json()
      .items.filter((e: { action: string }) => e.action.endsWith('-by-admin'))
      .map((e: { action: string; actorName: string; details: unknown; group: unknown }) => [
        e.action,
        e.actorName,
        e.details,
        e.group
      ]);
    const ref = { slug, name: 'Rust Munich' };
    expect(entries.slice(0, 2)).toEqual([
      ['group.unhidden-by-admin', 'Ada Admin', {}, ref],
      ['group.hidden-by-admin', 'Ada Admin', { reason: 'Scam' }, ref]
    ]);
    // Its organizers read the same in the group's own log.
    const own = await get(`${base}/audit`, organizer);
    expect(own.json().items[0]).toMatchObject({ action: 'group.unhidden-by-admin' });
  });

  it('is a 404 to everyone but active members and admins, on every route of the group', async () => {
    expect((await hide('Impersonates another group')).statusCode).toBe(204);
    const urls = [
      base,
      `${base}/members`,
      `${base}/events`,
      `${base}/topics`,
      `${base}/posts`,
      `${base}/polls`,
      `${base}/calendar.ics`,
      `${base}/events.atom`,
      `/api/v1/events/${meeting.id}`,
      `/api/v1/events/${meeting.id}/calendar.ics`
    ];
    const outsiderToken = await t.buildToken(outsider.id, 'read');
    const memberToken = await t.buildToken(member.id, 'read');
    for (const url of urls) {
      for (const who of [null, outsider, pending, banned]) {
        expect((await get(url, who)).statusCode, `${url} ${who?.email ?? 'anonymous'}`).toBe(404);
      }
      const token = await t.request({ method: 'GET', url, token: outsiderToken });
      expect(token.statusCode, `${url} outsider token`).toBe(404);
      for (const who of [member, organizer, owner, admin]) {
        expect((await get(url, who)).statusCode, `${url} ${who.email}`).toBe(200);
      }
      const read = await t.request({ method: 'GET', url, token: memberToken });
      expect(read.statusCode, `${url} member token`).toBe(200);
    }
    // Members keep their group and are told why it is gone for others.
    const seen = (await get(base, member)).json();
    expect(seen.hiddenByAdmin.reason).toBe('Impersonates another group');
    expect(seen.viewer.canJoin).toBe(false);
    expect(seen.details.memberCount).toBe(1);
    // They still answer meetings, and reminders still reach them.
    const rsvp = await t.request({
      method: 'PUT',
      url: `/api/v1/events/${meeting.id}/rsvp`,
      cookie: member.cookie,
      body: { status: 'going' }
    });
    expect(rsvp.statusCode).toBe(200);
    t.queue.jobs.length = 0;
    const sent = await runMeetingMailJob(
      t.queue,
      { db: t.testDb.db, baseUrl: t.config.baseUrl, secret: 'x'.repeat(40) },
      { kind: 'remind', eventId: meeting.id, startsAt: meeting.startsAt.toISOString() }
    );
    expect(sent).toBe(1);
    expect(t.queue.jobs.map((j) => (j.payload as MailMessage).to)).toEqual([member.email]);
    expect((await unhide()).statusCode).toBe(204);
  });

  it('leaves search, network chapters, profiles and requests for all but admins', async () => {
    const network = await post('/api/v1/networks', admin, {
      slug: 'rustaceans',
      name: 'Rustaceans'
    });
    expect(network.statusCode).toBe(201);
    const chapter = await t.request({
      method: 'PUT',
      url: `/api/v1/networks/rustaceans/chapters/${slug}`,
      cookie: admin.cookie
    });
    expect(chapter.statusCode).toBe(204);
    const chapters = async (who: Person | null) =>
      (await get('/api/v1/networks/rustaceans', who))
        .json<{ chapters: { slug: string }[] }>()
        .chapters.map((c) => c.slug);
    const profile = async () =>
      (await get(`/api/v1/people/${await handleOf(member)}`, null))
        .json<{ groups: { slug: string }[] }>()
        .groups.map((g) => g.slug);
    const myGroups = async (who: Person) =>
      (await get('/api/v1/me/groups', who)).json<{ items: Summary[] }>().items;
    const queries = ['q=ferris', 'tags=', 'lat=48.1&lng=11.6&radiusKm=20', 'sort=name'];

    for (const query of queries) {
      for (const who of [null, outsider, member, admin]) {
        expect(await found(query, who), `${query} before`).toBe(true);
      }
    }
    expect((await hide('Spam')).statusCode).toBe(204);
    for (const query of queries) {
      for (const who of [null, outsider, pending, member, owner]) {
        expect(await found(query, who), `${query} ${who?.email ?? 'anonymous'}`).toBe(false);
      }
      const forAdmin = (await inSearch(query, admin)).find((g) => g.slug === slug);
      expect(forAdmin?.hiddenByAdmin?.reason, query).toBe('Spam');
    }
    expect(await chapters(null)).toEqual([]);
    expect(await chapters(member)).toEqual([]);
    expect(await chapters(admin)).toEqual([slug]);
    expect(await profile()).toEqual([]);
    expect((await myGroups(member)).map((g) => [g.slug, g.hiddenByAdmin?.reason])).toEqual([
      [slug, 'Spam']
    ]);
    expect(await myGroups(pending)).toEqual([]);

    expect((await unhide()).statusCode).toBe(204);
    for (const query of queries) expect(await found(query, null), query).toBe(true);
    expect(await chapters(null)).toEqual([slug]);
    expect(await profile()).toEqual([slug]);
    expect((await myGroups(pending)).map((g) => g.slug)).toEqual([slug]);
  });

  async function handleOf(who: Person): Promise<string> {
    return (await get('/api/v1/me', who)).json<{ handle: string }>().handle;
  }

  it('lets nobody in while hidden: no joining, approving or invitations; showing it lets them in again', async () => {
    await inviteToGroup(
      t.testDb.db,
      t.queue,
      t.config.baseUrl,
      group,
      { id: owner.id, name: 'Olga Owner' },
      outsider.email
    );
    const mail = t.queue.jobs.at(-1)?.payload as MailMessage;
    const token = /\/invitations\/(.+)$/.exec(String(mail.params.url))?.[1] ?? '';
    expect(token).not.toBe('');
    const newcomer = await person('Nina Newcomer');

    expect((await hide('Spam')).statusCode).toBe(204);
    expect((await post(`${base}/join`, newcomer, { answers: [] })).statusCode).toBe(404);
    expect((await post(`${base}/join`, admin, { answers: [] })).statusCode).toBe(403);
    const approve = await post(`${base}/requests/${pending.id}/approve`, organizer);
    expect(approve.statusCode).toBe(409);
    expect(approve.json().detail).toMatch(/hidden this group/);
    const invite = await post(`${base}/invitations`, organizer, { email: 'new@example.com' });
    expect(invite.statusCode).toBe(403);
    expect((await get(`/api/v1/invitations/${token}`, null)).statusCode).toBe(404);
    const accept = await post('/api/v1/invitations/accept', outsider, { token });
    expect(accept.statusCode).toBe(400);
    expect(accept.json().errors[0].field).toBe('token');
    expect((await get(base, outsider)).statusCode).toBe(404);

    expect((await unhide()).statusCode).toBe(204);
    expect((await get(base, null)).json().hiddenByAdmin).toBeNull();
    expect((await get(`/api/v1/invitations/${token}`, null)).statusCode).toBe(200);
    expect((await post('/api/v1/invitations/accept', outsider, { token })).statusCode).toBe(200);
    expect((await post(`${base}/requests/${pending.id}/approve`, organizer)).statusCode).toBe(204);
    const join = await post(`${base}/join`, newcomer, { answers: [] });
    expect(join.statusCode).toBe(200);
    expect(join.json().status).toBe('pending');
    expect((await get(base, member)).json().details.memberCount).toBe(3);
  });
});
