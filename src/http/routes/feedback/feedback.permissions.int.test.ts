import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
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

/**
 * The matrix' columns: the personas (`member` is an active member who was going but did not come),
 * then `attendee` (an active member who checked in), `speaker` (an active member who gave the
 * meeting's talk and did not check in) and `read-only` (an organizer who checked in, asking with a
 * read-only API token).
 */
const COLUMNS = [...PERSONAS, 'attendee', 'speaker', 'read-only'] as const;
type Column = (typeof COLUMNS)[number];
type Account = Exclude<Column, 'anonymous' | 'read-only'> | 'keeper';

/** Who may give feedback (attended and an active member). */
const GIVERS: readonly Column[] = ['attendee', 'read-only'];
/** Who holds `feedback.read`. */
const READERS: readonly Column[] = ['organizer', 'owner', 'admin', 'read-only'];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member host organizer owner admin banned attendee speaker read-only
 *
 * Every route needs a login (401). A meeting of a group one may not read is a 404 (banned people
 * lose everything). The form is for everyone else; giving feedback needs an active member who
 * attended (403), and a write token (403); organizers, owners and instance admins read it, export it
 * and make topics of wishes; the talk's speaker reads the feedback on their talk.
 */
const MATRIX: Matrix = {
  'GET form': [
    '401 200 200 200 200 200 200 200 404 200 200 200',
    '401 404 404 200 200 200 200 200 404 200 200 200',
    '401 404 404 200 200 200 200 200 404 200 200 200'
  ],
  'PUT feedback': [
    '401 403 403 403 403 403 403 403 404 200 403 403',
    '401 404 404 403 403 403 403 403 404 200 403 403',
    '401 404 404 403 403 403 403 403 404 200 403 403'
  ],
  'GET feedback': [
    '401 403 403 403 403 200 200 200 404 403 403 200',
    '401 404 404 403 403 200 200 200 404 403 403 200',
    '401 404 404 403 403 200 200 200 404 403 403 200'
  ],
  'GET feedback.csv': [
    '401 403 403 403 403 200 200 200 404 403 403 200',
    '401 404 404 403 403 200 200 200 404 403 403 200',
    '401 404 404 403 403 200 200 200 404 403 403 200'
  ],
  'POST topic': [
    '401 403 403 403 403 201 201 201 404 403 403 403',
    '401 404 404 403 403 201 201 201 404 403 403 403',
    '401 404 404 403 403 201 201 201 404 403 403 403'
  ],
  'GET talk feedback': [
    '401 403 403 403 403 200 200 200 404 403 200 200',
    '401 404 404 403 403 200 200 200 404 403 200 200',
    '401 404 404 403 403 200 200 200 404 403 200 200'
  ]
};

/** A group where every persona holds its role, with a meeting that ended half an hour ago. */
interface Fixture {
  slug: string;
  groupId: string;
  eventId: string;
  talkId: string;
  talkItemId: string;
  topicItemId: string;
  /** The attendee's feedback (a wish for next time, an anonymous comment on the talk). */
  feedbackId: string;
}

type Endpoint = MatrixEndpoint<Fixture, Column>;

const FEEDBACK_ROUTE =
  /^\S+ \/api\/v1\/(?:events\/:id\/feedback|groups\/:slug\/talks\/:id\/feedback)/;

