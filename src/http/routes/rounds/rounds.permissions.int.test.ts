import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { createMeeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { openRound } from '../../../services/voting/round.service.ts';
import { closeVotingRound } from '../../../services/voting/round-close.service.ts';
import { InProcessRealtime } from '../../../jobs/realtime.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  PERSONA_MEMBERSHIPS,
  PERSONAS,
  type Persona,
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
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per persona in the order of PERSONAS:
 *
 *   anonymous non-member pending member host organizer owner admin banned
 *
 * Reading follows `group.read` (404 to those who may not read the group; banned people lose
 * everything but a public group's basics). Voting needs an active membership (`topic.vote`:
 * instance admins are not members and do not vote); opening, closing and overriding rounds need
 * `round.manage` (organizers, owner, admin — not hosts). A refused write on a readable group is a
 * 403 (401 anonymous).
 */
const MATRIX: Matrix = {
  'GET group rounds': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'GET current round': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'POST group round': [
    '401 403 403 403 403 201 201 201 403',
    '401 403 403 403 403 201 201 201 404',
    '401 404 403 403 403 201 201 201 404'
  ],
  'GET round': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'GET round stream': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'PUT vote': [
    '401 403 403 200 200 200 200 403 404',
    '401 404 404 200 200 200 200 403 404',
    '401 404 404 200 200 200 200 403 404'
  ],
  'POST vote add': [
    '401 403 403 200 200 200 200 403 404',
    '401 404 404 200 200 200 200 403 404',
    '401 404 404 200 200 200 200 403 404'
  ],
  'POST vote remove': [
    '401 403 403 200 200 200 200 403 404',
    '401 404 404 200 200 200 200 403 404',
    '401 404 404 200 200 200 200 403 404'
  ],
  'POST close round': [
    '401 403 403 403 403 200 200 200 404',
    '401 404 404 403 403 200 200 200 404',
    '401 404 404 403 403 200 200 200 404'
  ],
  'POST override round': [
    '401 403 403 403 403 200 200 200 404',
    '401 404 404 403 403 200 200 200 404',
    '401 404 404 403 403 200 200 200 404'
  ]
};

/** A group where every persona holds its role, with an open and a closed round. */
interface Fixture {
  slug: string;
  groupId: string;
  /** The open round (of `openMeetingId`), absent with `noOpenRound`. */
  roundId: string;
  /** A closed round that picked `topicA`. */
  closedRoundId: string;
  /** A published meeting without a round. */
  freeMeetingId: string;
  topicA: string;
  topicB: string;
}

interface Endpoint extends MatrixEndpoint<Fixture, Persona> {
  /** The fixture must have no open round. */
  noOpenRound?: boolean;
  /** Served as a stream: requested over a real socket. */
  stream?: boolean;
}

const ROUND_ROUTE = /^\S+ \/api\/v1\/(?:rounds|groups\/:slug\/rounds)(?:\/|$)/;

describeWithApp('voting round permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers;
  let base: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  const userOf = (p: Persona) => (p === 'anonymous' ? null : users[p].id);

  async function topic(groupId: string, title: string) {
    const id = randomUUID();
    const at = new Date().toISOString();
    await t.testDb.db.kysely
      .insertInto('topics')
      .values({
        id,
        group_id: groupId,
        title,
        wants: 'explain',
        status: 'open',
        created_at: at,
        updated_at: at
      })
      .execute();
    return id;
  }

  async function fixture(kind: GroupKindCase, options: { noOpenRound?: boolean }) {
    counter += 1;
    const db = t.testDb.db;
    const group = await createGroup(db, users.owner.id, {
      slug: `round-matrix-${counter}`,
      name: `Round matrix ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, PERSONA_MEMBERSHIPS);
    await db.kysely
      .updateTable('groups')
      .set({ votes_per_member: 3, votes_per_topic: 2 })
      .where('id', '=', group.id)
      .execute();
    const meeting = async (days: number) => {
      const startsAt = new Date(Date.now() + days * 24 * 3600_000);
      return createMeeting(db, t.queue, group.id, users.owner.id, {
        title: `Matrix meeting ${days}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
        timeZone: 'Europe/Berlin',
        publish: true
      });
    };
    const topicA = await topic(group.id, 'Topic A');
    const topicB = await topic(group.id, 'Topic B');
    const closedMeeting = await meeting(5);
    const closed = await openRound(db, {
      groupId: group.id,
      eventId: closedMeeting.id,
      openedBy: users.owner.id
    });
    await db.kysely
      .insertInto('votes')
      .values({
        round_id: closed.id,
        topic_id: topicA,
        user_id: users.member.id,
        count: 1,
        updated_at: new Date().toISOString()
      })
      .execute();
    await closeVotingRound(db, { queue: t.queue, realtime: new InProcessRealtime() }, closed.id, {
      actorId: users.owner.id
    });
    await db.kysely
      .updateTable('topics')
      .set({ status: 'open', event_id: null })
      .where('id', '=', topicA)
      .execute();
    let roundId = '';
    if (!options.noOpenRound) {
      const openMeeting = await meeting(10);
      roundId = (
        await openRound(db, { groupId: group.id, eventId: openMeeting.id, openedBy: null })
      ).id;
    }
    const free = await meeting(20);
    return {
      slug: group.slug,
      groupId: group.id,
      roundId,
      closedRoundId: closed.id,
      freeMeetingId: free.id,
      topicA,
      topicB
    };
  }

  /** Everything a write could change, to compare before and after. */
  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    const rounds = await k
      .selectFrom('voting_rounds')
      .selectAll()
      .where('group_id', '=', f.groupId)
      .orderBy('id')
      .execute();
    const roundIds = [...rounds.map((r) => r.id), '-'];
    return {
      rounds,
      votes: await k
        .selectFrom('votes')
        .selectAll()
        .where('round_id', 'in', roundIds)
        .orderBy('round_id')
        .orderBy('topic_id')
        .orderBy('user_id')
        .execute(),
      topics: await k
        .selectFrom('topics')
        .selectAll()
        .where('group_id', '=', f.groupId)
        .orderBy('id')
        .execute(),
      agenda: await k
        .selectFrom('agenda_items')
        .select(['event_id', 'position', 'kind', 'title', 'topic_id', 'round_id'])
        .where('round_id', 'in', roundIds)
        .orderBy('event_id')
        .orderBy('position')
        .execute()
    };
  }

  const roundRow = (id: string) =>
    t.testDb.db.kysely
      .selectFrom('voting_rounds')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const voteOf = async (f: Fixture, userId: string) =>
    (
      await t.testDb.db.kysely
        .selectFrom('votes')
        .select('count')
        .where('round_id', '=', f.roundId)
        .where('topic_id', '=', f.topicA)
        .where('user_id', '=', userId)
        .executeTakeFirst()
    )?.count ?? 0;
  const ids = (res: MatrixResponse) =>
    res.json<{ items: { id: string }[] }>().items.map((i) => i.id);

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET group rounds': {
      route: 'GET /api/v1/groups/:slug/rounds',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/rounds` }),
      check: (f, res) => {
        expect(ids(res).sort()).toEqual([f.roundId, f.closedRoundId].sort());
      }
    },
    'GET current round': {
      route: 'GET /api/v1/groups/:slug/rounds/current',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/rounds/current` }),
      check: (f, res) => {
        expect(res.json<{ id: string }>().id).toBe(f.roundId);
      }
    },
    'POST group round': {
      route: 'POST /api/v1/groups/:slug/rounds',
      noOpenRound: true,
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/rounds`,
        body: { eventId: f.freeMeetingId }
      }),
      effect: async (f, userId) => {
        const row = await t.testDb.db.kysely
          .selectFrom('voting_rounds')
          .select(['status', 'opened_by'])
          .where('event_id', '=', f.freeMeetingId)
          .executeTakeFirst();
        expect(row).toEqual({ status: 'open', opened_by: userId });
      }
    },
    'GET round': {
      route: 'GET /api/v1/rounds/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/rounds/${f.closedRoundId}` }),
      check: (f, res) => {
        expect(res.json()).toMatchObject({ id: f.closedRoundId, picked: [f.topicA] });
      }
    },
    'GET round stream': {
      route: 'GET /api/v1/rounds/:id/stream',
      stream: true,
      request: (f) => ({ method: 'GET', url: `/api/v1/rounds/${f.roundId}/stream` }),
      check: (_f, res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(res.body).toMatch(/retry|event: tally/);
      }
    },
    'PUT vote': {
      route: 'PUT /api/v1/rounds/:id/votes/:topicId',
      request: (f) => ({
        method: 'PUT',
        url: `/api/v1/rounds/${f.roundId}/votes/${f.topicA}`,
        body: { count: 2 }
      }),
      effect: async (f, userId) => {
        expect(await voteOf(f, userId)).toBe(2);
      }
    },
    'POST vote add': {
      route: 'POST /api/v1/rounds/:id/votes/:topicId/add',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/rounds/${f.roundId}/votes/${f.topicA}/add`
      }),
      effect: async (f, userId) => {
        expect(await voteOf(f, userId)).toBe(1);
      }
    },
    'POST vote remove': {
      route: 'POST /api/v1/rounds/:id/votes/:topicId/remove',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/rounds/${f.roundId}/votes/${f.topicA}/remove`
      }),
      prepare: async (f, userId) => {
        if (!userId) return;
        await t.testDb.db.kysely
          .insertInto('votes')
          .values({
            round_id: f.roundId,
            topic_id: f.topicA,
            user_id: userId,
            count: 2,
            updated_at: new Date().toISOString()
          })
          .execute();
      },
      effect: async (f, userId) => {
        expect(await voteOf(f, userId)).toBe(1);
      }
    },
    'POST close round': {
      route: 'POST /api/v1/rounds/:id/close',
      request: (f) => ({ method: 'POST', url: `/api/v1/rounds/${f.roundId}/close` }),
      effect: async (f) => {
        expect((await roundRow(f.roundId)).status).toBe('closed');
      }
    },
    'POST override round': {
      route: 'POST /api/v1/rounds/:id/override',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/rounds/${f.closedRoundId}/override`,
        body: { topicIds: [f.topicB], reason: 'Swapped by hand' }
      }),
      effect: async (f, userId) => {
        expect(await roundRow(f.closedRoundId)).toMatchObject({
          picked: JSON.stringify([f.topicB]),
          override_reason: 'Swapped by hand',
          overridden_by: userId
        });
      }
    }
  };

  it('has a matrix row for every round and vote endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: ROUND_ROUTE, atLeast: 10 });
  });

  /** Requests a stream over a socket: its status, headers and first chunk, then hangs up. */
  async function overSocket(url: string, persona: Persona): Promise<MatrixResponse> {
    const controller = new AbortController();
    const session = sessionOf(users, persona);
    const res = await fetch(`${base}${url}`, {
      headers: session.cookie ? { cookie: session.cookie } : {},
      signal: controller.signal
    });
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
      columns: PERSONAS,
      fixture: (kind, endpoint) => fixture(kind, { noOpenRound: endpoint.noOpenRound ?? false }),
      snapshot,
      userOf,
      send: (endpoint, f, persona) =>
        endpoint.stream
          ? overSocket(endpoint.request(f).url, persona)
          : t.request({ ...endpoint.request(f), ...sessionOf(users, persona) })
    },
    120_000
  );
});
