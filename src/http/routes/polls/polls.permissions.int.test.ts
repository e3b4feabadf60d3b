import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { InProcessRealtime } from '../../../jobs/realtime.ts';
import { createMeeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { castBallot } from '../../../services/poll/poll-ballot.service.ts';
import { createPoll, type PollInput } from '../../../services/poll/poll-write.service.ts';
import {
  expectMatrixCoversRoutes,
  itChecksMatrix,
  type Matrix,
  type MatrixEndpoint
} from '../../../test/permission-matrix.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  PERSONA_MEMBERSHIPS,
  PERSONAS,
  type PersonaUsers,
  sessionOf
} from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import type { WirePoll } from './poll-test-support.ts';

/**
 * The matrix' columns: the personas, a read-only and a read-write API token of `member`, and
 * `absent`, an active member who is not going to the meeting.
 */
const COLUMNS = [...PERSONAS, 'read-token', 'write-token', 'absent'] as const;
type Column = (typeof COLUMNS)[number];
/** Who holds `poll.manage`: hosts and up, and instance admins. */
const MANAGERS: readonly Column[] = ['host', 'organizer', 'owner', 'admin'];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member host organizer owner admin banned read-token write-token absent
 *
 * Reading follows `group.read` (404 to those who may not read the group; banned people lose
 * everything); drafts are 404 to all but those who manage polls. Creating, editing, launching,
 * closing, deleting and the CSV need `poll.manage` (hosts and up, admins): 403 to others who may
 * read (401 anonymous). A group poll is answered by active members (`poll.answer`: admins are not
 * members); a meeting poll by those who take part in its room — going (`member` is), checked in,
 * or hosts and up — so `absent` is refused. Writes with a read-only token are a 403.
 */
const MATRIX: Matrix = {
  'GET group polls': [
    '200 200 200 200 200 200 200 200 404 200 200 200',
    '404 404 404 200 200 200 200 200 404 200 200 200',
    '404 404 404 200 200 200 200 200 404 200 200 200'
  ],
  'POST group poll': [
    '401 403 403 403 201 201 201 201 403 403 403 403',
    '401 403 403 403 201 201 201 201 404 403 403 403',
    '401 404 403 403 201 201 201 201 404 403 403 403'
  ],
  'GET poll': [
    '200 200 200 200 200 200 200 200 404 200 200 200',
    '404 404 404 200 200 200 200 200 404 200 200 200',
    '404 404 404 200 200 200 200 200 404 200 200 200'
  ],
  'GET draft poll': [
    '404 404 404 404 200 200 200 200 404 404 404 404',
    '404 404 404 404 200 200 200 200 404 404 404 404',
    '404 404 404 404 200 200 200 200 404 404 404 404'
  ],
  'PATCH poll': [
    '401 404 404 404 200 200 200 200 404 403 404 404',
    '401 404 404 404 200 200 200 200 404 403 404 404',
    '401 404 404 404 200 200 200 200 404 403 404 404'
  ],
  'DELETE poll': [
    '401 404 404 404 204 204 204 204 404 403 404 404',
    '401 404 404 404 204 204 204 204 404 403 404 404',
    '401 404 404 404 204 204 204 204 404 403 404 404'
  ],
  'POST open poll': [
    '401 404 404 404 200 200 200 200 404 403 404 404',
    '401 404 404 404 200 200 200 200 404 403 404 404',
    '401 404 404 404 200 200 200 200 404 403 404 404'
  ],
  'POST close poll': [
    '401 403 403 403 200 200 200 200 404 403 403 403',
    '401 404 404 403 200 200 200 200 404 403 403 403',
    '401 404 404 403 200 200 200 200 404 403 403 403'
  ],
  'POST ballot': [
    '401 403 403 200 200 200 200 403 404 403 200 200',
    '401 404 404 200 200 200 200 403 404 403 200 200',
    '401 404 404 200 200 200 200 403 404 403 200 200'
  ],
  'POST meeting ballot': [
    '401 403 403 200 200 200 200 403 404 403 200 403',
    '401 404 404 200 200 200 200 403 404 403 200 403',
    '401 404 404 200 200 200 200 403 404 403 200 403'
  ],
  'GET results csv': [
    '401 403 403 403 200 200 200 200 404 403 403 403',
    '401 404 404 403 200 200 200 200 404 403 403 403',
    '401 404 404 403 200 200 200 200 404 403 403 403'
  ]
};

/** A group where every persona holds its role, with a meeting `member` is going to. */
interface Fixture {
  slug: string;
  groupId: string;
  meetingId: string;
  /** A draft group poll. */
  draftId: string;
  /** An open named group poll that `voter` (an active member outside the columns) answered. */
  openId: string;
  /** An open meeting poll. */
  meetingPollId: string;
}

