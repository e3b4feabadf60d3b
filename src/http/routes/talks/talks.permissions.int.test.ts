import { beforeAll, expect, it } from 'vitest';
import { createMeeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { createSpeaker } from '../../../services/speaker.service.ts';
import { acceptTalk, createTalk } from '../../../services/talk-write.service.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  PERSONA_MEMBERSHIPS,
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

/**
 * The matrix' columns: the personas, with `submitter` (an active member who proposed the
 * fixture's talks and owns its member speaker entry) after `member`.
 */
const COLUMNS = [
  'anonymous',
  'non-member',
  'pending',
  'member',
  'submitter',
  'host',
  'organizer',
  'owner',
  'admin',
  'banned'
] as const;
type Column = (typeof COLUMNS)[number];
/** Those who decide talks and manage speakers (`talk.decide`, `speaker.manage`). */
const DECIDERS: readonly Column[] = ['organizer', 'owner', 'admin'];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member submitter host organizer owner admin banned
 *
 * Reading follows `group.read` (404 to those who may not read the group; banned people lose
 * everything but a public group's basics). A proposal not yet accepted, and a speaker without an
 * accepted talk, are 404 to all but its submitter (or the speaker themself) and organizers.
 * Proposing needs an active membership (instance admins are not members); deciding talks and
 * managing speakers needs organizer, owner or admin; the agenda belongs to hosts and up.
 */
const MATRIX: Matrix = {
  'GET talks': [
    '200 200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404'
  ],
  'GET proposed talk': [
    '404 404 404 404 200 404 200 200 200 404',
    '404 404 404 404 200 404 200 200 200 404',
    '404 404 404 404 200 404 200 200 200 404'
  ],
  'GET accepted talk': [
    '200 200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404'
  ],
  'POST talk': [
    '401 403 403 201 201 201 201 201 403 403',
    '401 403 403 201 201 201 201 201 403 404',
    '401 404 403 201 201 201 201 201 403 404'
  ],
  'POST talk for invited speaker': [
    '401 403 403 403 403 403 201 201 201 403',
    '401 403 403 403 403 403 201 201 201 404',
    '401 404 403 403 403 403 201 201 201 404'
  ],
  'PATCH proposed talk': [
    '401 404 404 404 200 404 200 200 200 404',
    '401 404 404 404 200 404 200 200 200 404',
    '401 404 404 404 200 404 200 200 200 404'
  ],
  'PATCH accepted talk links': [
    '401 403 403 403 200 403 200 200 200 404',
    '401 404 404 403 200 403 200 200 200 404',
    '401 404 404 403 200 403 200 200 200 404'
  ],
  'POST accept': [
    '401 404 404 404 403 404 200 200 200 404',
    '401 404 404 404 403 404 200 200 200 404',
    '401 404 404 404 403 404 200 200 200 404'
  ],
  'POST decline': [
    '401 404 404 404 403 404 200 200 200 404',
    '401 404 404 404 403 404 200 200 200 404',
    '401 404 404 404 403 404 200 200 200 404'
  ],
  'POST decline accepted': [
    '401 403 403 403 403 403 200 200 200 404',
    '401 404 404 403 403 403 200 200 200 404',
    '401 404 404 403 403 403 200 200 200 404'
  ],
  'POST later': [
    '401 404 404 404 403 404 200 200 200 404',
    '401 404 404 404 403 404 200 200 200 404',
    '401 404 404 404 403 404 200 200 200 404'
  ],
  'POST withdraw': [
    '401 404 404 404 200 404 403 403 403 404',
    '401 404 404 404 200 404 403 403 403 404',
    '401 404 404 404 200 404 403 403 403 404'
  ],
  'GET speakers': [
    '200 200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404'
  ],
  'POST speaker': [
    '401 403 403 403 403 403 201 201 201 403',
    '401 403 403 403 403 403 201 201 201 404',
    '401 404 403 403 403 403 201 201 201 404'
  ],
  'GET speaker': [
    '200 200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404'
  ],
  'GET invited speaker': [
    '404 404 404 404 404 404 200 200 200 404',
    '404 404 404 404 404 404 200 200 200 404',
    '404 404 404 404 404 404 200 200 200 404'
  ],
  'PATCH invited speaker': [
    '401 404 404 404 404 404 200 200 200 404',
    '401 404 404 404 404 404 200 200 200 404',
    '401 404 404 404 404 404 200 200 200 404'
  ],
  'PATCH own speaker bio': [
    '401 403 403 403 200 403 200 200 200 404',
    '401 404 404 403 200 403 200 200 200 404',
    '401 404 404 403 200 403 200 200 200 404'
  ],
  'GET agenda': [
    '200 200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 200 404'
  ],
  'PUT agenda': [
    '401 403 403 403 403 200 200 200 200 404',
    '401 404 404 403 403 200 200 200 200 404',
    '401 404 404 403 403 200 200 200 200 404'
  ]
};

/** A group where every persona holds its role, with two meetings, talks and speakers. */
interface Fixture {
  slug: string;
  groupId: string;
  /** Has the accepted talk on its agenda. */
  meetingId: string;
  /** An empty published meeting to accept talks into. */
  otherMeetingId: string;
  proposedTalkId: string;
  acceptedTalkId: string;
  /** The submitter's speaker entry (with the accepted talk). */
  memberSpeakerId: string;
  /** An invited speaker without talks. */
  invitedSpeakerId: string;
}

type Endpoint = MatrixEndpoint<Fixture, Column>;

// A talk's feedback has its own matrix (feedback.permissions.int.test.ts).
const TALK_ROUTE =
  /^\S+ \/api\/v1\/(?!groups\/:slug\/talks\/:id\/feedback$)(?:groups\/:slug\/(?:talks|speakers)|events\/:id\/agenda)(?:\/|$)/;

describeWithApp('talk, speaker and agenda permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'submitter'>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['submitter']);
  });

  const userOf = (column: Column): string | null =>
    column === 'anonymous' ? null : users[column].id;

  async function fixture(kind: GroupKindCase): Promise<Fixture> {
    counter += 1;
    const db = t.testDb.db;
    const group = await createGroup(db, users.owner.id, {
      slug: `talk-matrix-${counter}`,
      name: `Talk matrix ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, [
      ...PERSONA_MEMBERSHIPS,
      ['submitter', 'member', 'active']
    ]);
    const meeting = async (days: number, title: string) => {
      const startsAt = new Date(Date.now() + days * 24 * 3600_000);
      return createMeeting(db, t.queue, group.id, users.owner.id, {
        title,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 90 * 60_000),
        timeZone: 'Europe/Berlin',
        publish: true
      });
    };
    const first = await meeting(7, 'Matrix meeting');
    const other = await meeting(14, 'Other meeting');
    const fields = { durationMinutes: 30, level: 'beginner' } as const;
    const proposed = await createTalk(db, group.id, users.submitter.id, {
      ...fields,
      title: 'Proposed talk'
    });
    const accepted = await createTalk(db, group.id, users.submitter.id, {
      ...fields,
      title: 'Accepted talk'
    });
    await acceptTalk(db, group.id, accepted.id, users.owner.id, first.id);
    const invited = await createSpeaker(db, group.id, users.owner.id, {
      name: 'Invited guest',
      contact: 'guest@private.example'
    });
    return {
      slug: group.slug,
      groupId: group.id,
      meetingId: first.id,
      otherMeetingId: other.id,
      proposedTalkId: proposed.id,
      acceptedTalkId: accepted.id,
      memberSpeakerId: accepted.speaker.id,
      invitedSpeakerId: invited.id
    };
  }

  /** Everything a write could change in the fixture's group, to compare before and after. */
  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    return {
      talks: await k
        .selectFrom('talks')
        .selectAll()
        .where('group_id', '=', f.groupId)
        .orderBy('id')
        .execute(),
      speakers: await k
        .selectFrom('speakers')
        .selectAll()
        .where('group_id', '=', f.groupId)
        .orderBy('id')
        .execute(),
      agenda: await k
        .selectFrom('agenda_items')
        .selectAll()
        .where('event_id', 'in', [f.meetingId, f.otherMeetingId])
        .orderBy('id')
        .execute()
    };
  }

  const talkRow = (id: string) =>
    t.testDb.db.kysely
      .selectFrom('talks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const speakerRow = (id: string) =>
    t.testDb.db.kysely
      .selectFrom('speakers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const agendaTalks = async (eventId: string) =>
    (
      await t.testDb.db.kysely
        .selectFrom('agenda_items')
        .select('talk_id')
        .where('event_id', '=', eventId)
        .orderBy('position')
        .execute()
    ).map((r) => r.talk_id);
  const ids = (res: MatrixResponse) =>
    res.json<{ items: { id: string }[] }>().items.map((i) => i.id);
  const talkUrl = (f: Fixture, id: string, rest = '') =>
    `/api/v1/groups/${f.slug}/talks/${id}${rest}`;

  /** A decision on the proposed talk, as organizers take it. */
  function decision(path: 'decline' | 'later', status: string): Endpoint {
    return {
      route: `POST /api/v1/groups/:slug/talks/:id/${path}`,
      request: (f) => ({
        method: 'POST',
        url: talkUrl(f, f.proposedTalkId, `/${path}`),
        body: { note: 'Not this time' }
      }),
      check: (_f, res) => {
        expect(res.json<{ decisionNote: string }>().decisionNote).toBe('Not this time');
      },
      effect: async (f, userId) => {
        expect(await talkRow(f.proposedTalkId)).toMatchObject({
          status,
          decision_note: 'Not this time',
          decided_by: userId
        });
      }
    };
  }

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET talks': {
      route: 'GET /api/v1/groups/:slug/talks',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/talks` }),
      check: (f, res, column) => {
        const seesProposals = DECIDERS.includes(column) || column === 'submitter';
        expect(ids(res).sort()).toEqual(
          (seesProposals ? [f.proposedTalkId, f.acceptedTalkId] : [f.acceptedTalkId]).sort()
        );
      }
    },
    'GET proposed talk': {
      route: 'GET /api/v1/groups/:slug/talks/:id',
      request: (f) => ({ method: 'GET', url: talkUrl(f, f.proposedTalkId) }),
      check: (f, res, column) => {
        expect(res.json()).toMatchObject({
          id: f.proposedTalkId,
          viewer: {
            canDecide: DECIDERS.includes(column),
            canWithdraw: column === 'submitter'
          }
        });
      }
    },
    'GET accepted talk': {
      route: 'GET /api/v1/groups/:slug/talks/:id',
      request: (f) => ({ method: 'GET', url: talkUrl(f, f.acceptedTalkId) }),
      check: (f, res) => {
        expect(res.json()).toMatchObject({ id: f.acceptedTalkId, event: { id: f.meetingId } });
      }
    },
    'POST talk': {
      route: 'POST /api/v1/groups/:slug/talks',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/talks`,
        body: { title: 'Added talk', durationMinutes: 20, level: 'advanced' }
      }),
      effect: async (f, userId) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('talks')
          .innerJoin('speakers', 'speakers.id', 'talks.speaker_id')
          .select(['talks.status', 'talks.submitted_by', 'speakers.user_id'])
          .where('talks.group_id', '=', f.groupId)
          .where('talks.title', '=', 'Added talk')
          .execute();
        expect(rows).toEqual([{ status: 'proposed', submitted_by: userId, user_id: userId }]);
      }
    },
    'POST talk for invited speaker': {
      route: 'POST /api/v1/groups/:slug/talks',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/talks`,
        body: {
          title: 'Invited talk',
          durationMinutes: 40,
          level: 'intermediate',
          speakerId: f.invitedSpeakerId,
          eventId: f.otherMeetingId
        }
      }),
      check: (_f, res) => {
        expect(res.body).not.toContain('guest@private.example');
      },
      effect: async (f) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('talks')
          .select(['id', 'status', 'speaker_id', 'event_id'])
          .where('group_id', '=', f.groupId)
          .where('title', '=', 'Invited talk')
          .execute();
        expect(rows).toMatchObject([
          { status: 'accepted', speaker_id: f.invitedSpeakerId, event_id: f.otherMeetingId }
        ]);
        expect(await agendaTalks(f.otherMeetingId)).toEqual([rows[0]?.id]);
      }
    },
    'PATCH proposed talk': {
      route: 'PATCH /api/v1/groups/:slug/talks/:id',
      request: (f) => ({
        method: 'PATCH',
        url: talkUrl(f, f.proposedTalkId),
        body: { title: 'Changed title' }
      }),
      effect: async (f) => {
        expect((await talkRow(f.proposedTalkId)).title).toBe('Changed title');
      }
    },
    'PATCH accepted talk links': {
      route: 'PATCH /api/v1/groups/:slug/talks/:id',
      request: (f) => ({
        method: 'PATCH',
        url: talkUrl(f, f.acceptedTalkId),
        body: { slidesUrl: 'https://slides.example/deck' }
      }),
      effect: async (f) => {
        expect((await talkRow(f.acceptedTalkId)).slides_url).toBe('https://slides.example/deck');
      }
    },
    'POST accept': {
      route: 'POST /api/v1/groups/:slug/talks/:id/accept',
      request: (f) => ({
        method: 'POST',
        url: talkUrl(f, f.proposedTalkId, '/accept'),
        body: { eventId: f.otherMeetingId }
      }),
      effect: async (f, userId) => {
        expect(await talkRow(f.proposedTalkId)).toMatchObject({
          status: 'accepted',
          event_id: f.otherMeetingId,
          decided_by: userId
        });
        expect(await agendaTalks(f.otherMeetingId)).toEqual([f.proposedTalkId]);
      }
    },
    'POST decline': decision('decline', 'declined'),
    'POST decline accepted': {
      route: 'POST /api/v1/groups/:slug/talks/:id/decline',
      request: (f) => ({ method: 'POST', url: talkUrl(f, f.acceptedTalkId, '/decline') }),
      effect: async (f) => {
        expect(await talkRow(f.acceptedTalkId)).toMatchObject({
          status: 'declined',
          event_id: null,
          decision_note: null
        });
        expect(await agendaTalks(f.meetingId)).toEqual([]);
      }
    },
    'POST later': decision('later', 'later'),
    'POST withdraw': {
      route: 'POST /api/v1/groups/:slug/talks/:id/withdraw',
      request: (f) => ({ method: 'POST', url: talkUrl(f, f.proposedTalkId, '/withdraw') }),
      effect: async (f) => {
        expect((await talkRow(f.proposedTalkId)).status).toBe('withdrawn');
      }
    },
    'GET speakers': {
      route: 'GET /api/v1/groups/:slug/speakers',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/speakers` }),
      check: (f, res, column) => {
        const manages = DECIDERS.includes(column);
        expect(ids(res).sort()).toEqual(
          (manages ? [f.memberSpeakerId, f.invitedSpeakerId] : [f.memberSpeakerId]).sort()
        );
        expect(res.body.includes('guest@private.example')).toBe(manages);
      }
    },
    'POST speaker': {
      route: 'POST /api/v1/groups/:slug/speakers',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/speakers`,
        body: { name: 'Added speaker', contact: 'added@private.example' }
      }),
      effect: async (f) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('speakers')
          .select(['user_id', 'contact'])
          .where('group_id', '=', f.groupId)
          .where('name', '=', 'Added speaker')
          .execute();
        expect(rows).toEqual([{ user_id: null, contact: 'added@private.example' }]);
      }
    },
    'GET speaker': {
      route: 'GET /api/v1/groups/:slug/speakers/:id',
      request: (f) => ({
        method: 'GET',
        url: `/api/v1/groups/${f.slug}/speakers/${f.memberSpeakerId}`
      }),
      check: (f, res) => {
        const body = res.json<{ id: string; talks: { id: string }[] }>();
        expect(body.id).toBe(f.memberSpeakerId);
        expect(body.talks.map((x) => x.id)).toEqual([f.acceptedTalkId]);
      }
    },
    'GET invited speaker': {
      route: 'GET /api/v1/groups/:slug/speakers/:id',
      request: (f) => ({
        method: 'GET',
        url: `/api/v1/groups/${f.slug}/speakers/${f.invitedSpeakerId}`
      }),
      check: (_f, res) => {
        expect(res.json<{ contact: string }>().contact).toBe('guest@private.example');
      }
    },
    'PATCH invited speaker': {
      route: 'PATCH /api/v1/groups/:slug/speakers/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/groups/${f.slug}/speakers/${f.invitedSpeakerId}`,
        body: { name: 'Renamed guest' }
      }),
      effect: async (f) => {
        expect((await speakerRow(f.invitedSpeakerId)).name).toBe('Renamed guest');
      }
    },
    'PATCH own speaker bio': {
      route: 'PATCH /api/v1/groups/:slug/speakers/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/groups/${f.slug}/speakers/${f.memberSpeakerId}`,
        body: { bio: 'A new bio', company: 'Contoso' }
      }),
      effect: async (f) => {
        expect(await speakerRow(f.memberSpeakerId)).toMatchObject({
          bio: 'A new bio',
          company: 'Contoso'
        });
      }
    },
    'GET agenda': {
      route: 'GET /api/v1/events/:id/agenda',
      request: (f) => ({ method: 'GET', url: `/api/v1/events/${f.meetingId}/agenda` }),
      check: (f, res, column) => {
        const body = res.json<{ items: { talk: { id: string } | null }[]; viewer: object }>();
        expect(body.items.map((i) => i.talk?.id)).toEqual([f.acceptedTalkId]);
        const runs = [...DECIDERS, 'host'].includes(column);
        expect(body.viewer).toEqual({ canEdit: runs });
      }
    },
    'PUT agenda': {
      route: 'PUT /api/v1/events/:id/agenda',
      request: (f) => ({
        method: 'PUT',
        url: `/api/v1/events/${f.meetingId}/agenda`,
        body: { items: [{ kind: 'break', title: 'Coffee', durationMinutes: 15 }] }
      }),
      effect: async (f) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('agenda_items')
          .select(['kind', 'title'])
          .where('event_id', '=', f.meetingId)
          .execute();
        expect(rows).toEqual([{ kind: 'break', title: 'Coffee' }]);
      }
    }
  };

  it('has a matrix row for every talk, speaker and agenda endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: TALK_ROUTE, atLeast: 14 });
  });

  itChecksMatrix(MATRIX, ENDPOINTS, {
    app,
    columns: COLUMNS,
    fixture,
    snapshot,
    userOf,
    credentials: (column) => sessionOf(users, column)
  });
});
