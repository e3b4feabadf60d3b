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

/** The matrix' columns: the personas, then `proposer`, the active member who proposed the topic. */
const COLUMNS = [...PERSONAS, 'proposer'] as const;
type Column = (typeof COLUMNS)[number];
/** Who holds `topic.manage`. */
const MANAGERS: readonly Column[] = ['organizer', 'owner', 'admin'];
/** Active members: they propose, comment and vote (instance admins are not members). */
const MEMBERS: readonly Column[] = ['member', 'host', 'organizer', 'owner', 'proposer'];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member host organizer owner admin banned proposer
 *
 * Reading follows `group.read` (404 to those who may not read the group; banned people lose
 * everything). Proposing and commenting need an active membership; a topic's proposer edits and
 * withdraws it; organizers, owners and instance admins edit, archive, merge and record notes;
 * a comment is deleted by its author (here the proposer) or them. Writing to a topic of a group
 * one may not read is a 404; proposing in a group one may see but not read is a 403.
 */
const MATRIX: Matrix = {
  'GET topics': [
    '200 200 200 200 200 200 200 200 404 200',
    '404 404 404 200 200 200 200 200 404 200',
    '404 404 404 200 200 200 200 200 404 200'
  ],
  'POST topic': [
    '401 403 403 201 201 201 201 403 403 201',
    '401 403 403 201 201 201 201 403 404 201',
    '401 404 403 201 201 201 201 403 404 201'
  ],
  'GET topic': [
    '200 200 200 200 200 200 200 200 404 200',
    '404 404 404 200 200 200 200 200 404 200',
    '404 404 404 200 200 200 200 200 404 200'
  ],
  'PATCH topic': [
    '401 403 403 403 403 200 200 200 404 200',
    '401 404 404 403 403 200 200 200 404 200',
    '401 404 404 403 403 200 200 200 404 200'
  ],
  'POST withdraw': [
    '401 403 403 403 403 403 403 403 404 200',
    '401 404 404 403 403 403 403 403 404 200',
    '401 404 404 403 403 403 403 403 404 200'
  ],
  'POST archive': [
    '401 403 403 403 403 200 200 200 404 403',
    '401 404 404 403 403 200 200 200 404 403',
    '401 404 404 403 403 200 200 200 404 403'
  ],
  'POST merge': [
    '401 403 403 403 403 200 200 200 404 403',
    '401 404 404 403 403 200 200 200 404 403',
    '401 404 404 403 403 200 200 200 404 403'
  ],
  'POST discussed': [
    '401 403 403 403 403 200 200 200 404 403',
    '401 404 404 403 403 200 200 200 404 403',
    '401 404 404 403 403 200 200 200 404 403'
  ],
  'GET comments': [
    '200 200 200 200 200 200 200 200 404 200',
    '404 404 404 200 200 200 200 200 404 200',
    '404 404 404 200 200 200 200 200 404 200'
  ],
  'POST comment': [
    '401 403 403 201 201 201 201 403 404 201',
    '401 404 404 201 201 201 201 403 404 201',
    '401 404 404 201 201 201 201 403 404 201'
  ],
  'DELETE comment': [
    '401 403 403 403 403 204 204 204 404 204',
    '401 404 404 403 403 204 204 204 404 204',
    '401 404 404 403 403 204 204 204 404 204'
  ]
};

/**
 * A group where every persona holds its role, with an open topic by `proposer` (one comment by
 * them, one dot by `member` in the open round), an open merge target and a scheduled topic.
 */
interface Fixture {
  slug: string;
  groupId: string;
  topicId: string;
  targetId: string;
  scheduledId: string;
  commentId: string;
}

type Endpoint = MatrixEndpoint<Fixture, Column>;

const TOPIC_ROUTE = /^\S+ \/api\/v1\/groups\/:slug\/topics(?:\/|$)/;

