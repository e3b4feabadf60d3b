import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { dbBool } from '../../../db/values.ts';
import { createMeeting, type Meeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import type { RoomView } from '../../../services/room/room-event-types.ts';
import { raiseHand } from '../../../services/room/hand.service.ts';
import { giveKudos } from '../../../services/room/kudos.service.ts';
import { askQuestion } from '../../../services/room/question.service.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  PERSONA_MEMBERSHIPS,
  type PersonaUsers
} from '../../../test/personas.ts';
import {
  expectMatrixCoversRoutes,
  itChecksMatrix,
  type Matrix,
  type MatrixEndpoint,
  type MatrixResponse
} from '../../../test/permission-matrix.ts';
import type { RequestOptions, TestApp } from '../../../test/test-app.ts';
import { describeWithApp } from '../../../test/test-app.ts';

/**
 * The matrix' columns. `member` is an active member who is not going; `going` said yes;
 * `checked-in` checked in without saying yes; `read-only` is the going member with a read-only
 * API token (reads like them, writes nothing).
 */
const COLUMNS = [
  'anonymous',
  'non-member',
  'pending',
  'member',
  'going',
  'checked-in',
  'host',
  'organizer',
  'owner',
  'admin',
  'banned',
  'read-only'
] as const;
type Column = (typeof COLUMNS)[number];

const READ: readonly [string, string, string] = [
  '200 200 200 200 200 200 200 200 200 200 404 200',
  '404 404 404 200 200 200 200 200 200 200 404 200',
  '404 404 404 200 200 200 200 200 200 200 404 200'
];
const join = (ok: number): readonly [string, string, string] => [
  `401 403 403 403 ${ok} ${ok} ${ok} ${ok} ${ok} 403 404 403`,
  `401 404 404 403 ${ok} ${ok} ${ok} ${ok} ${ok} 403 404 403`,
  `401 404 404 403 ${ok} ${ok} ${ok} ${ok} ${ok} 403 404 403`
];
const host = (ok: number): readonly [string, string, string] => [
  `401 403 403 403 403 403 ${ok} ${ok} ${ok} ${ok} 404 403`,
  `401 404 404 403 403 403 ${ok} ${ok} ${ok} ${ok} 404 403`,
  `401 404 404 403 403 403 ${ok} ${ok} ${ok} ${ok} 404 403`
];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member going checked-in host organizer owner admin banned read-only
 *
 * Reading follows the meeting (404 to those who may not read its group; banned people lose
 * everything). Taking part — asking, upvoting, withdrawing one's question, raising and lowering
 * one's hand, kudos — needs an active member who is going or checked in, or a host and up
 * (instance admins are not members and do not take part). Running the room — opening, closing,
 * moderating, making topics, lowering hands — needs `room.host` (hosts and up, admins). A refused
 * write on a readable meeting is a 403 (401 anonymous); a read-only token writes nothing (403).
 */
const MATRIX: Matrix = {
  'GET room': READ,
  'GET room stream': READ,
  'POST open room': host(200),
  'POST close room': host(200),
  'GET questions': READ,
  'POST question': join(201),
  'POST upvote': join(200),
  'DELETE upvote': join(200),
  'POST answered': host(200),
  'POST hide': host(200),
  'POST reopen': host(200),
  'DELETE question': join(204),
  'POST question topic': host(201),
  'POST question post': host(201),
  'POST hand': join(201),
  'DELETE own hand': join(204),
  'POST lower hand': host(200),
  'GET kudos': READ,
  'POST kudos': join(201)
};

/** A group where every column holds its role, with a meeting whose room has one of everything. */
interface Fixture {
  groupId: string;
  meeting: Meeting;
  /** An open question by `author`. */
  questionId: string;
  /** A raised hand of `author`. */
  handId: string;
  /** What `prepare` made for the column's user (their question). */
  mine: string;
}

