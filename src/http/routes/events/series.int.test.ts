import { beforeAll, expect, it } from 'vitest';
import { localDateTime } from '../../../domain/zoned-time.ts';
import { createGroup } from '../../../services/group.service.ts';
import { extendAllSeries } from '../../../services/series.service.ts';
import { describeWithApp } from '../../../test/test-app.ts';

interface Summary {
  id: string;
  startsAt: string;
  status: string;
  myRsvp: { status: string } | null;
}
interface SeriesBody {
  id: string;
  upcoming: Summary[];
  rrule: string;
  mySeriesRsvp: { guests: number } | null;
}

/** The first day of next month, as YYYY-MM-DD. */
function nextMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
    .toISOString()
    .slice(0, 10);
}

const ZONE = 'Europe/Berlin';
const local = (iso: string) => localDateTime(new Date(iso), ZONE);
const weekday = (iso: string) =>
  new Intl.DateTimeFormat('en', { weekday: 'short', timeZone: ZONE }).format(new Date(iso));

describeWithApp('series', (app) => {
  let owner: string;
  let member: string;

  beforeAll(async () => {
    const t = app();
    const o = await t.buildUser();
    const m = await t.buildUser();
    await createGroup(t.testDb.db, o.id, {
      slug: 'cloud-guild',
      name: 'Cloud Guild',
      kind: 'practice',
      timeZone: ZONE,
      visibility: 'private',
      joinPolicy: 'open'
    });
    owner = await t.logIn(o.email);
    member = await t.logIn(m.email);
    await t.request({ method: 'POST', url: '/api/v1/groups/cloud-guild/join', cookie: member });
  });

  const createMonthly = async () => {
    const res = await app().request({
      method: 'POST',
      url: '/api/v1/groups/cloud-guild/series',
      cookie: owner,
      body: {
        title: 'Guild meeting',
        recurrence: {
          frequency: 'monthly',
          weekday: 'TU',
          weekOfMonth: 2,
          startDate: nextMonth(),
          startTime: '19:00',
          durationMinutes: 90
        },
        capacity: 30
      }
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<SeriesBody>();
  };

  it('creates six months of meetings on the 2nd Tuesday at 19:00 local time', async () => {
    const series = await createMonthly();
    expect(series.rrule).toContain('RRULE:FREQ=MONTHLY');
    expect(series.upcoming.length).toBeGreaterThanOrEqual(5);
    expect(series.upcoming.length).toBeLessThanOrEqual(6);
    for (const meeting of series.upcoming) {
      expect(local(meeting.startsAt).slice(11)).toBe('19:00');
      expect(weekday(meeting.startsAt)).toBe('Tue');
      const day = Number(local(meeting.startsAt).slice(8, 10));
      expect(day).toBeGreaterThanOrEqual(8);
      expect(day).toBeLessThanOrEqual(14);
    }
    // Only the first meeting is announced, not six at once.
    const announced = app()
      .queue.payloads('meeting-mail')
      .filter((j) => (j as { kind: string }).kind === 'announce');
    expect(announced).toEqual([{ kind: 'announce', eventId: series.upcoming[0]?.id }]);
  });

  it('answers for the whole series, and a single meeting can still be declined', async () => {
    const series = await createMonthly();
    const res = await app().request({
      method: 'PUT',
      url: `/api/v1/series/${series.id}/rsvp`,
      cookie: member,
      body: { status: 'going' }
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = res.json<SeriesBody>();
    expect(after.mySeriesRsvp).toEqual({ guests: 0 });
    expect(after.upcoming.every((m) => m.myRsvp?.status === 'going')).toBe(true);
    const first = after.upcoming[0];
    if (!first) throw new Error('no meeting');
    await app().request({
      method: 'PUT',
      url: `/api/v1/events/${first.id}/rsvp`,
      cookie: member,
      body: { status: 'not_going' }
    });
    const again = await app().request({
      method: 'GET',
      url: `/api/v1/series/${series.id}`,
      cookie: member
    });
    const statuses = again.json<SeriesBody>().upcoming.map((m) => m.myRsvp?.status);
    expect(statuses[0]).toBe('not_going');
    expect(statuses.slice(1).every((s) => s === 'going')).toBe(true);
  });

  it('skips a cancelled meeting for good, and the daily job adds nothing twice', async () => {
    const series = await createMonthly();
    const second = series.upcoming[1];
    if (!second) throw new Error('no meeting');
    const cancel = await app().request({
      method: 'POST',
      url: `/api/v1/events/${second.id}/cancel`,
      cookie: owner,
      body: { reason: 'Holiday' }
    });
    expect(cancel.statusCode).toBe(200);
    expect(await extendAllSeries(app().testDb.db, app().queue)).toBe(0);
    const after = await app().request({
      method: 'GET',
      url: `/api/v1/series/${series.id}`,
      cookie: owner
    });
    const upcoming = after.json<SeriesBody>().upcoming;
    expect(upcoming.length).toBe(series.upcoming.length);
    expect(upcoming[1]).toMatchObject({ id: second.id, status: 'cancelled' });
  });

  it('changes this and following: earlier meetings stay, later ones move to the new rule', async () => {
    const series = await createMonthly();
    const [first, second, third] = series.upcoming;
    if (!first || !second || !third) throw new Error('too few meetings');
    await app().request({
      method: 'PUT',
      url: `/api/v1/events/${third.id}/rsvp`,
      cookie: member,
      body: { status: 'going' }
    });
    app().queue.clear();
    const from = local(second.startsAt).slice(0, 10);
    const res = await app().request({
      method: 'PUT',
      url: `/api/v1/series/${series.id}`,
      cookie: owner,
      body: {
        title: 'Guild meeting',
        from,
        recurrence: {
          frequency: 'monthly',
          weekday: 'TU',
          weekOfMonth: 2,
          startDate: nextMonth(),
          startTime: '18:30',
          durationMinutes: 90
        },
        capacity: 30
      }
    });
    expect(res.statusCode, res.body).toBe(200);
    const next = res.json<SeriesBody>();
    expect(next.id).not.toBe(series.id);
    // The same meetings (same ids, RSVPs kept) now start at 18:30.
    expect(next.upcoming.map((m) => m.id).slice(0, 2)).toEqual([second.id, third.id]);
    expect(next.upcoming.every((m) => local(m.startsAt).endsWith('18:30'))).toBe(true);
    const firstNow = await app().request({
      method: 'GET',
      url: `/api/v1/events/${first.id}`,
      cookie: owner
    });
    expect(local(firstNow.json<{ startsAt: string }>().startsAt).slice(11)).toBe('19:00');
    // The member going to the third meeting is told of the new time.
    expect(app().queue.payloads('meeting-mail')).toContainEqual(
      expect.objectContaining({ kind: 'changed', eventId: third.id, changes: ['time'] })
    );
  });

  it('answers a change to an ended series with a documented 409', async () => {
    const series = await createMonthly();
    const ended = await app().request({
      method: 'POST',
      url: `/api/v1/series/${series.id}/end`,
      cookie: owner,
      body: { reason: 'The guild moved online' }
    });
    expect(ended.statusCode, ended.body).toBe(204);
    const res = await app().request({
      method: 'PUT',
      url: `/api/v1/series/${series.id}`,
      cookie: owner,
      body: {
        title: 'Guild meeting',
        recurrence: {
          frequency: 'weekly',
          weekday: 'WE',
          startDate: nextMonth(),
          startTime: '19:00',
          durationMinutes: 90
        }
      }
    });
    expect(res.statusCode, res.body).toBe(409);
    const doc = (await app().request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    expect(Object.keys(doc.paths['/api/v1/series/{id}']?.put?.responses ?? {})).toContain('409');
  });

  it('refuses rules that make no sense, with an error on the field', async () => {
    const post = (recurrence: Record<string, unknown>) =>
      app().request({
        method: 'POST',
        url: '/api/v1/groups/cloud-guild/series',
        cookie: owner,
        body: { title: 'Broken', recurrence }
      });
    const base = {
      frequency: 'monthly',
      weekday: 'TU',
      weekOfMonth: 2,
      startDate: nextMonth(),
      startTime: '19:00',
      durationMinutes: 90
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, weekOfMonth: undefined }, 'recurrence.weekOfMonth'],
      [{ ...base, startTime: '25:00' }, 'recurrence.startTime'],
      [{ ...base, interval: 13 }, 'recurrence.interval'],
      [{ ...base, frequency: 'weekly' }, 'recurrence.weekOfMonth'],
      [{ ...base, startDate: '2027-02-30' }, 'recurrence']
    ];
    for (const [recurrence, field] of cases) {
      const res = await post(recurrence);
      expect(res.statusCode, JSON.stringify(recurrence)).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(
        field
      );
    }
    const members = await app().request({
      method: 'POST',
      url: '/api/v1/groups/cloud-guild/series',
      cookie: member,
      body: { title: 'Mine', recurrence: base }
    });
    expect(members.statusCode).toBe(403);
  });

  it('keeps the topic-vote setting of a series: off by default, 24 hours, changed with the rule', async () => {
    const series = await createMonthly();
    const read = await app().request({
      method: 'GET',
      url: `/api/v1/series/${series.id}`,
      cookie: owner
    });
    expect(read.json()).toMatchObject({ votingRounds: false, votingClosesHours: 24 });
    const changed = await app().request({
      method: 'PUT',
      url: `/api/v1/series/${series.id}`,
      cookie: owner,
      body: {
        title: 'Guild meeting',
        recurrence: {
          frequency: 'monthly',
          weekday: 'TU',
          weekOfMonth: 2,
          startDate: nextMonth(),
          startTime: '19:00',
          durationMinutes: 90
        },
        votingRounds: true,
        votingClosesHours: 48
      }
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ votingRounds: true, votingClosesHours: 48 });
    const refused = await app().request({
      method: 'PUT',
      url: `/api/v1/series/${changed.json<SeriesBody>().id}`,
      cookie: owner,
      body: {
        title: 'Guild meeting',
        recurrence: {
          frequency: 'monthly',
          weekday: 'TU',
          weekOfMonth: 2,
          startDate: nextMonth(),
          startTime: '19:00',
          durationMinutes: 90
        },
        votingClosesHours: 0
      }
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      { field: 'votingClosesHours', message: 'Must be at least 1.' }
    ]);
  });
});
