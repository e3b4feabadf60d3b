import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { describeWithApp } from '../../../test/test-app.ts';

describeWithApp('meetings', (app) => {
  let owner: string;
  let member: string;
  let other: string;
  let memberId: string;
  const ONLINE = 'https://meet.example.org/guildhall-secret-room';

  beforeAll(async () => {
    const t = app();
    const o = await t.buildUser({ name: 'Olga Owner' });
    const m = await t.buildUser({ name: 'Mia Member' });
    const x = await t.buildUser({ name: 'Xaver Other' });
    memberId = m.id;
    await createGroup(t.testDb.db, o.id, {
      slug: 'k8s-munich',
      name: 'Kubernetes Munich',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    owner = await t.logIn(o.email);
    member = await t.logIn(m.email);
    other = await t.logIn(x.email);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/groups/k8s-munich/join', cookie: member }))
        .statusCode
    ).toBe(200);
  });

  const create = (body: Record<string, unknown>, cookie = owner) =>
    app().request({ method: 'POST', url: '/api/v1/groups/k8s-munich/events', cookie, body });

  it('reads a wall-clock time in the group zone, on both sides of the DST change', async () => {
    const winter = await create({
      title: 'January meetup',
      startsAt: '2030-01-08T19:00',
      endsAt: '2030-01-08T21:00'
    });
    expect(winter.statusCode).toBe(201);
    expect(winter.json()).toMatchObject({
      startsAt: '2030-01-08T18:00:00.000Z',
      endsAt: '2030-01-08T20:00:00.000Z',
      timeZone: 'Europe/Berlin',
      status: 'draft'
    });
    const summer = await create({
      title: 'July meetup',
      startsAt: '2030-07-09T19:00',
      endsAt: '2030-07-09T21:00',
      publish: true
    });
    expect(summer.json()).toMatchObject({
      startsAt: '2030-07-09T17:00:00.000Z',
      status: 'published'
    });
    expect(app().queue.payloads('meeting-mail')).toContainEqual({
      kind: 'announce',
      eventId: summer.json<{ id: string }>().id
    });
    const instant = await create({
      title: 'Given as an instant',
      startsAt: '2030-07-10T17:00:00Z',
      endsAt: '2030-07-10T21:00:00+02:00'
    });
    expect(instant.json()).toMatchObject({ endsAt: '2030-07-10T19:00:00.000Z' });
  });

  it('answers bad input with an error per field and stores nothing', async () => {
    const before = await app().testDb.db.kysely.selectFrom('events').select('id').execute();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x', startsAt: '2030-01-08T19:00', endsAt: '2030-01-08T21:00' }, 'title'],
      [{ title: 'Meetup', startsAt: 'next tuesday', endsAt: '2030-01-08T21:00' }, 'startsAt'],
      [{ title: 'Meetup', startsAt: '2030-02-30T19:00', endsAt: '2030-03-01T21:00' }, 'startsAt'],
      [{ title: 'Meetup', startsAt: '2030-01-08T19:00', endsAt: '2030-01-08T18:00' }, 'endsAt'],
      [
        { title: 'Meetup', startsAt: '2030-01-08T19:00', endsAt: '2030-01-08T21:00', capacity: 0 },
        'capacity'
      ],
      [
        {
          title: 'Meetup',
          startsAt: '2030-01-08T19:00',
          endsAt: '2030-01-08T21:00',
          timeZone: 'Mars/Olympus'
        },
        'timeZone'
      ],
      [
        {
          title: 'Meetup',
          startsAt: '2030-01-08T19:00',
          endsAt: '2030-01-08T21:00',
          venueId: 'no-such-venue'
        },
        'venueId'
      ],
      [
        {
          title: 'Meetup',
          startsAt: '2030-01-08T19:00',
          endsAt: '2030-01-08T21:00',
          onlineUrl: 'javascript:alert(1)'
        },
        'onlineUrl'
      ]
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(
        field
      );
    }
    const after = await app().testDb.db.kysely.selectFrom('events').select('id').execute();
    expect(after.length).toBe(before.length);
  });

  it('shows drafts only to those who run meetings, and lists upcoming meetings in order', async () => {
    const draft = await create({
      title: 'Secret draft',
      startsAt: '2030-03-01T19:00',
      endsAt: '2030-03-01T21:00'
    });
    const id = draft.json<{ id: string }>().id;
    expect(
      (await app().request({ method: 'GET', url: `/api/v1/events/${id}`, cookie: member }))
        .statusCode
    ).toBe(404);
    expect((await app().request({ method: 'GET', url: `/api/v1/events/${id}` })).statusCode).toBe(
      404
    );
    expect(
      (await app().request({ method: 'GET', url: `/api/v1/events/${id}`, cookie: owner }))
        .statusCode
    ).toBe(200);

    const forMember = await app().request({
      method: 'GET',
      url: '/api/v1/groups/k8s-munich/events?limit=1',
      cookie: member
    });
    const page1 = forMember.json<{ items: { title: string }[]; nextCursor: string | null }>();
    expect(page1.items.map((i) => i.title)).toEqual(['July meetup']);
    expect(page1.nextCursor).toBeNull();
    const forOwner = await app().request({
      method: 'GET',
      url: '/api/v1/groups/k8s-munich/events?limit=2',
      cookie: owner
    });
    const o1 = forOwner.json<{ items: { title: string }[]; nextCursor: string }>();
    const o2 = await app().request({
      method: 'GET',
      url: `/api/v1/groups/k8s-munich/events?limit=2&cursor=${o1.nextCursor}`,
      cookie: owner
    });
    const titles = [
      ...o1.items.map((i) => i.title),
      ...o2.json<{ items: { title: string }[] }>().items.map((i) => i.title)
    ];
    expect(titles.slice(0, 3)).toEqual(['January meetup', 'Secret draft', 'July meetup']);
    const bad = await app().request({
      method: 'GET',
      url: '/api/v1/groups/k8s-munich/events?cursor=garbage'
    });
    expect(bad.statusCode).toBe(400);
  });

  it('gives the online link only to people going and to those who run the meeting', async () => {
    const res = await create({
      title: 'Hybrid night',
      startsAt: '2030-04-02T19:00',
      endsAt: '2030-04-02T21:00',
      onlineUrl: ONLINE,
      capacity: 1,
      publish: true
    });
    const id = res.json<{ id: string }>().id;
    const get = (cookie?: string) =>
      app().request({ method: 'GET', url: `/api/v1/events/${id}`, ...(cookie ? { cookie } : {}) });
    expect(res.json()).toMatchObject({ onlineUrl: ONLINE, online: true });
    expect((await get()).json()).toMatchObject({ onlineUrl: null, online: true });
    expect((await get(member)).json()).toMatchObject({ onlineUrl: null });
    expect((await get(other)).body).not.toContain(ONLINE);

    const rsvp = await app().request({
      method: 'PUT',
      url: `/api/v1/events/${id}/rsvp`,
      cookie: member,
      body: { status: 'going' }
    });
    expect(rsvp.statusCode).toBe(200);
    expect(rsvp.json()).toMatchObject({
      onlineUrl: ONLINE,
      myRsvp: { status: 'going', guests: 0, waitlistPosition: null }
    });
    // A non-member may not answer; the seat is taken anyway.
    const stranger = await app().request({
      method: 'PUT',
      url: `/api/v1/events/${id}/rsvp`,
      cookie: other,
      body: { status: 'going' }
    });
    expect(stranger.statusCode).toBe(403);
    const attendees = await app().request({ method: 'GET', url: `/api/v1/events/${id}/attendees` });
    expect(attendees.json<{ items: { userId: string }[] }>().items.map((a) => a.userId)).toEqual([
      memberId
    ]);
    expect(
      (
        await app().request({
          method: 'GET',
          url: `/api/v1/events/${id}/attendees?status=waitlisted`
        })
      ).statusCode
    ).toBe(401);
    const doc = (await app().request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    const documented = doc.paths['/api/v1/events/{id}/attendees']?.get?.responses ?? {};
    expect(Object.keys(documented)).toContain('401'); // the 401 above is in the contract
  });

  it('refuses a capacity below the seats taken, and cancels with a reason', async () => {
    const res = await create({
      title: 'Small room',
      startsAt: '2030-05-07T19:00',
      endsAt: '2030-05-07T21:00',
      capacity: 5,
      guestLimit: 2,
      publish: true
    });
    const id = res.json<{ id: string }>().id;
    await app().request({
      method: 'PUT',
      url: `/api/v1/events/${id}/rsvp`,
      cookie: member,
      body: { status: 'going', guests: 2 }
    });
    const lower = await app().request({
      method: 'PATCH',
      url: `/api/v1/events/${id}`,
      cookie: owner,
      body: { capacity: 2 }
    });
    expect(lower.statusCode).toBe(400);
    expect(lower.json()).toMatchObject({ errors: [{ field: 'capacity' }] });
    const cancelled = await app().request({
      method: 'POST',
      url: `/api/v1/events/${id}/cancel`,
      cookie: owner,
      body: { reason: 'The speaker is ill' }
    });
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'The speaker is ill',
      sequence: 1
    });
    expect(app().queue.payloads('meeting-mail')).toContainEqual({ kind: 'cancelled', eventId: id });
    const late = await app().request({
      method: 'PUT',
      url: `/api/v1/events/${id}/rsvp`,
      cookie: member,
      body: { status: 'going' }
    });
    expect(late.statusCode).toBe(409);
  });

  it('lists my meetings in order, a page at a time, cancelled ones marked', async () => {
    const first = await app().request({
      method: 'GET',
      url: '/api/v1/me/events?limit=1',
      cookie: member
    });
    const page1 = first.json<{ items: { title: string }[]; nextCursor: string }>();
    expect(page1.items.map((i) => i.title)).toEqual(['Hybrid night']);
    const second = await app().request({
      method: 'GET',
      url: `/api/v1/me/events?limit=1&cursor=${page1.nextCursor}`,
      cookie: member
    });
    expect(second.json()).toMatchObject({
      items: [{ title: 'Small room', status: 'cancelled', myRsvp: { status: 'going', guests: 2 } }],
      nextCursor: null
    });
    expect((await app().request({ method: 'GET', url: '/api/v1/me/events' })).statusCode).toBe(401);
  });

  it('gives up the seats of someone who leaves or is banned, to the front of the waitlist', async () => {
    const t = app();
    const users = await Promise.all([t.buildUser(), t.buildUser(), t.buildUser()]);
    const [leaver, banned, waiting] = await Promise.all(users.map((u) => t.logIn(u.email)));
    for (const cookie of [leaver, banned, waiting]) {
      await t.request({ method: 'POST', url: '/api/v1/groups/k8s-munich/join', cookie });
    }
    const res = await create({
      title: 'Tiny room',
      startsAt: '2030-06-04T19:00',
      endsAt: '2030-06-04T21:00',
      capacity: 2,
      publish: true
    });
    const id = res.json<{ id: string }>().id;
    const answer = (cookie: string | undefined) =>
      t.request({
        method: 'PUT',
        url: `/api/v1/events/${id}/rsvp`,
        ...(cookie ? { cookie } : {}),
        body: { status: 'going' }
      });
    await answer(leaver);
    await answer(banned);
    expect((await answer(waiting)).json()).toMatchObject({
      myRsvp: { status: 'waitlisted', waitlistPosition: 1 }
    });
    t.queue.clear();
    await t.request({ method: 'POST', url: '/api/v1/groups/k8s-munich/leave', cookie: leaver });
    const after = await t.request({ method: 'GET', url: `/api/v1/events/${id}`, cookie: waiting });
    expect(after.json()).toMatchObject({
      seats: { taken: 2, waiting: 0 },
      myRsvp: { status: 'going' }
    });
    expect(t.queue.payloads('meeting-mail')).toEqual([
      { kind: 'promoted', eventId: id, userIds: [users[2].id] }
    ]);
    const ban = await t.request({
      method: 'POST',
      url: `/api/v1/groups/k8s-munich/members/${users[1].id}/ban`,
      cookie: owner
    });
    expect(ban.statusCode).toBe(204);
    const final = await t.request({ method: 'GET', url: `/api/v1/events/${id}`, cookie: owner });
    expect(final.json()).toMatchObject({ seats: { taken: 1, waiting: 0 } });
  });
});