interface Endpoint extends MatrixEndpoint<Fixture, Column> {
  /** The meeting starts in an hour: its room waits. */
  waiting?: boolean;
  /** Served as a stream: requested over a real socket. */
  stream?: boolean;
}

const ROOM_ROUTE =
  /^\S+ \/api\/v1\/(?:events\/:id\/(?:room|questions|hands|kudos)|questions|hands)(?:\/|$)/;

describeWithApp('meeting room permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'going' | 'checkedIn' | 'author'>;
  let readOnlyToken: string;
  let base: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['going', 'checkedIn', 'author']);
    readOnlyToken = await t.buildToken(users.going.id, 'read');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);

  const userOf = (column: Column): string | null => {
    if (column === 'anonymous') return null;
    if (column === 'read-only' || column === 'going') return users.going.id;
    if (column === 'checked-in') return users.checkedIn.id;
    return users[column].id;
  };
  const credentials = (column: Column): Pick<RequestOptions, 'cookie' | 'token'> => {
    if (column === 'anonymous') return {};
    if (column === 'read-only') return { token: readOnlyToken };
    if (column === 'going') return { cookie: users.going.cookie };
    if (column === 'checked-in') return { cookie: users.checkedIn.cookie };
    return { cookie: users[column].cookie };
  };

  async function fixture(kind: GroupKindCase, endpoint: Endpoint): Promise<Fixture> {
    counter += 1;
    const db = t.testDb.db;
    const ctx = { db, realtime: t.context.realtime };
    const group = await createGroup(db, users.owner.id, {
      slug: `room-matrix-${counter}`,
      name: `Room matrix ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, [
      ...PERSONA_MEMBERSHIPS,
      ['going', 'member', 'active'],
      ['checkedIn', 'member', 'active'],
      ['author', 'member', 'active']
    ]);
    const startsAt = new Date(Date.now() + (endpoint.waiting ? 60 : -10) * 60_000);
    const meeting = await createMeeting(db, t.queue, group.id, users.owner.id, {
      title: `Matrix meeting ${counter}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 90 * 60_000),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    const at = new Date().toISOString();
    const rsvp = (userId: string, status: string, checkedInAt: string | null) => ({
      event_id: meeting.id,
      user_id: userId,
      status,
      check_in_code: randomUUID().slice(0, 8),
      checked_in_at: checkedInAt,
      created_at: at,
      updated_at: at
    });
    await db.kysely
      .insertInto('rsvps')
      .values([
        rsvp(users.going.id, 'going', null),
        rsvp(users.author.id, 'going', null),
        rsvp(users.checkedIn.id, 'not_going', at),
        rsvp(users.member.id, 'not_going', null)
      ])
      .execute();
    let questionId = '';
    let handId = '';
    if (!endpoint.waiting) {
      questionId = (
        await askQuestion(ctx, meeting, users.author.id, { body: 'Why?', anonymous: false })
      ).id;
      handId = (await raiseHand(ctx, meeting, users.author.id)).hand.id;
      await giveKudos(ctx, meeting, users.author.id, { toUserId: users.owner.id }, 'Thanks');
    }
    return { groupId: group.id, meeting, questionId, handId, mine: '' };
  }

  /** Everything a write could change, to compare before and after. */
  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    const eventId = f.meeting.id;
    return {
      room: await k
        .selectFrom('meeting_rooms')
        .select(['opened_at', 'opened_by', 'closed_at', 'closed_by', 'last_seq'])
        .where('event_id', '=', eventId)
        .execute(),
      questions: await k
        .selectFrom('questions')
        .select(['id', 'author_id', 'status', 'upvotes', 'topic_id', 'answered_at'])
        .where('event_id', '=', eventId)
        .orderBy('id')
        .execute(),
      votes: await k
        .selectFrom('question_votes')
        .innerJoin('questions', 'questions.id', 'question_votes.question_id')
        .select(['question_votes.question_id', 'question_votes.user_id'])
        .where('questions.event_id', '=', eventId)
        .orderBy('question_votes.user_id')
        .execute(),
      hands: await k
        .selectFrom('hands')
        .select(['id', 'user_id', 'lowered_at', 'lowered_by'])
        .where('event_id', '=', eventId)
        .orderBy('id')
        .execute(),
      kudos: await k
        .selectFrom('kudos')
        .select(['id', 'from_user_id'])
        .where('event_id', '=', eventId)
        .orderBy('id')
        .execute(),
      topics: await k.selectFrom('topics').select('id').where('group_id', '=', f.groupId).execute()
    };
  }

  const question = (id: string) =>
    t.testDb.db.kysely
      .selectFrom('questions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const room = (f: Fixture) =>
    t.testDb.db.kysely
      .selectFrom('meeting_rooms')
      .selectAll()
      .where('event_id', '=', f.meeting.id)
      .executeTakeFirstOrThrow();
  const lastLogged = async (f: Fixture) =>
    (
      await t.testDb.db.kysely
        .selectFrom('room_events')
        .select(['kind', 'payload'])
        .where('event_id', '=', f.meeting.id)
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow()
    ).kind;
  const handOf = (f: Fixture, userId: string) =>
    t.testDb.db.kysely
      .selectFrom('hands')
      .selectAll()
      .where('event_id', '=', f.meeting.id)
      .where('user_id', '=', userId)
      .orderBy('raised_at', 'desc')
      .executeTakeFirst();
  const voteOf = (f: Fixture, userId: string) =>
    t.testDb.db.kysely
      .selectFrom('question_votes')
      .select('user_id')
      .where('question_id', '=', f.questionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  const url = (f: Fixture, path: string) => `/api/v1/events/${f.meeting.id}${path}`;
  const post = (u: string, body?: unknown): Omit<RequestOptions, 'cookie' | 'token'> => ({
    method: 'POST',
    url: u,
    ...(body === undefined ? {} : { body })
  });
  const moderation =
    (status: string) =>
    async (f: Fixture): Promise<void> => {
      expect((await question(f.questionId)).status).toBe(status);
      expect(await lastLogged(f)).toBe('question');
    };

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET room': {
      route: 'GET /api/v1/events/:id/room',
      request: (f) => ({ method: 'GET', url: url(f, '/room') }),
      check: (f, res, column) => {
        const view = res.json<RoomView & { viewer: { canJoin: boolean; canHost: boolean } }>();
        expect(view.questions.map((q) => q.id)).toEqual([f.questionId]);
        expect(view.viewer.canHost).toBe(['host', 'organizer', 'owner', 'admin'].includes(column));
      }
    },
    'GET room stream': {
      route: 'GET /api/v1/events/:id/room/stream',
      stream: true,
      request: (f) => ({ method: 'GET', url: url(f, '/room/stream') }),
      check: (_f, res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      }
    },
    'POST open room': {
      route: 'POST /api/v1/events/:id/room/open',
      waiting: true,
      request: (f) => post(url(f, '/room/open')),
      check: (_f, res) => {
        expect(res.json()).toMatchObject({ state: 'open' });
      },
      effect: async (f, userId) => {
        expect(await room(f)).toMatchObject({ opened_by: userId, closed_at: null });
        expect(await lastLogged(f)).toBe('room');
      }
    },
    'POST close room': {
      route: 'POST /api/v1/events/:id/room/close',
      request: (f) => post(url(f, '/room/close')),
      check: (_f, res) => {
        expect(res.json()).toMatchObject({ state: 'ended' });
      },
      effect: async (f, userId) => {
        expect(await room(f)).toMatchObject({ closed_by: userId });
        expect(await lastLogged(f)).toBe('room');
      }
    },
    'GET questions': {
      route: 'GET /api/v1/events/:id/questions',
      request: (f) => ({ method: 'GET', url: url(f, '/questions') }),
      check: (f, res) => {
        expect(res.json<{ items: { id: string }[] }>().items.map((q) => q.id)).toEqual([
          f.questionId
        ]);
      }
    },
    'POST question': {
      route: 'POST /api/v1/events/:id/questions',
      request: (f) => post(url(f, '/questions'), { body: 'Mine?' }),
      effect: async (f, userId) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('questions')
          .select('body')
          .where('event_id', '=', f.meeting.id)
          .where('author_id', '=', userId)
          .execute();
        expect(rows).toEqual([{ body: 'Mine?' }]);
        expect(await lastLogged(f)).toBe('question');
      }
    },
    'POST upvote': {
      route: 'POST /api/v1/questions/:id/upvote',
      request: (f) => post(`/api/v1/questions/${f.questionId}/upvote`),
      effect: async (f, userId) => {
        expect(await voteOf(f, userId)).toBeDefined();
        expect((await question(f.questionId)).upvotes).toBe(1);
      }
    },
    'DELETE upvote': {
      route: 'DELETE /api/v1/questions/:id/upvote',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/questions/${f.questionId}/upvote` }),
      prepare: async (f, userId) => {
        if (!userId) return;
        const k = t.testDb.db.kysely;
        await k
          .insertInto('question_votes')
          .values({
            question_id: f.questionId,
            user_id: userId,
            created_at: new Date().toISOString()
          })
          .execute();
        await k
          .updateTable('questions')
          .set({ upvotes: 1 })
          .where('id', '=', f.questionId)
          .execute();
      },
      effect: async (f, userId) => {
        expect(await voteOf(f, userId)).toBeUndefined();
        expect((await question(f.questionId)).upvotes).toBe(0);
      }
    },
    'POST answered': {
      route: 'POST /api/v1/questions/:id/answered',
      request: (f) => post(`/api/v1/questions/${f.questionId}/answered`),
      effect: moderation('answered')
    },
    'POST hide': {
      route: 'POST /api/v1/questions/:id/hide',
      request: (f) => post(`/api/v1/questions/${f.questionId}/hide`),
      effect: moderation('hidden')
    },
    'POST reopen': {
      route: 'POST /api/v1/questions/:id/reopen',
      request: (f) => post(`/api/v1/questions/${f.questionId}/reopen`),
      prepare: async (f) => {
        await t.testDb.db.kysely
          .updateTable('questions')
          .set({ status: 'answered', answered_at: new Date().toISOString() })
          .where('id', '=', f.questionId)
          .execute();
      },
      effect: moderation('open')
    },
    'DELETE question': {
      route: 'DELETE /api/v1/questions/:id',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/questions/${f.mine || f.questionId}` }),
      prepare: async (f, userId) => {
        if (!userId) return;
        const at = new Date().toISOString();
        f.mine = randomUUID();
        await t.testDb.db.kysely
          .insertInto('questions')
          .values({
            id: f.mine,
            event_id: f.meeting.id,
            author_id: userId,
            anonymous: dbBool(t.testDb.db, false),
            body: 'Never mind',
            status: 'open',
            created_at: at,
            updated_at: at
          })
          .execute();
      },
      effect: async (f) => {
        expect((await question(f.mine)).status).toBe('hidden');
        expect(await lastLogged(f)).toBe('question');
      }
    },
    'POST question topic': {
      route: 'POST /api/v1/questions/:id/topic',
      request: (f) => post(`/api/v1/questions/${f.questionId}/topic`),
      effect: async (f) => {
        const { topic_id } = await question(f.questionId);
        const topic = await t.testDb.db.kysely
          .selectFrom('topics')
          .select(['group_id', 'status', 'proposed_by'])
          .where('id', '=', topic_id ?? '')
          .executeTakeFirst();
        expect(topic).toEqual({
          group_id: f.groupId,
          status: 'open',
          proposed_by: users.author.id
        });
      }
    },
    'POST question post': {
      route: 'POST /api/v1/questions/:id/post',
      request: (f) => post(`/api/v1/questions/${f.questionId}/post`),
      effect: async (f) => {
        const { post_id } = await question(f.questionId);
        const made = await t.testDb.db.kysely
          .selectFrom('posts')
          .select(['group_id', 'kind', 'author_id'])
          .where('id', '=', post_id ?? '')
          .executeTakeFirst();
        expect(made).toEqual({
          group_id: f.groupId,
          kind: 'discussion',
          author_id: users.author.id
        });
      }
    },
    'POST hand': {
      route: 'POST /api/v1/events/:id/hands',
      request: (f) => post(url(f, '/hands')),
      effect: async (f, userId) => {
        expect(await handOf(f, userId)).toMatchObject({ lowered_at: null });
        expect(await lastLogged(f)).toBe('hand');
      }
    },
    'DELETE own hand': {
      route: 'DELETE /api/v1/events/:id/hands/mine',
      request: (f) => ({ method: 'DELETE', url: url(f, '/hands/mine') }),
      prepare: async (f, userId) => {
        if (!userId) return;
        await t.testDb.db.kysely
          .insertInto('hands')
          .values({
            id: randomUUID(),
            event_id: f.meeting.id,
            user_id: userId,
            raised_at: new Date().toISOString()
          })
          .execute();
      },
      effect: async (f, userId) => {
        expect(await handOf(f, userId)).toMatchObject({ lowered_by: userId });
        expect(await lastLogged(f)).toBe('hand');
      }
    },
    'POST lower hand': {
      route: 'POST /api/v1/hands/:id/lower',
      request: (f) => post(`/api/v1/hands/${f.handId}/lower`),
      effect: async (f, userId) => {
        expect(await handOf(f, users.author.id)).toMatchObject({ lowered_by: userId });
      }
    },
    'GET kudos': {
      route: 'GET /api/v1/events/:id/kudos',
      request: (f) => ({ method: 'GET', url: url(f, '/kudos') }),
      check: (_f, res) => {
        expect(res.json<{ items: { message: string }[] }>().items.map((k) => k.message)).toEqual([
          'Thanks'
        ]);
      }
    },
    'POST kudos': {
      route: 'POST /api/v1/events/:id/kudos',
      request: (f) => post(url(f, '/kudos'), { toUserId: users.author.id, message: 'Well done' }),
      effect: async (f, userId) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('kudos')
          .select(['to_user_id', 'message'])
          .where('event_id', '=', f.meeting.id)
          .where('from_user_id', '=', userId)
          .execute();
        expect(rows).toEqual([{ to_user_id: users.author.id, message: 'Well done' }]);
      }
    }
  };

  it('has a matrix row for every room endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: ROOM_ROUTE, atLeast: 18 });
  });

  /** Requests a stream over a socket: its status, headers and first chunk, then hangs up. */
  async function overSocket(path: string, column: Column): Promise<MatrixResponse> {
    const controller = new AbortController();
    const creds = credentials(column);
    const headers: Record<string, string> = {};
    if (creds.cookie) headers.cookie = creds.cookie;
    if (creds.token) headers.authorization = `Bearer ${creds.token}`;
    const res = await fetch(`${base}${path}`, { headers, signal: controller.signal });
    let body: string;
    if (res.status === 200) {
      const first = await res.body?.getReader().read();
      body = new TextDecoder().decode(first?.value);
    } else {
      body = await res.text();
    }
    controller.abort();
    return {
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      body,
      json: () => JSON.parse(body)
    };
  }

  itChecksMatrix(
    MATRIX,
    ENDPOINTS,
    {
      app,
      columns: COLUMNS,
      fixture,
      snapshot,
      userOf,
      credentials,
      send: (endpoint, f, column) =>
        endpoint.stream
          ? overSocket(endpoint.request(f).url, column)
          : t.request({ ...endpoint.request(f), ...credentials(column) })
    },
    180_000
  );
});
