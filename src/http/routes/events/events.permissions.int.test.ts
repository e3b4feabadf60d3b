import { beforeAll, expect, it } from 'vitest';
import { createPersonalFeed } from '../../../services/calendar/personal-feed.service.ts';
import { createMeeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { checkIn, findRsvp, respond } from '../../../services/rsvp.service.ts';
import { createSeries } from '../../../services/series.service.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  KINDS,
  PERSONA_MEMBERSHIPS,
  PERSONAS,
  type PersonaUsers,
  sessionOf
} from '../../../test/personas.ts';
import {
  expectMatrixCoversRoutes,
  itChecksMatrix,
  type Matrix,
  type MatrixEndpoint,
  type MatrixResponse
} from '../../../test/permission-matrix.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

/** The matrix' columns: the personas, then a read-only and a read-write API token of `member`. */
const COLUMNS = [...PERSONAS, 'read-token', 'write-token'] as const;
type Column = (typeof COLUMNS)[number];
/** Those who run meetings (`event.create`, `event.checkIn`): they see drafts and online links. */
const RUNNERS: readonly Column[] = ['host', 'organizer', 'owner', 'admin'];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member host organizer owner admin banned read-token write-token
 *
 * Reading follows `group.read`: a meeting, series or feed of a group one may not read is a 404
 * (banned people lose everything but a public group's basics). Drafts are 404 to all but those who
 * run meetings. Writing to a meeting one may read but not run is a 403 (401 anonymous); RSVPs need
 * an active membership (instance admins are not members). Writes with a read-only token are a 403,
 * and the personal calendar feed is managed in a browser session only.
 */
const MATRIX: Matrix = {
  'GET group events': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'POST group event': [
    '401 403 403 403 201 201 201 201 403 403 403',
    '401 403 403 403 201 201 201 201 404 403 403',
    '401 404 403 403 201 201 201 201 404 403 403'
  ],
  'GET event': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'GET draft event': [
    '404 404 404 404 200 200 200 200 404 404 404',
    '404 404 404 404 200 200 200 200 404 404 404',
    '404 404 404 404 200 200 200 200 404 404 404'
  ],
  'PATCH event': [
    '401 403 403 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403'
  ],
  'POST publish draft': [
    '401 404 404 404 200 200 200 200 404 403 404',
    '401 404 404 404 200 200 200 200 404 403 404',
    '401 404 404 404 200 200 200 200 404 403 404'
  ],
  'POST cancel event': [
    '401 403 403 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403'
  ],
  'PUT rsvp': [
    '401 403 403 200 200 200 200 403 404 403 200',
    '401 404 404 200 200 200 200 403 404 403 200',
    '401 404 404 200 200 200 200 403 404 403 200'
  ],
  // Everyone (but anonymous) answered "going" before: a former or banned member keeps the row.
  'GET my rsvp': [
    '401 200 200 200 200 200 200 200 404 200 200',
    '401 404 404 200 200 200 200 200 404 200 200',
    '401 404 404 200 200 200 200 200 404 200 200'
  ],
  'GET attendees': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'GET waitlisted attendees': [
    '401 403 403 403 200 200 200 200 404 403 403',
    '404 404 404 403 200 200 200 200 404 403 403',
    '404 404 404 403 200 200 200 200 404 403 403'
  ],
  'POST check-in': [
    '401 403 403 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403'
  ],
  'DELETE check-in': [
    '401 403 403 403 204 204 204 204 404 403 403',
    '401 404 404 403 204 204 204 204 404 403 403',
    '401 404 404 403 204 204 204 204 404 403 403'
  ],
  'GET no-shows': [
    '401 403 403 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403'
  ],
  // Everyone (but anonymous) answered "going" before; the list must hold only what they may read.
  'GET my events': [
    '401 200 200 200 200 200 200 200 200 200 200',
    '401 200 200 200 200 200 200 200 200 200 200',
    '401 200 200 200 200 200 200 200 200 200 200'
  ],
  'GET group series': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'POST group series': [
    '401 403 403 403 201 201 201 201 403 403 403',
    '401 403 403 403 201 201 201 201 404 403 403',
    '401 404 403 403 201 201 201 201 404 403 403'
  ],
  'GET series': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'PUT series': [
    '401 403 403 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403',
    '401 404 404 403 200 200 200 200 404 403 403'
  ],
  'POST end series': [
    '401 403 403 403 204 204 204 204 404 403 403',
    '401 404 404 403 204 204 204 204 404 403 403',
    '401 404 404 403 204 204 204 204 404 403 403'
  ],
  'PUT series rsvp': [
    '401 403 403 200 200 200 200 403 404 403 200',
    '401 404 404 200 200 200 200 403 404 403 200',
    '401 404 404 200 200 200 200 403 404 403 200'
  ],
  'GET event ics': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'GET group ics': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'GET group atom': [
    '200 200 200 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200',
    '404 404 404 200 200 200 200 200 404 200 200'
  ],
  'POST calendar feed': [
    '401 201 201 201 201 201 201 201 201 403 403',
    '401 201 201 201 201 201 201 201 201 403 403',
    '401 201 201 201 201 201 201 201 201 403 403'
  ],
  'GET calendar feed': [
    '401 200 200 200 200 200 200 200 200 403 403',
    '401 200 200 200 200 200 200 200 200 403 403',
    '401 200 200 200 200 200 200 200 200 403 403'
  ],
  'DELETE calendar feed': [
    '401 204 204 204 204 204 204 204 204 403 403',
    '401 204 204 204 204 204 204 204 204 403 403',
    '401 204 204 204 204 204 204 204 204 403 403'
  ],
  // The secret in the URL is the credential (the member's feed): whoever holds it reads it.
  'GET personal feed': [
    '200 200 200 200 200 200 200 200 200 200 200',
    '200 200 200 200 200 200 200 200 200 200 200',
    '200 200 200 200 200 200 200 200 200 200 200'
  ]
};

/** A group where every persona holds its role, with a published meeting and a draft. */
interface Fixture {
  kindIndex: number;
  slug: string;
  groupId: string;
  meetingId: string;
  draftId: string;
  seriesId: string;
  onlineUrl: string;
  feedSecret: string;
}

interface Endpoint extends MatrixEndpoint<Fixture, Column> {
  /** The fixture needs a series. */
  series?: boolean;
}

/** `YYYY-MM-DD`, `days` from today. */
function day(days: number): string {
  return new Date(Date.now() + days * 24 * 3600_000).toISOString().slice(0, 10);
}

function seriesBody(title: string, onlineUrl: string) {
  return {
    title,
    recurrence: {
      frequency: 'monthly',
      interval: 1,
      weekday: 'TU',
      weekOfMonth: 2,
      startDate: day(1),
      startTime: '19:00',
      durationMinutes: 120,
      until: day(100)
    },
    onlineUrl
  } as const;
}

/** An iCalendar text with its folded lines joined, so a long URL is found whole. */
function unfold(text: string): string {
  return text.replace(/\r?\n[ \t]/g, '');
}

/** Meeting routes; a meeting's agenda is in the talk matrix (talks.permissions.int.test.ts). */
// The agenda, the live room and feedback of a meeting have matrices of their own.
const MEETING_ROUTE =
  /^\S+ \/api\/v1\/(?!events\/:id\/(?:agenda|room|questions|hands|kudos|feedback)(?:[/.]|$))(?:events|series|calendar|me\/events|me\/calendar-feed|groups\/:slug\/(?:events|series|calendar\.ics|events\.atom))(?:[/.]|$)/;

describeWithApp('meeting permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'attendee' | 'arrived' | 'going' | 'waiting'>;
  let readToken: string;
  let writeToken: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['attendee', 'arrived', 'going', 'waiting']);
    readToken = await t.buildToken(users.member.id, 'read');
    writeToken = await t.buildToken(users.member.id, 'write');
  });

  type Who = Column | 'going' | 'waiting';

  function credentials(who: Who): { cookie?: string; token?: string } {
    if (who === 'read-token') return { token: readToken };
    if (who === 'write-token') return { token: writeToken };
    return sessionOf(users, who);
  }

  function userOf(who: Who): string | null {
    if (who === 'anonymous') return null;
    if (who === 'read-token' || who === 'write-token') return users.member.id;
    return users[who].id;
  }

  /** Whether the column may read the group (the `GET event` row says so). */

  /**
   * A fresh group of `kind` with a published meeting (online, `capacity`) and a draft. In the
   * matrix, `attendee` and `arrived` are going and `arrived` is checked in; for the online-link
   * test (`full`), capacity 1 is taken by `going` and `waiting` is on the waitlist.
   */
  async function fixture(
    kind: GroupKindCase,
    options: { series?: boolean; full?: boolean } = {}
  ): Promise<Fixture> {
    counter += 1;
    const db = t.testDb.db;
    const onlineUrl = `https://meet.example.org/secret-${counter}-room`;
    const group = await createGroup(db, users.owner.id, {
      slug: `event-matrix-${counter}`,
      name: `Event matrix ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, [
      ...PERSONA_MEMBERSHIPS,
      ['attendee', 'member', 'active'],
      ['arrived', 'member', 'active'],
      ['going', 'member', 'active'],
      ['waiting', 'member', 'active']
    ]);
    const startsAt = new Date(Date.now() + 7 * 24 * 3600_000);
    const fields = {
      description: 'We talk **Kubernetes**.',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
      timeZone: 'Europe/Berlin',
      onlineUrl
    };
    const meeting = await createMeeting(db, t.queue, group.id, users.owner.id, {
      ...fields,
      title: 'Matrix meeting',
      capacity: options.full ? 1 : null,
      publish: true
    });
    const draft = await createMeeting(db, t.queue, group.id, users.owner.id, {
      ...fields,
      title: 'Matrix draft',
      publish: false
    });
    if (options.full) {
      await respond(db, t.queue, meeting.id, users.going.id, { going: true, guests: 0 });
      const waiting = await respond(db, t.queue, meeting.id, users.waiting.id, {
        going: true,
        guests: 0
      });
      expect(waiting.status).toBe('waitlisted');
    } else {
      await respond(db, t.queue, meeting.id, users.attendee.id, { going: true, guests: 0 });
      await respond(db, t.queue, meeting.id, users.arrived.id, { going: true, guests: 0 });
      await checkIn(db, meeting.id, { userId: users.arrived.id });
    }
    let seriesId = '';
    if (options.series) {
      const body = seriesBody('Matrix series', onlineUrl);
      const { series } = await createSeries(db, t.queue, group.id, users.owner.id, {
        ...body,
        recurrence: { ...body.recurrence, timeZone: 'Europe/Berlin' }
      });
      seriesId = series.id;
    }
    return {
      kindIndex: KINDS.indexOf(kind),
      slug: group.slug,
      groupId: group.id,
      meetingId: meeting.id,
      draftId: draft.id,
      seriesId,
      onlineUrl,
      feedSecret: ''
    };
  }

  /** Everything a write could change about the fixture, to compare before and after. */
  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    const events = await k
      .selectFrom('events')
      .selectAll()
      .where('group_id', '=', f.groupId)
      .orderBy('id')
      .execute();
    const eventIds = events.map((e) => e.id);
    const series = await k
      .selectFrom('series')
      .selectAll()
      .where('group_id', '=', f.groupId)
      .orderBy('id')
      .execute();
    const seriesIds = series.map((s) => s.id);
    return {
      events,
      rsvps: await k
        .selectFrom('rsvps')
        .selectAll()
        .where('event_id', 'in', [...eventIds, '-'])
        .orderBy('event_id')
        .orderBy('user_id')
        .execute(),
      series,
      seriesRsvps: await k
        .selectFrom('series_rsvps')
        .selectAll()
        .where('series_id', 'in', [...seriesIds, '-'])
        .orderBy('series_id')
        .orderBy('user_id')
        .execute(),
      feeds: await k.selectFrom('calendar_feeds').selectAll().orderBy('id').execute()
    };
  }

  const meetingRow = (id: string) =>
    t.testDb.db.kysely
      .selectFrom('events')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const rsvpRow = (eventId: string, userId: string) =>
    t.testDb.db.kysely
      .selectFrom('rsvps')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  const seriesTitles = async (f: Fixture) =>
    (
      await t.testDb.db.kysely
        .selectFrom('series')
        .select('title')
        .where('group_id', '=', f.groupId)
        .execute()
    ).map((s) => s.title);
  const answerGoing = async (f: Fixture, userId: string | null) => {
    if (userId)
      await respond(t.testDb.db, t.queue, f.meetingId, userId, { going: true, guests: 0 });
  };
  const ids = (res: MatrixResponse) =>
    res.json<{ items: { id: string }[] }>().items.map((i) => i.id);

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET group events': {
      route: 'GET /api/v1/groups/:slug/events',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/events` }),
      check: (f, res, column) => {
        expect(ids(res)).toContain(f.meetingId);
        expect(ids(res).includes(f.draftId)).toBe(RUNNERS.includes(column));
      }
    },
    'POST group event': {
      route: 'POST /api/v1/groups/:slug/events',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/events`,
        body: {
          title: 'Added meeting',
          startsAt: '2031-03-04T19:00',
          endsAt: '2031-03-04T21:00',
          onlineUrl: f.onlineUrl
        }
      }),
      effect: async (f) => {
        const added = await t.testDb.db.kysely
          .selectFrom('events')
          .select('status')
          .where('group_id', '=', f.groupId)
          .where('title', '=', 'Added meeting')
          .execute();
        expect(added).toEqual([{ status: 'draft' }]);
      }
    },
    'GET event': {
      route: 'GET /api/v1/events/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/events/${f.meetingId}` }),
      check: (f, res) => {
        expect(res.json<{ id: string }>().id).toBe(f.meetingId);
      }
    },
    'GET draft event': {
      route: 'GET /api/v1/events/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/events/${f.draftId}` }),
      check: (f, res) => {
        expect(res.json<{ status: string }>().status).toBe('draft');
      }
    },
    'PATCH event': {
      route: 'PATCH /api/v1/events/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/events/${f.meetingId}`,
        body: { title: 'Changed meeting' }
      }),
      effect: async (f) => {
        expect((await meetingRow(f.meetingId)).title).toBe('Changed meeting');
      }
    },
    'POST publish draft': {
      route: 'POST /api/v1/events/:id/publish',
      request: (f) => ({ method: 'POST', url: `/api/v1/events/${f.draftId}/publish` }),
      effect: async (f) => {
        expect((await meetingRow(f.draftId)).status).toBe('published');
      }
    },
    'POST cancel event': {
      route: 'POST /api/v1/events/:id/cancel',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/events/${f.meetingId}/cancel`,
        body: { reason: 'The speaker is ill' }
      }),
      effect: async (f) => {
        expect(await meetingRow(f.meetingId)).toMatchObject({
          status: 'cancelled',
          cancel_reason: 'The speaker is ill'
        });
      }
    },
    'PUT rsvp': {
      route: 'PUT /api/v1/events/:id/rsvp',
      request: (f) => ({
        method: 'PUT',
        url: `/api/v1/events/${f.meetingId}/rsvp`,
        body: { status: 'going' }
      }),
      effect: async (f, userId) => {
        expect((await findRsvp(t.testDb.db, f.meetingId, userId))?.status).toBe('going');
      }
    },
    'GET my rsvp': {
      route: 'GET /api/v1/events/:id/rsvp',
      request: (f) => ({ method: 'GET', url: `/api/v1/events/${f.meetingId}/rsvp` }),
      prepare: answerGoing,
      check: (_f, res) => {
        expect(res.json<{ status: string }>().status).toBe('going');
      }
    },
    'GET attendees': {
      route: 'GET /api/v1/events/:id/attendees',
      request: (f) => ({ method: 'GET', url: `/api/v1/events/${f.meetingId}/attendees` }),
      check: (_f, res, column) => {
        const items = res.json<{ items: { userId: string; checkedInAt: string | null }[] }>().items;
        expect(items.map((a) => a.userId).sort()).toEqual(
          [users.attendee.id, users.arrived.id].sort()
        );
        // Who came is for those who run the meeting.
        const arrived = items.find((a) => a.userId === users.arrived.id);
        expect(arrived?.checkedInAt !== null).toBe(RUNNERS.includes(column));
      }
    },
    'GET waitlisted attendees': {
      route: 'GET /api/v1/events/:id/attendees',
      request: (f) => ({
        method: 'GET',
        url: `/api/v1/events/${f.meetingId}/attendees?status=waitlisted`
      }),
      check: (_f, res) => {
        expect(res.json<{ items: unknown[] }>().items).toEqual([]);
      }
    },
    'POST check-in': {
      route: 'POST /api/v1/events/:id/check-ins',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/events/${f.meetingId}/check-ins`,
        body: { userId: users.attendee.id }
      }),
      effect: async (f) => {
        expect((await rsvpRow(f.meetingId, users.attendee.id))?.checked_in_at).not.toBeNull();
      }
    },
    'DELETE check-in': {
      route: 'DELETE /api/v1/events/:id/check-ins/:userId',
      request: (f) => ({
        method: 'DELETE',
        url: `/api/v1/events/${f.meetingId}/check-ins/${users.arrived.id}`
      }),
      effect: async (f) => {
        expect((await rsvpRow(f.meetingId, users.arrived.id))?.checked_in_at).toBeNull();
      }
    },
    'GET no-shows': {
      route: 'GET /api/v1/events/:id/no-shows',
      request: (f) => ({ method: 'GET', url: `/api/v1/events/${f.meetingId}/no-shows` }),
      check: (_f, res) => {
        expect(res.json<{ items: unknown[] }>().items).toEqual([]);
      }
    },
    'GET my events': {
      route: 'GET /api/v1/me/events',
      request: () => ({ method: 'GET', url: '/api/v1/me/events?limit=100' }),
      prepare: answerGoing,
      check: (f, res, column) => {
        // Only meetings of groups one is an active member of are listed (like the personal feed):
        // an answer left behind after leaving, a ban or by an admin outside the group is not.
        const activeMember = ['member', 'host', 'organizer', 'owner', 'read-token', 'write-token'];
        expect(ids(res).includes(f.meetingId), 'listed').toBe(activeMember.includes(column));
      }
    },
    'GET group series': {
      route: 'GET /api/v1/groups/:slug/series',
      series: true,
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/series` }),
      check: (f, res) => {
        expect(ids(res)).toEqual([f.seriesId]);
      }
    },
    'POST group series': {
      route: 'POST /api/v1/groups/:slug/series',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/series`,
        body: seriesBody('Added series', f.onlineUrl)
      }),
      effect: async (f) => {
        expect(await seriesTitles(f)).toEqual(['Added series']);
      }
    },
    'GET series': {
      route: 'GET /api/v1/series/:id',
      series: true,
      request: (f) => ({ method: 'GET', url: `/api/v1/series/${f.seriesId}` }),
      check: (f, res) => {
        expect(res.json<{ id: string }>().id).toBe(f.seriesId);
      }
    },
    'PUT series': {
      route: 'PUT /api/v1/series/:id',
      series: true,
      request: (f) => ({
        method: 'PUT',
        url: `/api/v1/series/${f.seriesId}`,
        body: { ...seriesBody('Changed series', f.onlineUrl), from: day(40) }
      }),
      effect: async (f) => {
        expect(await seriesTitles(f)).toContain('Changed series');
      }
    },
    'POST end series': {
      route: 'POST /api/v1/series/:id/end',
      series: true,
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/series/${f.seriesId}/end`,
        body: { reason: 'We meet elsewhere now' }
      }),
      effect: async (f) => {
        const row = await t.testDb.db.kysely
          .selectFrom('series')
          .select('ended')
          .where('id', '=', f.seriesId)
          .executeTakeFirstOrThrow();
        expect(Boolean(row.ended)).toBe(true);
      }
    },
    'PUT series rsvp': {
      route: 'PUT /api/v1/series/:id/rsvp',
      series: true,
      request: (f) => ({
        method: 'PUT',
        url: `/api/v1/series/${f.seriesId}/rsvp`,
        body: { status: 'going' }
      }),
      effect: async (f, userId) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('series_rsvps')
          .select('user_id')
          .where('series_id', '=', f.seriesId)
          .execute();
        expect(rows).toEqual([{ user_id: userId }]);
      }
    },
    'GET event ics': {
      route: 'GET /api/v1/events/:id/calendar.ics',
      request: (f) => ({ method: 'GET', url: `/api/v1/events/${f.meetingId}/calendar.ics` }),
      check: (_f, res) => {
        expect(unfold(res.body)).toContain('SUMMARY:Matrix meeting');
      }
    },
    'GET group ics': {
      route: 'GET /api/v1/groups/:slug/calendar.ics',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/calendar.ics` }),
      check: (_f, res) => {
        expect(unfold(res.body)).toContain('SUMMARY:Matrix meeting');
        expect(res.body).not.toContain('Matrix draft');
      }
    },
    'GET group atom': {
      route: 'GET /api/v1/groups/:slug/events.atom',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/events.atom` }),
      check: (_f, res) => {
        expect(res.body).toContain('Matrix meeting');
        expect(res.body).not.toContain('Matrix draft');
      }
    },
    'POST calendar feed': {
      route: 'POST /api/v1/me/calendar-feed',
      request: () => ({ method: 'POST', url: '/api/v1/me/calendar-feed' }),
      effect: async (_f, userId) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('calendar_feeds')
          .select('user_id')
          .where('user_id', '=', userId)
          .execute();
        expect(rows).toHaveLength(1);
      }
    },
    'GET calendar feed': {
      route: 'GET /api/v1/me/calendar-feed',
      request: () => ({ method: 'GET', url: '/api/v1/me/calendar-feed' })
    },
    'DELETE calendar feed': {
      route: 'DELETE /api/v1/me/calendar-feed',
      request: () => ({ method: 'DELETE', url: '/api/v1/me/calendar-feed' }),
      prepare: async (_f, userId) => {
        if (userId) await createPersonalFeed(t.testDb.db, userId);
      },
      effect: async (_f, userId) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('calendar_feeds')
          .select('user_id')
          .where('user_id', '=', userId)
          .execute();
        expect(rows).toEqual([]);
      }
    },
    'GET personal feed': {
      route: 'GET /api/v1/calendar/:secret.ics',
      request: (f) => ({ method: 'GET', url: `/api/v1/calendar/${f.feedSecret}.ics` }),
      prepare: async (f) => {
        f.feedSecret = await createPersonalFeed(t.testDb.db, users.member.id);
      },
      check: (_f, res) => {
        expect(res.body).toContain('BEGIN:VCALENDAR');
      }
    }
  };

  it('has a matrix row for every meeting endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: MEETING_ROUTE, atLeast: 25 });
  });

  itChecksMatrix(MATRIX, ENDPOINTS, {
    app,
    columns: COLUMNS,
    fixture: (kind, endpoint) => fixture(kind, { series: !!endpoint.series }),
    snapshot,
    userOf,
    credentials
  });

  /** Fetches a URL as someone and tells whether the body holds the online link. */
  async function shows(f: Fixture, who: Who, url: string): Promise<boolean> {
    const res = await t.request({ method: 'GET', url, ...credentials(who) });
    if (res.statusCode >= 500) throw new Error(`${who} ${url}: ${res.body}`);
    return unfold(res.body).includes(f.onlineUrl);
  }

  for (const kind of KINDS) {
    it(`shows the online link only to people going and those who run the meeting (${kind.visibility})`, async () => {
      const f = await fixture(kind, { series: true, full: true });
      const going = await t.request({
        method: 'GET',
        url: `/api/v1/events/${f.meetingId}/rsvp`,
        ...credentials('waiting')
      });
      expect(going.json()).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

      const pages: Record<string, string> = {
        event: `/api/v1/events/${f.meetingId}`,
        'event ics': `/api/v1/events/${f.meetingId}/calendar.ics`,
        'group events': `/api/v1/groups/${f.slug}/events`,
        'group ics': `/api/v1/groups/${f.slug}/calendar.ics`,
        'group atom': `/api/v1/groups/${f.slug}/events.atom`,
        series: `/api/v1/series/${f.seriesId}`,
        'my events': '/api/v1/me/events?limit=100'
      };
      const seeing: readonly Who[] = ['going', ...RUNNERS];
      const expected: string[] = [];
      const actual: string[] = [];
      for (const who of [...COLUMNS, 'going', 'waiting'] as const) {
        for (const [page, url] of Object.entries(pages)) {
          // Those who run meetings also see the series' link, to edit the series.
          const may =
            (seeing.includes(who) && (page === 'event' || page === 'event ics')) ||
            (page === 'series' && (RUNNERS as readonly Who[]).includes(who));
          expected.push(`${who} ${page}: ${may ? 'link' : '-'}`);
          actual.push(`${who} ${page}: ${(await shows(f, who, url)) ? 'link' : '-'}`);
        }
        // The personal feed holds the link of meetings one is going to, and of no others.
        const userId = userOf(who);
        if (userId && who !== 'read-token' && who !== 'write-token') {
          const secret = await createPersonalFeed(t.testDb.db, userId);
          expected.push(`${who} personal feed: ${who === 'going' ? 'link' : '-'}`);
          const feed = await shows(f, 'anonymous', `/api/v1/calendar/${secret}.ics`);
          actual.push(`${who} personal feed: ${feed ? 'link' : '-'}`);
        }
      }
      // Saying "going" to the full meeting puts a member on the waitlist: the answer has no link.
      const answer = await t.request({
        method: 'PUT',
        url: `/api/v1/events/${f.meetingId}/rsvp`,
        body: { status: 'going' },
        ...credentials('member')
      });
      expect(answer.json()).toMatchObject({ myRsvp: { status: 'waitlisted' }, onlineUrl: null });
      expect(answer.body).not.toContain(f.onlineUrl);
      expect(actual).toEqual(expected);
    });
  }
});
