import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import { insertUser } from '../../../test/factories.ts';
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
import { insertComment, insertPost, statusOf } from './report-test-support.ts';

/**
 * The columns: the personas, `reporter` (an active member who filed the fixture's reports) and
 * `stranger` (an organizer of another group).
 */
const COLUMNS = [...PERSONAS, 'reporter', 'stranger'] as const;
type Column = (typeof COLUMNS)[number];
/** Who shares an active group with the fixture's poster (and so sees `openToWork`). */
const FELLOWS: readonly Column[] = ['member', 'host', 'organizer', 'owner', 'reporter'];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member host organizer owner admin banned reporter stranger
 *
 * Reporting a post or comment needs sight of it (404 otherwise: private and hidden groups, banned
 * people) and `report.create` (active members, admins: 403 to outsiders of a public group).
 * Profiles anyone signed in may report (`reporter` has an open report on it already: 409). The group queue needs `report.review` (organizers and
 * up, admins; 404 where the group is out of sight); deciding and reopening a report is 404 to
 * all but its moderators — its reporter included. The admins' queue and profile reports are
 * admins' alone. Public profiles are public.
 */
const MATRIX: Matrix = {
  'POST report post': [
    '401 403 403 201 201 201 201 201 404 201 403',
    '401 404 404 201 201 201 201 201 404 201 404',
    '401 404 404 201 201 201 201 201 404 201 404'
  ],
  'POST report comment': [
    '401 403 403 201 201 201 201 201 404 201 403',
    '401 404 404 201 201 201 201 201 404 201 404',
    '401 404 404 201 201 201 201 201 404 201 404'
  ],
  'POST report profile': [
    '401 201 201 201 201 201 201 201 201 409 201',
    '401 201 201 201 201 201 201 201 201 409 201',
    '401 201 201 201 201 201 201 201 201 409 201'
  ],
  'GET group reports': [
    '401 403 403 403 403 200 200 200 403 403 403',
    '401 403 403 403 403 200 200 200 404 403 403',
    '401 404 403 403 403 200 200 200 404 403 404'
  ],
  'GET admin reports': [
    '401 404 404 404 404 404 404 200 404 404 404',
    '401 404 404 404 404 404 404 200 404 404 404',
    '401 404 404 404 404 404 404 200 404 404 404'
  ],
  'POST resolve': [
    '401 404 404 404 404 200 200 200 404 404 404',
    '401 404 404 404 404 200 200 200 404 404 404',
    '401 404 404 404 404 200 200 200 404 404 404'
  ],
  'POST resolve profile report': [
    '401 404 404 404 404 404 404 200 404 404 404',
    '401 404 404 404 404 404 404 200 404 404 404',
    '401 404 404 404 404 404 404 200 404 404 404'
  ],
  'POST reopen': [
    '401 404 404 404 404 200 200 200 404 404 404',
    '401 404 404 404 404 200 200 200 404 404 404',
    '401 404 404 404 404 200 200 200 404 404 404'
  ],
  'GET person': [
    '200 200 200 200 200 200 200 200 200 200 200',
    '200 200 200 200 200 200 200 200 200 200 200',
    '200 200 200 200 200 200 200 200 200 200 200'
  ]
};

interface Fixture {
  slug: string;
  groupId: string;
  /** An active member whose post, comment and profile are reported. */
  posterId: string;
  posterHandle: string;
  /** Reported by `reporter` (open). */
  reportedPostId: string;
  openReportId: string;
  /** Not reported yet, with a comment. */
  freshPostId: string;
  commentId: string;
  /** A dismissed report on another post. */
  dismissedReportId: string;
  /** `reporter`'s open report on the poster's profile. */
  profileReportId: string;
}

type Endpoint = MatrixEndpoint<Fixture, Column>;

const REPORT_ROUTE =
  /^\S+ \/api\/v1\/(?:reports|groups\/:slug\/reports|admin\/reports|people)(?:\/|$)/;