describeWithApp('topic permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'proposer'>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['proposer']);
  });

  const userOf = (column: Column): string | null =>
    column === 'anonymous' ? null : users[column].id;

  async function fixture(kind: GroupKindCase): Promise<Fixture> {
    counter += 1;
    const k = t.testDb.db.kysely;
    const group = await createGroup(t.testDb.db, users.owner.id, {
      slug: `topic-matrix-${counter}`,
      name: `Topic matrix ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, [
      ...PERSONA_MEMBERSHIPS,
      ['proposer', 'member', 'active']
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
        starts_at: iso(7 * 86_400_000),
        ends_at: iso(7 * 86_400_000 + 7_200_000),
        time_zone: 'Europe/Berlin',
        status: 'published',
        created_at: iso(0),
        updated_at: iso(0)
      })
      .execute();
    const topic = (title: string, by: string, status: string, offset: number) => ({
      id: randomUUID(),
      group_id: group.id,
      title,
      wants: 'explain',
      status,
      proposed_by: by,
      event_id: status === 'scheduled' ? eventId : null,
      comment_count: title === 'Matrix topic' ? 1 : 0,
      created_at: iso(offset),
      updated_at: iso(offset)
    });
    const rows = [
      topic('Matrix topic', users.proposer.id, 'open', -3000),
      topic('Matrix target', users.member.id, 'open', -2000),
      topic('Matrix scheduled', users.member.id, 'scheduled', -1000)
    ];
    await k.insertInto('topics').values(rows).execute();
    const [main, target, scheduled] = rows.map((r) => r.id) as [string, string, string];
    const commentId = randomUUID();
    await k
      .insertInto('topic_comments')
      .values({
        id: commentId,
        topic_id: main,
        author_id: users.proposer.id,
        body: 'First!',
        created_at: iso(0),
        updated_at: iso(0)
      })
      .execute();
    const roundId = randomUUID();
    await k
      .insertInto('voting_rounds')
      .values({
        id: roundId,
        group_id: group.id,
        event_id: eventId,
        status: 'open',
        opens_at: iso(0),
        closes_at: iso(86_400_000),
        votes_per_member: 3,
        votes_per_topic: 1,
        agenda_topics: 2,
        tally_visibility: 'live',
        created_at: iso(0)
      })
      .execute();
    await k
      .insertInto('votes')
      .values({
        round_id: roundId,
        topic_id: main,
        user_id: users.member.id,
        count: 1,
        updated_at: iso(0)
      })
      .execute();
    return {
      slug: group.slug,
      groupId: group.id,
      topicId: main,
      targetId: target,
      scheduledId: scheduled,
      commentId
    };
  }

  /** Everything a write could change about the fixture, to compare before and after. */
  async function snapshot(f: Fixture) {
    const k = t.testDb.db.kysely;
    const topics = await k
      .selectFrom('topics')
      .selectAll()
      .where('group_id', '=', f.groupId)
      .orderBy('id')
      .execute();
    const ids = topics.map((r) => r.id);
    return {
      topics,
      comments: await k
        .selectFrom('topic_comments')
        .selectAll()
        .where('topic_id', 'in', ids)
        .orderBy('id')
        .execute(),
      votes: await k
        .selectFrom('votes')
        .selectAll()
        .where('topic_id', 'in', ids)
        .orderBy('topic_id')
        .execute(),
      audit: await k
        .selectFrom('audit_entries')
        .select(['action', 'details'])
        .where('group_id', '=', f.groupId)
        .where('action', 'like', 'topic.%')
        .execute()
    };
  }

  const topicRow = (id: string) =>
    t.testDb.db.kysely
      .selectFrom('topics')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const votesOn = async (topicId: string) =>
    (
      await t.testDb.db.kysely
        .selectFrom('votes')
        .select('count')
        .where('topic_id', '=', topicId)
        .execute()
    ).length;
  const auditOf = async (f: Fixture) =>
    (
      await t.testDb.db.kysely
        .selectFrom('audit_entries')
        .select('action')
        .where('group_id', '=', f.groupId)
        .execute()
    )
      .map((a) => a.action)
      .filter((a) => a.startsWith('topic.'));
  const base = (f: Fixture, tail = '') => `/api/v1/groups/${f.slug}/topics${tail}`;
  const ids = (res: MatrixResponse) =>
    res.json<{ items: { id: string }[] }>().items.map((i) => i.id);

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET topics': {
      route: 'GET /api/v1/groups/:slug/topics',
      request: (f) => ({ method: 'GET', url: base(f) }),
      check: (f, res) => {
        expect(ids(res)).toEqual([f.topicId, f.targetId]);
      }
    },
    'POST topic': {
      route: 'POST /api/v1/groups/:slug/topics',
      request: (f) => ({
        method: 'POST',
        url: base(f),
        body: { title: 'Added topic', wants: 'present' }
      }),
      effect: async (f, userId) => {
        const added = await t.testDb.db.kysely
          .selectFrom('topics')
          .select(['status', 'proposed_by'])
          .where('group_id', '=', f.groupId)
          .where('title', '=', 'Added topic')
          .execute();
        expect(added).toEqual([{ status: 'open', proposed_by: userId }]);
      }
    },
    'GET topic': {
      route: 'GET /api/v1/groups/:slug/topics/:id',
      request: (f) => ({ method: 'GET', url: base(f, `/${f.topicId}`) }),
      check: (f, res, column) => {
        const body = res.json<{ id: string; myVotes: number; viewer: Record<string, boolean> }>();
        expect(body.id).toBe(f.topicId);
        expect(body.myVotes).toBe(column === 'member' ? 1 : 0);
        expect(body.viewer).toEqual({
          canEdit: column === 'proposer' || MANAGERS.includes(column),
          canWithdraw: column === 'proposer',
          canManage: MANAGERS.includes(column),
          canComment: MEMBERS.includes(column)
        });
      }
    },
    'PATCH topic': {
      route: 'PATCH /api/v1/groups/:slug/topics/:id',
      request: (f) => ({
        method: 'PATCH',
        url: base(f, `/${f.topicId}`),
        body: { title: 'Changed topic' }
      }),
      effect: async (f) => {
        expect((await topicRow(f.topicId)).title).toBe('Changed topic');
      }
    },
    'POST withdraw': {
      route: 'POST /api/v1/groups/:slug/topics/:id/withdraw',
      request: (f) => ({ method: 'POST', url: base(f, `/${f.topicId}/withdraw`) }),
      effect: async (f) => {
        expect((await topicRow(f.topicId)).status).toBe('withdrawn');
        expect(await votesOn(f.topicId)).toBe(0);
      }
    },
    'POST archive': {
      route: 'POST /api/v1/groups/:slug/topics/:id/archive',
      request: (f) => ({
        method: 'POST',
        url: base(f, `/${f.topicId}/archive`),
        body: { reason: 'Off topic' }
      }),
      effect: async (f) => {
        expect((await topicRow(f.topicId)).status).toBe('archived');
        expect(await votesOn(f.topicId)).toBe(0);
        expect(await auditOf(f)).toEqual(['topic.archived']);
      }
    },
    'POST merge': {
      route: 'POST /api/v1/groups/:slug/topics/:id/merge',
      request: (f) => ({
        method: 'POST',
        url: base(f, `/${f.topicId}/merge`),
        body: { into: f.targetId }
      }),
      check: (f, res) => {
        expect(res.json<{ id: string }>().id).toBe(f.targetId);
      },
      effect: async (f) => {
        expect(await topicRow(f.topicId)).toMatchObject({
          status: 'archived',
          merged_into: f.targetId,
          comment_count: 0
        });
        expect((await topicRow(f.targetId)).comment_count).toBe(1);
        expect(await votesOn(f.topicId)).toBe(0);
        expect(await auditOf(f)).toEqual(['topic.merged']);
      }
    },
    'POST discussed': {
      route: 'POST /api/v1/groups/:slug/topics/:id/discussed',
      request: (f) => ({
        method: 'POST',
        url: base(f, `/${f.scheduledId}/discussed`),
        body: { notes: 'Went well', links: [{ title: 'Slides', url: 'https://x.example/s' }] }
      }),
      effect: async (f) => {
        expect(await topicRow(f.scheduledId)).toMatchObject({
          status: 'discussed',
          notes: 'Went well'
        });
        expect(await auditOf(f)).toEqual(['topic.discussed']);
      }
    },
    'GET comments': {
      route: 'GET /api/v1/groups/:slug/topics/:id/comments',
      request: (f) => ({ method: 'GET', url: base(f, `/${f.topicId}/comments`) }),
      check: (f, res, column) => {
        const items = res.json<{ items: { id: string; canDelete: boolean }[] }>().items;
        expect(items).toEqual([
          {
            ...items[0],
            id: f.commentId,
            canDelete: column === 'proposer' || MANAGERS.includes(column)
          }
        ]);
      }
    },
    'POST comment': {
      route: 'POST /api/v1/groups/:slug/topics/:id/comments',
      request: (f) => ({
        method: 'POST',
        url: base(f, `/${f.topicId}/comments`),
        body: { body: 'Added comment' }
      }),
      effect: async (f, userId) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('topic_comments')
          .select('author_id')
          .where('topic_id', '=', f.topicId)
          .where('body', '=', 'Added comment')
          .execute();
        expect(rows).toEqual([{ author_id: userId }]);
        expect((await topicRow(f.topicId)).comment_count).toBe(2);
      }
    },
    'DELETE comment': {
      route: 'DELETE /api/v1/groups/:slug/topics/:id/comments/:commentId',
      request: (f) => ({
        method: 'DELETE',
        url: base(f, `/${f.topicId}/comments/${f.commentId}`)
      }),
      effect: async (f) => {
        const rows = await t.testDb.db.kysely
          .selectFrom('topic_comments')
          .select('id')
          .where('id', '=', f.commentId)
          .execute();
        expect(rows).toEqual([]);
        expect((await topicRow(f.topicId)).comment_count).toBe(0);
      }
    }
  };

  it('has a matrix row for every topic endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: TOPIC_ROUTE, atLeast: 11 });
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
