import ICAL from 'ical.js';
import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { describeWithApp } from '../../../test/test-app.ts';

const ONLINE = 'https://meet.example.org/very-secret-room';

/** The VEVENTs of an iCalendar text, parsed by an independent library. */
function vevents(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
}

describeWithApp('calendars', (app) => {
  let owner: string;
  let member: string;
  let eventId: string;

  beforeAll(async () => {
    const t = app();
    const o = await t.buildUser();
    const m = await t.buildUser();
    await createGroup(t.testDb.db, o.id, {
      slug: 'devops-berlin',
      name: 'DevOps Berlin',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    owner = await t.logIn(o.email);
    member = await t.logIn(m.email);
    await t.request({ method: 'POST', url: '/api/v1/groups/devops-berlin/join', cookie: member });
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/groups/devops-berlin/events',
      cookie: owner,
      body: {
        title: 'Winter meetup; with commas, too',
        description: 'We talk **Terraform**.',
        startsAt: '2031-01-14T19:00',
        endsAt: '2031-01-14T21:00',
        onlineUrl: ONLINE,
        publish: true
      }
    });
    eventId = res.json<{ id: string }>().id;
  });

  const ics = (cookie?: string) =>
    app().request({
      method: 'GET',
      url: `/api/v1/events/${eventId}/calendar.ics`,
      ...(cookie ? { cookie } : {})
    });

  it('writes a valid calendar file with the local time in the meeting zone', async () => {
    const res = await ics();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/calendar');
    const [event] = vevents(res.body);
    if (!event) throw new Error('no VEVENT');
    expect(event.summary).toBe('Winter meetup; with commas, too');
    expect(event.startDate.zone.tzid).toBe('Europe/Berlin');
    expect(event.startDate.hour).toBe(19);
    expect(event.startDate.toJSDate().toISOString()).toBe('2031-01-14T18:00:00.000Z');
    expect(event.uid).toMatch(new RegExp(`^event-${eventId}@`));
    expect(res.body).toContain('BEGIN:VTIMEZONE');
  });

  it('never gives the online link to people who are not going', async () => {
    expect((await ics()).body).not.toContain(ONLINE);
    expect((await ics(member)).body).not.toContain(ONLINE);
    expect((await ics(owner)).body).toContain('very-secret-room');
    const feed = await app().request({
      method: 'GET',
      url: '/api/v1/groups/devops-berlin/calendar.ics',
      cookie: owner
    });
    expect(feed.statusCode).toBe(200);
    expect(vevents(feed.body).map((e) => e.uid)).toContain(vevents((await ics()).body)[0]?.uid);
    expect(feed.body).not.toContain('very-secret-room');
    const atom = await app().request({
      method: 'GET',
      url: '/api/v1/groups/devops-berlin/events.atom',
      cookie: owner
    });
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('Winter meetup');
    expect(atom.body).not.toContain('very-secret-room');
    await app().request({
      method: 'PUT',
      url: `/api/v1/events/${eventId}/rsvp`,
      cookie: member,
      body: { status: 'going' }
    });
    expect((await ics(member)).body).toContain('very-secret-room');
  });

  it('marks a cancelled meeting CANCELLED with a higher SEQUENCE, under the same UID', async () => {
    const before = vevents((await ics()).body)[0];
    const res = await app().request({
      method: 'POST',
      url: `/api/v1/events/${eventId}/cancel`,
      cookie: owner,
      body: { reason: 'Venue flooded' }
    });
    expect(res.statusCode).toBe(200);
    const after = vevents((await ics()).body)[0];
    if (!before || !after) throw new Error('no VEVENT');
    expect(after.uid).toBe(before.uid);
    expect(after.sequence).toBeGreaterThan(before.sequence);
    expect(after.component.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('serves a personal feed at a secret URL that ends when replaced or turned off', async () => {
    const t = app();
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/me/calendar-feed',
      cookie: member
    });
    expect(created.statusCode).toBe(201);
    const { url, webcal } = created.json<{ url: string; webcal: string }>();
    expect(webcal.startsWith('webcal:')).toBe(true);
    const path = new URL(url).pathname;
    const feed = await t.request({ method: 'GET', url: path });
    expect(feed.statusCode).toBe(200);
    expect(vevents(feed.body).length).toBe(1);
    const status = await t.request({
      method: 'GET',
      url: '/api/v1/me/calendar-feed',
      cookie: member
    });
    expect(status.json()).toMatchObject({ active: true });
    const replaced = await t.request({
      method: 'POST',
      url: '/api/v1/me/calendar-feed',
      cookie: member
    });
    expect((await t.request({ method: 'GET', url: path })).statusCode).toBe(404);
    const newPath = new URL(replaced.json<{ url: string }>().url).pathname;
    expect((await t.request({ method: 'GET', url: newPath })).statusCode).toBe(200);
    await t.request({ method: 'DELETE', url: '/api/v1/me/calendar-feed', cookie: member });
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/me/calendar-feed', cookie: member })).json()
    ).toEqual({ active: false, createdAt: null });
    expect((await t.request({ method: 'GET', url: newPath })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: '/api/v1/me/calendar-feed' })).statusCode).toBe(
      401
    );
  });
});