describeWithApp('report permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'reporter' | 'stranger'>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['reporter', 'stranger']);
    const elsewhere = await createGroup(t.testDb.db, users.stranger.id, {
      slug: 'report-matrix-elsewhere',
      name: 'Elsewhere',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    await addMemberships(t, elsewhere.id, users, [['reporter', 'member', 'active']]);
    await t.testDb.db.kysely
      .updateTable('memberships')
      .set({ role: 'organizer' })
      .where('group_id', '=', elsewhere.id)
      .where('user_id', '=', users.stranger.id)
      .execute();
  });

  const k = () => t.testDb.db.kysely;

  async function insertReport(
    f: { groupId: string | null; posterId: string },
    subjectType: string,
    subjectId: string,
    status: 'open' | 'dismissed'
  ): Promise<string> {
    const id = randomUUID();
    await k()
      .insertInto('reports')
      .values({
        id,
        group_id: f.groupId,
        subject_type: subjectType,
        subject_id: subjectId,
        subject_user_id: f.posterId,
        reporter_id: users.reporter.id,
        reason: 'spam',
        details: '',
        status,
        resolution: status === 'dismissed' ? 'dismiss' : null,
        resolution_note: null,
        resolved_by: status === 'dismissed' ? users.owner.id : null,
        resolved_at: status === 'dismissed' ? new Date().toISOString() : null,
        created_at: new Date().toISOString()
      })
      .execute();
    return id;
  }

  async function fixture(kind: GroupKindCase): Promise<Fixture> {
    counter += 1;
    const db = t.testDb.db;
    const group = await createGroup(db, users.owner.id, {
      slug: `report-matrix-${counter}`,
      name: `Report matrix ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    const posterHandle = `poster${counter}`;
    const posterId = await insertUser(db, `poster-${counter}-${randomUUID()}`, {
      handle: posterHandle
    });
    await addMemberships(t, group.id, { ...users, poster: { id: posterId } }, [
      ...PERSONA_MEMBERSHIPS,
      ['reporter', 'member', 'active'],
      ['poster', 'member', 'active']
    ]);
    const base = { groupId: group.id, posterId };
    const reportedPostId = await insertPost(db, { groupId: group.id, authorId: posterId });
    const freshPostId = await insertPost(db, { groupId: group.id, authorId: posterId });
    const commentId = await insertComment(db, { postId: freshPostId, authorId: posterId });
    const otherPostId = await insertPost(db, { groupId: group.id, authorId: posterId });
    return {
      slug: group.slug,
      groupId: group.id,
      posterId,
      posterHandle,
      reportedPostId,
      openReportId: await insertReport(base, 'post', reportedPostId, 'open'),
      freshPostId,
      commentId,
      dismissedReportId: await insertReport(base, 'post', otherPostId, 'dismissed'),
      profileReportId: await insertReport({ groupId: null, posterId }, 'profile', posterId, 'open')
    };
  }

  async function snapshot(f: Fixture) {
    return {
      reports: await k()
        .selectFrom('reports')
        .selectAll()
        .where((eb) => eb.or([eb('group_id', '=', f.groupId), eb('subject_id', '=', f.posterId)]))
        .orderBy('id')
        .execute(),
      posts: await k()
        .selectFrom('posts')
        .select(['id', 'status'])
        .where('group_id', '=', f.groupId)
        .orderBy('id')
        .execute(),
      comment: await statusOf(t.testDb.db, 'comment', f.commentId),
      memberships: await k()
        .selectFrom('memberships')
        .select(['user_id', 'role', 'status'])
        .where('group_id', '=', f.groupId)
        .orderBy('user_id')
        .execute(),
      poster: await k()
        .selectFrom('users')
        .select(['name', 'bio'])
        .where('id', '=', f.posterId)
        .executeTakeFirst(),
      activities: await k()
        .selectFrom('activities')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    };
  }

  const reportBy = (userId: string, subjectId: string) =>
    k()
      .selectFrom('reports')
      .selectAll()
      .where('reporter_id', '=', userId)
      .where('subject_id', '=', subjectId)
      .executeTakeFirst();
  const reportRow = (id: string) =>
    k().selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  const fileReport = (subjectType: string, subjectOf: (f: Fixture) => string): Endpoint => ({
    route: 'POST /api/v1/reports',
    request: (f) => ({
      method: 'POST',
      url: '/api/v1/reports',
      body: { subjectType, subjectId: subjectOf(f), reason: 'spam' }
    }),
    effect: async (f, userId) => {
      const subjectId = subjectType === 'profile' ? f.posterId : subjectOf(f);
      expect(await reportBy(userId, subjectId)).toMatchObject({
        status: 'open',
        subject_type: subjectType
      });
    }
  });

  const ENDPOINTS: Record<string, Endpoint> = {
    'POST report post': fileReport('post', (f) => f.freshPostId),
    'POST report comment': fileReport('comment', (f) => f.commentId),
    'POST report profile': fileReport('profile', (f) => f.posterHandle),
    'GET group reports': {
      route: 'GET /api/v1/groups/:slug/reports',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/reports` }),
      check: (f, res) => {
        const ids = res.json<{ items: { id: string }[] }>().items.map((i) => i.id);
        expect(ids).toEqual([f.openReportId]);
      }
    },
    'GET admin reports': {
      route: 'GET /api/v1/admin/reports',
      request: () => ({ method: 'GET', url: '/api/v1/admin/reports?limit=100' }),
      check: (f, res) => {
        const ids = res.json<{ items: { id: string }[] }>().items.map((i) => i.id);
        expect(ids).toContain(f.profileReportId);
        expect(ids).not.toContain(f.openReportId);
      }
    },
    'POST resolve': {
      route: 'POST /api/v1/reports/:id/resolve',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/reports/${f.openReportId}/resolve`,
        body: { action: 'hide' }
      }),
      effect: async (f, userId) => {
        expect(await statusOf(t.testDb.db, 'post', f.reportedPostId)).toBe('hidden');
        expect(await reportRow(f.openReportId)).toMatchObject({
          status: 'resolved',
          resolved_by: userId
        });
      }
    },
    'POST resolve profile report': {
      route: 'POST /api/v1/reports/:id/resolve',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/reports/${f.profileReportId}/resolve`,
        body: { action: 'remove' }
      }),
      effect: async (f) => {
        const poster = await k()
          .selectFrom('users')
          .select(['name', 'bio'])
          .where('id', '=', f.posterId)
          .executeTakeFirstOrThrow();
        expect(poster).toEqual({ name: f.posterHandle, bio: '' });
      }
    },
    'POST reopen': {
      route: 'POST /api/v1/reports/:id/reopen',
      request: (f) => ({ method: 'POST', url: `/api/v1/reports/${f.dismissedReportId}/reopen` }),
      effect: async (f) => {
        expect(await reportRow(f.dismissedReportId)).toMatchObject({
          status: 'open',
          resolution: null
        });
      }
    },
    'GET person': {
      route: 'GET /api/v1/people/:handle',
      request: (f) => ({ method: 'GET', url: `/api/v1/people/${f.posterHandle}` }),
      check: (f, res, column) => {
        const person = res.json<{ handle: string; openToWork?: boolean; groups: unknown[] }>();
        expect(person.handle).toBe(f.posterHandle);
        expect('openToWork' in person, 'openToWork only to fellow members').toBe(
          FELLOWS.includes(column)
        );
      }
    }
  };

  it('has a matrix row for every moderation endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: REPORT_ROUTE, atLeast: 6 });
  });

  itChecksMatrix(
    MATRIX,
    ENDPOINTS,
    {
      app,
      columns: COLUMNS,
      fixture: (kind) => fixture(kind),
      snapshot,
      userOf: (c) => (c === 'anonymous' ? null : users[c].id),
      credentials: (c) => sessionOf(users, c)
    },
    180_000
  );
});
