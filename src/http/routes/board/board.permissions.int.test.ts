import { beforeAll, expect, it } from 'vitest';
import { createComment } from '../../../services/board/comment.service.ts';
import { createPost, setPinned, setSolved } from '../../../services/board/post-write.service.ts';
import { addReaction } from '../../../services/board/reaction.service.ts';
import { createGroup } from '../../../services/group.service.ts';
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
import {
  boardSnapshot,
  commentRowOf,
  postRowOf,
  type WireComment,
  type WirePost
} from './board-test-support.ts';

/** The personas, and a read-only API token of `member` (who wrote the fixture's posts). */
const COLUMNS = [...PERSONAS, 'read-token'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per column in the order of COLUMNS:
 *
 *   anonymous non-member pending member host organizer owner admin banned read-token
 *
 * Reading follows `group.read` (404 to those who may not read the group; banned people lose
 * everything); a hidden post is 404 to all but moderators and its author (`member`). Posting,
 * commenting and reacting need active membership (admins are not members); announcements and
 * pins `post.moderate` (organizers and up, admins). Editing is the author's; removing the
 * author's or moderators'; marking solved the author's or moderators'. Writes with a read-only
 * token are a 403.
 */
const READ = [
  '200 200 200 200 200 200 200 200 404 200',
  '404 404 404 200 200 200 200 200 404 200',
  '404 404 404 200 200 200 200 200 404 200'
] as const;
const MEMBERS = (ok: string) =>
  [
    `401 403 403 ${ok} ${ok} ${ok} ${ok} 403 404 403`,
    `401 404 404 ${ok} ${ok} ${ok} ${ok} 403 404 403`,
    `401 404 404 ${ok} ${ok} ${ok} ${ok} 403 404 403`
  ] as const;
const AUTHOR = (ok: string) =>
  [
    `401 403 403 ${ok} 403 403 403 403 404 403`,
    `401 404 404 ${ok} 403 403 403 403 404 403`,
    `401 404 404 ${ok} 403 403 403 403 404 403`
  ] as const;
const AUTHOR_OR_MOD = (ok: string) =>
  [
    `401 403 403 ${ok} 403 ${ok} ${ok} ${ok} 404 403`,
    `401 404 404 ${ok} 403 ${ok} ${ok} ${ok} 404 403`,
    `401 404 404 ${ok} 403 ${ok} ${ok} ${ok} 404 403`
  ] as const;
const MODERATORS = [
  '401 403 403 403 403 200 200 200 404 403',
  '401 404 404 403 403 200 200 200 404 403',
  '401 404 404 403 403 200 200 200 404 403'
] as const;

const MATRIX: Matrix = {
  'GET group posts': READ,
  'POST group post': [
    '401 403 403 201 201 201 201 403 403 403',
    '401 403 403 201 201 201 201 403 404 403',
    '401 404 403 201 201 201 201 403 404 403'
  ],
  'POST announcement': [
    '401 403 403 403 403 201 201 403 403 403',
    '401 403 403 403 403 201 201 403 404 403',
    '401 404 403 403 403 201 201 403 404 403'
  ],
  'GET post': READ,
  'GET hidden post': [
    '404 404 404 200 404 200 200 200 404 200',
    '404 404 404 200 404 200 200 200 404 200',
    '404 404 404 200 404 200 200 200 404 200'
  ],
  'PATCH post': AUTHOR('200'),
  'DELETE post': AUTHOR_OR_MOD('204'),
  'POST solved': AUTHOR_OR_MOD('200'),
  'DELETE solved': AUTHOR_OR_MOD('200'),
  'POST pin': MODERATORS,
  'DELETE pin': MODERATORS,
  'GET comments': READ,
  'POST comment': MEMBERS('201'),
  'PATCH comment': AUTHOR('200'),
  'DELETE comment': AUTHOR_OR_MOD('204'),
  'PUT post reaction': MEMBERS('200'),
  'DELETE post reaction': MEMBERS('200'),
  'PUT comment reaction': MEMBERS('200'),
  'DELETE comment reaction': MEMBERS('200')
};

/** A group where every persona holds its role, with posts and a comment by `member`. */
interface Fixture {
  slug: string;
  groupId: string;
  /** A help post. */
  postId: string;
  /** A solved, pinned help post. */
  solvedId: string;
  /** A post hidden by moderators. */
  hiddenId: string;
  commentId: string;
}

type Endpoint = MatrixEndpoint<Fixture, Column>;

const BOARD_ROUTE = /^\S+ \/api\/v1\/(?:posts|comments|groups\/:slug\/posts)(?:[/.]|$)/;

describeWithApp('board permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers;
  let readToken: string;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t);
    readToken = await t.buildToken(users.member.id, 'read');
  });

  const credentials = (column: Column) =>
    column === 'read-token' ? { token: readToken } : sessionOf(users, column);
  const userOf = (column: Column): string | null =>
    column === 'anonymous' ? null : column === 'read-token' ? users.member.id : users[column].id;

  async function fixture(kind: GroupKindCase): Promise<Fixture> {
    counter += 1;
    const db = t.testDb.db;
    const group = await createGroup(db, users.owner.id, {
      slug: `board-matrix-${counter}`,
      name: `Board matrix ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    await addMemberships(t, group.id, users, PERSONA_MEMBERSHIPS);
    const make = (title: string) =>
      createPost(db, t.queue, {
        groupId: group.id,
        authorId: users.member.id,
        input: { kind: 'help', title, body: 'Body', linkUrl: null }
      });
    const post = await make('Matrix post');
    const solved = await make('Solved post');
    await setSolved(db, solved.id, true);
    await setPinned(db, solved.id, true);
    const hidden = await make('Hidden post');
    await db.kysely
      .updateTable('posts')
      .set({ status: 'hidden' })
      .where('id', '=', hidden.id)
      .execute();
    const comment = await createComment(db, t.queue, {
      postId: post.id,
      authorId: users.member.id,
      body: 'A comment',
      parentId: null
    });
    return {
      slug: group.slug,
      groupId: group.id,
      postId: post.id,
      solvedId: solved.id,
      hiddenId: hidden.id,
      commentId: comment.id
    };
  }

  const snapshot = (f: Fixture) => boardSnapshot(t, f.groupId);

  const postRow = (id: string) => postRowOf(t, id);
  const commentRow = (id: string) => commentRowOf(t, id);
  const reactionOf = (subjectId: string, userId: string) =>
    t.testDb.db.kysely
      .selectFrom('reactions')
      .select('reaction')
      .where('subject_id', '=', subjectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  const react = (
    type: 'post' | 'comment',
    id: (f: Fixture) => string
  ): Record<string, Endpoint> => {
    const name = type === 'post' ? 'post reaction' : 'comment reaction';
    const route = `/api/v1/${type}s/:id/reactions/:reaction`;
    return {
      [`PUT ${name}`]: {
        route: `PUT ${route}`,
        request: (f) => ({ method: 'PUT', url: `/api/v1/${type}s/${id(f)}/reactions/heart` }),
        effect: async (f, userId) => {
          expect(await reactionOf(id(f), userId)).toEqual({ reaction: 'heart' });
        }
      },
      [`DELETE ${name}`]: {
        route: `DELETE ${route}`,
        prepare: async (f, userId) => {
          if (userId) await addReaction(t.testDb.db, { type, id: id(f) }, userId, 'heart');
        },
        request: (f) => ({ method: 'DELETE', url: `/api/v1/${type}s/${id(f)}/reactions/heart` }),
        effect: async (f, userId) => {
          expect(await reactionOf(id(f), userId)).toBeUndefined();
        }
      }
    };
  };

  /** Posting a `kind` titled `title`: the post is there, by the caller. */
  const newPost = (kind: string, title: string): Endpoint => ({
    route: 'POST /api/v1/groups/:slug/posts',
    request: (f) => ({
      method: 'POST',
      url: `/api/v1/groups/${f.slug}/posts`,
      body: { kind, title, body: 'Matrix body' }
    }),
    effect: async (f, userId) => {
      const row = await t.testDb.db.kysely
        .selectFrom('posts')
        .select(['author_id', 'kind'])
        .where('group_id', '=', f.groupId)
        .where('title', '=', title)
        .executeTakeFirst();
      expect(row).toEqual({ author_id: userId, kind });
    }
  });

  const ENDPOINTS: Record<string, Endpoint> = {
    'GET group posts': {
      route: 'GET /api/v1/groups/:slug/posts',
      request: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.slug}/posts` }),
      check: (f, res) => {
        expect(res.json<{ items: WirePost[] }>().items.map((p) => p.id)).toContain(f.postId);
      }
    },
    'POST group post': newPost('job', 'Matrix job'),
    'POST announcement': newPost('announcement', 'Matrix news'),
    'GET post': {
      route: 'GET /api/v1/posts/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/posts/${f.postId}` }),
      check: (f, res) => {
        expect(res.json<WirePost>().id).toBe(f.postId);
      }
    },
    'GET hidden post': {
      route: 'GET /api/v1/posts/:id',
      request: (f) => ({ method: 'GET', url: `/api/v1/posts/${f.hiddenId}` }),
      check: (f, res) => {
        expect(res.json<WirePost>()).toMatchObject({ id: f.hiddenId, status: 'hidden' });
      }
    },
    'PATCH post': {
      route: 'PATCH /api/v1/posts/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/posts/${f.postId}`,
        body: { title: 'Changed' }
      }),
      effect: async (f) => {
        expect((await postRow(f.postId)).title).toBe('Changed');
      }
    },
    'DELETE post': {
      route: 'DELETE /api/v1/posts/:id',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/posts/${f.postId}` }),
      effect: async (f) => {
        expect((await postRow(f.postId)).status).toBe('removed');
      }
    },
    'POST solved': {
      route: 'POST /api/v1/posts/:id/solved',
      request: (f) => ({ method: 'POST', url: `/api/v1/posts/${f.postId}/solved` }),
      effect: async (f) => {
        expect((await postRow(f.postId)).solved_at).not.toBeNull();
      }
    },
    'DELETE solved': {
      route: 'DELETE /api/v1/posts/:id/solved',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/posts/${f.solvedId}/solved` }),
      effect: async (f) => {
        expect((await postRow(f.solvedId)).solved_at).toBeNull();
      }
    },
    'POST pin': {
      route: 'POST /api/v1/posts/:id/pin',
      request: (f) => ({ method: 'POST', url: `/api/v1/posts/${f.postId}/pin` }),
      effect: async (f) => {
        expect((await postRow(f.postId)).pinned_at).not.toBeNull();
      }
    },
    'DELETE pin': {
      route: 'DELETE /api/v1/posts/:id/pin',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/posts/${f.solvedId}/pin` }),
      effect: async (f) => {
        expect((await postRow(f.solvedId)).pinned_at).toBeNull();
      }
    },
    'GET comments': {
      route: 'GET /api/v1/posts/:id/comments',
      request: (f) => ({ method: 'GET', url: `/api/v1/posts/${f.postId}/comments` }),
      check: (f, res) => {
        expect(res.json<{ items: WireComment[] }>().items.map((c) => c.id)).toEqual([f.commentId]);
      }
    },
    'POST comment': {
      route: 'POST /api/v1/posts/:id/comments',
      request: (f) => ({
        method: 'POST',
        url: `/api/v1/posts/${f.postId}/comments`,
        body: { body: 'Matrix reply', parentId: f.commentId }
      }),
      effect: async (f, userId) => {
        const row = await t.testDb.db.kysely
          .selectFrom('post_comments')
          .select(['author_id', 'parent_id'])
          .where('body', '=', 'Matrix reply')
          .where('post_id', '=', f.postId)
          .executeTakeFirst();
        expect(row).toEqual({ author_id: userId, parent_id: f.commentId });
        expect((await postRow(f.postId)).comment_count).toBe(2);
      }
    },
    'PATCH comment': {
      route: 'PATCH /api/v1/comments/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/v1/comments/${f.commentId}`,
        body: { body: 'Edited' }
      }),
      effect: async (f) => {
        expect((await commentRow(f.commentId)).body).toBe('Edited');
      }
    },
    'DELETE comment': {
      route: 'DELETE /api/v1/comments/:id',
      request: (f) => ({ method: 'DELETE', url: `/api/v1/comments/${f.commentId}` }),
      effect: async (f) => {
        expect((await commentRow(f.commentId)).status).toBe('removed');
        expect((await postRow(f.postId)).comment_count).toBe(0);
      }
    },
    ...react('post', (f) => f.postId),
    ...react('comment', (f) => f.commentId)
  };

  it('has a matrix row for every board endpoint the app serves', () => {
    expectMatrixCoversRoutes(t.app, MATRIX, ENDPOINTS, { match: BOARD_ROUTE, atLeast: 15 });
  });

  itChecksMatrix(
    MATRIX,
    ENDPOINTS,
    { app, columns: COLUMNS, fixture: (kind) => fixture(kind), snapshot, userOf, credentials },
    240_000
  );
});