describeWithApp('feedback permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'attendee' | 'speaker' | 'keeper'>;
  let readToken: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['attendee', 'speaker', 'keeper']);
    readToken = await t.buildToken(users.keeper.id, 'read');
  });

  const accountOf = (column: Column): Account | null =>
    column === 'anonymous' ? null : column === 'read-only' ? 'keeper' : column;
  const userOf = (column: Column): string | null => {
    const account = accountOf(column);
    return account === null ? null : users[account].id;
  };

  async function fixture(kind: GroupKindCase): Promise<Fixture> {
    counter += 1;
    const k = t.testDb.db.kysely;
    const group = await createGroup(t.testDb.db, users.owner.id, {
      slug: `feedback-matrix-${counter}`,
      name: `Feedback matrix ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, [
      ...PERSONA_MEMBERSHIPS,
      ['attendee', 'member', 'active'],
      ['speaker', 'member', 'active'],
      ['keeper', 'organizer', 'active']
    ]);
    const now = Date.now();
    const iso = (offset: number) => new Date(now + offset).toISOString();
    const eventId = randomUUID();
    await k
      .insertInto('events')
      .values({
        id: eventId,
        group_id: group.id,
        title: 'Matrix meeting',
        starts_at: iso(-120 * 60_000),
        ends_at: iso(-30 * 60_000),
        time_zone: 'Europe/Berlin',
        status: 'published',
        created_at: iso(-86_400_000),
        updated_at: iso(-86_400_000)
      })
      .execute();
    const rsvp = (who: Account, checkedIn: boolean) => ({
      event_id: eventId,
      user_id: users[who].id,
      status: 'going',
      check_in_code: randomUUID().slice(0, 8),
      checked_in_at: checkedIn ? iso(-100 * 60_000) : null,
      created_at: iso(-86_400_000),
      updated_at: iso(-86_400_000)
    });
    await k
      .insertInto('rsvps')
      .values([
        rsvp('attendee', true),
        rsvp('keeper', true),
        rsvp('banned', true),
        rsvp('member', false),
        rsvp('speaker', false)
      ])
      .execute();
    const speakerId = randomUUID();
    await k
      .insertInto('speakers')
      .values({
        id: speakerId,
        group_id: group.id,
        user_id: users.speaker.id,
        name: 'Matrix speaker',
        company: null,
        contact: null,
        created_at: iso(0),
        updated_at: iso(0)
      })
      .execute();
    const talkId = randomUUID();
    await k
      .insertInto('talks')
      .values({
        id: talkId,
        group_id: group.id,
        speaker_id: speakerId,
        submitted_by: users.speaker.id,
        title: 'Matrix talk',
        duration_minutes: 30,
        level: 'beginner',
        status: 'accepted',
        event_id: eventId,
        decision_note: null,
        decided_by: users.owner.id,
        decided_at: iso(0),
        slides_url: null,
        recording_url: null,
        created_at: iso(0),
        updated_at: iso(0)
      })
      .execute();
    const item = (position: number, kind: string, title: string, talk: string | null) => ({
      id: randomUUID(),
      event_id: eventId,
      position,
      kind,
      title,
      duration_minutes: 30,
      talk_id: talk,
      topic_id: null,
      moderator_id: null,
      round_id: null,
      created_at: iso(0),
      updated_at: iso(0)
    });
    const talkItem = item(0, 'talk', 'Matrix talk', talkId);
    const topicItem = item(1, 'topic', 'Matrix topic', null);
    await k.insertInto('agenda_items').values([talkItem, topicItem]).execute();
    const feedbackId = randomUUID();
    await k
      .insertInto('feedback')
      .values({
        id: feedbackId,
        event_id: eventId,
        user_id: users.attendee.id,
        rating: 4,
        comment: 'Nice',
        next_time: 'Mutation testing',
        next_time_topic_id: null,
        created_at: iso(-10 * 60_000),
        updated_at: iso(-10 * 60_000)
      })
      .execute();
    await k
      .insertInto('feedback_items')
      .values({
        feedback_id: feedbackId,
        agenda_item_id: talkItem.id,
        rating: 5,
        comment: 'Great talk',
        anonymous: t.testDb.db.dialect === 'sqlite' ? 1 : true
      })
      .execute();
    return {
      slug: group.slug,
      groupId: group.id,
      eventId,
      talkId,
      talkItemId: talkItem.id,
      topicItemId: topicItem.id,
      feedbackId
    };
  }

  /** Everything a write could change about the fixture, to compare before and after. */
  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    const feedback = await k
      .selectFrom('feedback')
      .selectAll()
      .where('event_id', '=', f.eventId)
      .orderBy('id')
      .execute();
    return {
      feedback,
      items: await k
        .selectFrom('feedback_items')
        .selectAll()
        .where(
          'feedback_id',
          'in',
          feedback.map((r) => r.id)
        )
        .orderBy('agenda_item_id')
        .execute(),
      topics: await k
        .selectFrom('topics')
        .selectAll()
        .where('group_id', '=', f.groupId)
        .orderBy('id')
        .execute()
    };
  }

  const base = (f: Fixture, tail = '') => `/api/v1/events/${f.eventId}/feedback${tail}`;

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET form': {
      route: 'GET /api/v1/events/:id/feedback/form',
      request: (f) => ({ method: 'GET', url: base(f, '/form') }),
      check: (f, res, column) => {
        const body = res.json<{
          canGive: boolean;
          reason: string | null;
          items: { agendaItemId: string }[];
          mine: { id: string } | null;
        }>();
        const gives = GIVERS.includes(column);
        expect(body.canGive).toBe(gives);
        expect(body.reason).toBe(gives ? null : 'notAttended');
        expect(body.items.map((i) => i.agendaItemId)).toEqual([f.talkItemId, f.topicItemId]);
        expect(body.mine?.id ?? null).toBe(column === 'attendee' ? f.feedbackId : null);
      }
    },
    'PUT feedback': {
      route: 'PUT /api/v1/events/:id/feedback',
      request: (f) => ({
        method: 'PUT',
        url: base(f),
        body: {
          rating: 2,
          comment: 'Changed',
          items: [{ agendaItemId: f.topicItemId, rating: 1 }]
        }
      }),
      effect: async (f, userId) => {
        const after = await snapshot(f);
        expect(after.feedback.map((r) => [r.user_id, r.rating, r.comment])).toEqual([
          [userId, 2, 'Changed']
        ]);
        expect(after.items.map((i) => [i.agenda_item_id, i.rating])).toEqual([[f.topicItemId, 1]]);
      }
    },
    'GET feedback': {
      route: 'GET /api/v1/events/:id/feedback',
      request: (f) => ({ method: 'GET', url: base(f) }),
      check: (f, res) => {
        const body = res.json<{
          responses: number;
          attendees: number;
          nextTime: { feedbackId: string }[];
          items: { comments: { author: { id: string } | null }[] }[];
        }>();
        expect(body.responses).toBe(1);
        // Checked in: the attendee, the keeper and the banned member.
        expect(body.attendees).toBe(3);
        expect(body.nextTime.map((n) => n.feedbackId)).toEqual([f.feedbackId]);
        // Organizers see the author of an anonymous comment.
        expect(body.items[0]?.comments[0]?.author?.id).toBe(users.attendee.id);
      }
    },
    'GET feedback.csv': {
      route: 'GET /api/v1/events/:id/feedback.csv',
      request: (f) => ({ method: 'GET', url: `/api/v1/events/${f.eventId}/feedback.csv` }),
      check: (_f, res) => {
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(res.body.split('\r\n')).toEqual([
          'kind,title,count,average,rated1,rated2,rated3,rated4,rated5',
          'meeting,Matrix meeting,1,4,0,0,0,1,0',
          'talk,Matrix talk,1,5,0,0,0,0,1',
          'topic,Matrix topic,0,,0,0,0,0,0',
          ''
        ]);
      }
    },
    'POST topic': {
      route: 'POST /api/v1/events/:id/feedback/:feedbackId/topic',
      request: (f) => ({ method: 'POST', url: base(f, `/${f.feedbackId}/topic`) }),
      effect: async (f) => {
        const after = await snapshot(f);
        expect(after.topics.map((r) => [r.title, r.proposed_by, r.status])).toEqual([
          ['Mutation testing', users.attendee.id, 'open']
        ]);
        expect(after.feedback[0]?.next_time_topic_id).toBe(after.topics[0]?.id);
      }
    },
    'GET talk feedback': {
      route: 'GET /api/v1/groups/:slug/talks/:id/feedback',
      request: (f) => ({
        method: 'GET',
        url: `/api/v1/groups/${f.slug}/talks/${f.talkId}/feedback`
      }),
      check: (_f, res: MatrixResponse, column) => {
        expect(res.json()).toEqual({
          rating: { count: 1, average: 5, distribution: [0, 0, 0, 0, 1] },
          comments: [
            {
              text: 'Great talk',
              // The speaker does not learn who wrote an anonymous comment; organizers do.
              author:
                column === 'speaker'
                  ? null
                  : { id: users.attendee.id, displayName: 'attendee', handle: expect.any(String) }
            }
          ]
        });
        expect(READERS.includes(column) || column === 'speaker').toBe(true);
      }
    }
  };

  it('has a matrix row for every feedback endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: FEEDBACK_ROUTE, atLeast: 6 });
  });

  itChecksMatrix(
    MATRIX,
    ENDPOINTS,
    {
      app,
      columns: COLUMNS,
      fixture,
      snapshot,
      userOf,
      credentials: (column) =>
        column === 'read-only'
          ? { token: readToken }
          : sessionOf(users, column === 'anonymous' ? 'anonymous' : column)
    },
    60_000
  );
});