type Endpoint = MatrixEndpoint<Fixture, Column>;

const POLL_ROUTE = /^\S+ \/api\/v1\/(?:polls|groups\/:slug\/polls)(?:[/.]|$)/;

describeWithApp('poll permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'absent' | 'voter'>;
  let readToken: string;
  let writeToken: string;
  let counter = 0;
  const realtime = new InProcessRealtime();

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['absent', 'voter']);
    readToken = await t.buildToken(users.member.id, 'read');
    writeToken = await t.buildToken(users.member.id, 'write');
  });

  function credentials(column: Column): { cookie?: string; token?: string } {
    if (column === 'read-token') return { token: readToken };
    if (column === 'write-token') return { token: writeToken };
    return sessionOf(users, column);
  }

  function userOf(column: Column): string | null {
    if (column === 'anonymous') return null;
    if (column === 'read-token' || column === 'write-token') return users.member.id;
    return users[column].id;
  }

  const input = (over: Partial<PollInput> = {}): PollInput => ({
    question: 'Matrix?',
    options: ['Yes', 'No'],
    choice: 'single',
    anonymous: false,
    results: 'live',
    eventId: null,
    closesAt: null,
    ...over
  });

  async function fixture(kind: GroupKindCase): Promise<Fixture> {
    counter += 1;
    const db = t.testDb.db;
    const group = await createGroup(db, users.owner.id, {
      slug: `poll-matrix-${counter}`,
      name: `Poll matrix ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, [
      ...PERSONA_MEMBERSHIPS,
      ['absent', 'member', 'active'],
      ['voter', 'member', 'active']
    ]);
    const startsAt = new Date(Date.now() + 24 * 3600_000);
    const meeting = await createMeeting(db, t.queue, group.id, users.owner.id, {
      title: `Matrix meeting ${counter}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('rsvps')
      .values({
        event_id: meeting.id,
        user_id: users.member.id,
        status: 'going',
        check_in_code: randomUUID().slice(0, 8),
        checked_in_at: null,
        created_at: at,
        updated_at: at
      })
      .execute();
    const make = (open: boolean, over: Partial<PollInput> = {}) =>
      createPoll(db, realtime, {
        groupId: group.id,
        createdBy: users.owner.id,
        open,
        input: input(over)
      });
    const draft = await make(false, { question: 'Draft?' });
    const open = await make(true, { question: 'Open?' });
    const meetingPoll = await make(true, { question: 'Meeting?', eventId: meeting.id });
    await castBallot(db, realtime, {
      pollId: open.id,
      userId: users.voter.id,
      optionIds: [open.options[0]?.id ?? '']
    });
    return {
      slug: group.slug,
      groupId: group.id,
      meetingId: meeting.id,
      draftId: draft.id,
      openId: open.id,
      meetingPollId: meetingPoll.id
    };
  }

  /** Everything a write could change, to compare before and after. */
  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    const polls = await k
      .selectFrom('polls')
      .selectAll()
      .where('group_id', '=', f.groupId)
      .orderBy('id')
      .execute();
    const ids = [...polls.map((p) => p.id), '-'];
    return {
      polls,
      options: await k
        .selectFrom('poll_options')
        .selectAll()
        .where('poll_id', 'in', ids)
        .orderBy('id')
        .execute(),
      ballots: await k
        .selectFrom('poll_ballots')
        .select(['poll_id', 'user_id'])
        .where('poll_id', 'in', ids)
        .orderBy('poll_id')
        .orderBy('user_id')
        .execute(),
      choices: await k
        .selectFrom('poll_choices')
        .selectAll()
        .where('poll_id', 'in', ids)
        .orderBy('option_id')
        .orderBy('user_id')
        .execute(),
      roomEvents: await k
        .selectFrom('room_events')
        .select(['seq', 'kind', 'payload'])
        .where('event_id', '=', f.meetingId)
        .orderBy('seq')
        .execute()
    };
  }

  const pollRow = (id: string) =>
    t.testDb.db.kysely.selectFrom('polls').selectAll().where('id', '=', id).executeTakeFirst();
  const ballotOf = (pollId: string, userId: string) =>
    t.testDb.db.kysely
      .selectFrom('poll_ballots')
      .select('user_id')
      .where('poll_id', '=', pollId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  const optionOf = async (pollId: string) =>
    (
      await t.testDb.db.kysely
        .selectFrom('poll_options')
        .select('id')
        .where('poll_id', '=', pollId)
        .orderBy('position')
        .executeTakeFirstOrThrow()
    ).id;

  /** The option ids a ballot request sends are read when the request is made. */
  const ballotOptions = new Map<string, string>();

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET group polls': {
      route: 'GET /api/v1/groups/:slug/polls',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/polls` }),
      check: (f, res, column) => {
        const ids = res.json<{ items: WirePoll[] }>().items.map((p) => p.id);
        expect(ids).toContain(f.openId);
        expect(ids.includes(f.draftId), 'drafts only for managers').toBe(MANAGERS.includes(column));
      }
    },
    'POST group poll': {
      route: 'POST /api/v1/groups/:slug/polls',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/groups/${f.slug}/polls`,
        body: {
          question: 'Matrix new?',
          options: ['A', 'B'],
          choice: 'single',
          anonymous: true,
          results: 'live'
        }
      }),
      effect: async (f, userId) => {
        const row = await t.testDb.db.kysely
          .selectFrom('polls')
          .select(['status', 'created_by'])
          .where('group_id', '=', f.groupId)
          .where('question', '=', 'Matrix new?')
          .executeTakeFirst();
        expect(row).toEqual({ status: 'draft', created_by: userId });
      }
    },
    'GET poll': {
      route: 'GET /api/v1/polls/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/polls/${f.openId}` }),
      check: (f, res, column) => {
        const poll = res.json<WirePoll>();
        expect(poll.id).toBe(f.openId);
        expect(poll.viewer.canManage).toBe(MANAGERS.includes(column));
      }
    },
    'GET draft poll': {
      route: 'GET /api/v1/polls/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/polls/${f.draftId}` }),
      check: (f, res) => {
        expect(res.json<WirePoll>()).toMatchObject({ id: f.draftId, status: 'draft' });
      }
    },
    'PATCH poll': {
      route: 'PATCH /api/v1/polls/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/polls/${f.draftId}`,
        body: { question: 'Changed?' }
      }),
      effect: async (f) => {
        expect((await pollRow(f.draftId))?.question).toBe('Changed?');
      }
    },
    'DELETE poll': {
      route: 'DELETE /api/v1/polls/:id',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/polls/${f.draftId}` }),
      effect: async (f) => {
        expect(await pollRow(f.draftId)).toBeUndefined();
      }
    },
    'POST open poll': {
      route: 'POST /api/v1/polls/:id/open',
      request: (f) => ({ method: 'POST', url: `/api/v1/polls/${f.draftId}/open` }),
      effect: async (f) => {
        expect((await pollRow(f.draftId))?.status).toBe('open');
      }
    },
    'POST close poll': {
      route: 'POST /api/v1/polls/:id/close',
      request: (f) => ({ method: 'POST', url: `/api/v1/polls/${f.openId}/close` }),
      effect: async (f) => {
        expect((await pollRow(f.openId))?.status).toBe('closed');
      }
    },
    'POST ballot': {
      route: 'POST /api/v1/polls/:id/ballots',
      prepare: async (f) => {
        ballotOptions.set(f.openId, await optionOf(f.openId));
      },
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/polls/${f.openId}/ballots`,
        body: { optionIds: [ballotOptions.get(f.openId) ?? ''] }
      }),
      effect: async (f, userId) => {
        expect(await ballotOf(f.openId, userId)).toEqual({ user_id: userId });
        expect((await pollRow(f.openId))?.ballot_count).toBe(2);
      }
    },
    'POST meeting ballot': {
      route: 'POST /api/v1/polls/:id/ballots',
      prepare: async (f) => {
        ballotOptions.set(f.meetingPollId, await optionOf(f.meetingPollId));
      },
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/polls/${f.meetingPollId}/ballots`,
        body: { optionIds: [ballotOptions.get(f.meetingPollId) ?? ''] }
      }),
      effect: async (f, userId) => {
        expect(await ballotOf(f.meetingPollId, userId)).toEqual({ user_id: userId });
        const last = await t.testDb.db.kysely
          .selectFrom('room_events')
          .select(['kind', 'payload'])
          .where('event_id', '=', f.meetingId)
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow();
        expect(last.kind).toBe('poll');
        expect(JSON.parse(last.payload)).toMatchObject({
          poll: { id: f.meetingPollId, ballotCount: 1 }
        });
      }
    },
    'GET results csv': {
      route: 'GET /api/v1/polls/:id/results.csv',
      request: (f) => ({ method: 'GET', url: `/api/v1/polls/${f.openId}/results.csv` }),
      check: (_f, res) => {
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        expect(res.body.split('\r\n').slice(0, 2)).toEqual([
          'option,votes,percent,voters',
          'Yes,1,100,voter'
        ]);
      }
    }
  };

  it('has a matrix row for every poll endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: POLL_ROUTE, atLeast: 9 });
  });

  itChecksMatrix(
    MATRIX,
    ENDPOINTS,
    { app, columns: COLUMNS, fixture: (kind) => fixture(kind), snapshot, userOf, credentials },
    180_000
  );
});
