// Helpers the board integration tests share: a group with members of every role, and the shapes
// the tests read off the wire.
import type { LightMyRequestResponse } from 'fastify';
import { createGroup, type Group } from '../../../services/group.service.ts';
import type { Role } from '../../../domain/group-policy.ts';
import type { TestApp } from '../../../test/test-app.ts';

export interface WireReaction {
  reaction: string;
  count: number;
  mine: boolean;
}

export interface WirePost {
  id: string;
  groupId: string;
  group: { slug: string; name: string };
  kind: string;
  title: string;
  body: string;
  bodyHtml: string;
  link: { url: string; status: string; title: string | null; description: string | null } | null;
  status: string;
  solvedAt: string | null;
  pinnedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
  commentCount: number;
  editedAt: string | null;
  author: { id: string; handle: string; displayName: string; openToWork?: boolean } | null;
  reactions: WireReaction[];
  viewer: Record<string, boolean>;
}

export interface WireComment {
  id: string;
  parentId: string | null;
  status: string;
  body: string;
  author: { id: string; openToWork?: boolean } | null;
  reactions: WireReaction[];
  viewer: Record<string, boolean>;
}

export interface BoardUser {
  id: string;
  email: string;
  handle: string;
  token: string;
}

/** A group with an owner, an organizer, a host and `members` active members, each with a token. */
export async function buildBoardGroup(
  t: TestApp,
  slug: string,
  options: { members?: number; visibility?: 'public' | 'private' } = {}
): Promise<{ group: Group; owner: BoardUser; organizer: BoardUser; members: BoardUser[] }> {
  const db = t.testDb.db;
  const make = async (name: string): Promise<BoardUser> => {
    const { id, email } = await t.buildUser({ name });
    const row = await db.kysely
      .selectFrom('users')
      .select('handle')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { id, email, handle: row.handle, token: await t.buildToken(id, 'write') };
  };
  const owner = await make(`${slug} owner`);
  const group = await createGroup(db, owner.id, {
    slug,
    name: `Group ${slug}`,
    kind: 'meetup',
    timeZone: 'Europe/Berlin',
    visibility: options.visibility ?? 'public',
    joinPolicy: 'open'
  });
  const organizer = await make(`${slug} organizer`);
  const members: BoardUser[] = [];
  for (let i = 0; i < (options.members ?? 3); i++) members.push(await make(`${slug} member ${i}`));
  const at = new Date().toISOString();
  const rows: [BoardUser, Role][] = [
    [organizer, 'organizer'],
    ...members.map((m) => [m, 'member'] as [BoardUser, Role])
  ];
  await db.kysely
    .insertInto('memberships')
    .values(
      rows.map(([u, role]) => ({
        group_id: group.id,
        user_id: u.id,
        role,
        status: 'active',
        created_at: at,
        updated_at: at
      }))
    )
    .execute();
  return { group, owner, organizer, members };
}

/** Requests of the board API as the holder of `token` (none: anonymous). */
export function boardClient(t: TestApp) {
  const req = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    token?: string,
    body?: unknown
  ) =>
    t.request({
      method,
      url: `/api/v1${url}`,
      ...(token ? { token } : {}),
      ...(body !== undefined ? { body } : {})
    });
  return {
    req,
    create: (slug: string, token: string | undefined, body: Record<string, unknown>) =>
      req('POST', `/groups/${slug}/posts`, token, body),
    list: (slug: string, token?: string, query = '') =>
      req('GET', `/groups/${slug}/posts${query}`, token),
    get: (id: string, token?: string) => req('GET', `/posts/${id}`, token),
    comment: (id: string, token: string, body: Record<string, unknown>) =>
      req('POST', `/posts/${id}/comments`, token, body),
    comments: (id: string, token?: string) => req('GET', `/posts/${id}/comments`, token)
  };
}

/** A valid post body, with `over` replacing fields. */
export function postBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'help',
    title: 'Anyone solved flaky DNS in k8s?',
    body: 'We see **timeouts** every few minutes.',
    ...over
  };
}

/** The field errors of a 400 answer, as `field: message`. */
export function errorsOf(res: LightMyRequestResponse): string[] {
  return (
    res
      .json<{ errors?: { field: string; message: string }[] }>()
      .errors?.map((e) => `${e.field}: ${e.message}`) ?? [`${res.statusCode} ${res.body}`]
  );
}

/** A post row, straight from the database. */
export function postRowOf(t: TestApp, id: string) {
  return t.testDb.db.kysely
    .selectFrom('posts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** A comment row, straight from the database. */
export function commentRowOf(t: TestApp, id: string) {
  return t.testDb.db.kysely
    .selectFrom('post_comments')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** Everything a board write could change in a group, to compare before and after. */
export async function boardSnapshot(t: TestApp, groupId: string) {
  const k = t.testDb.db.kysely;
  const posts = await k
    .selectFrom('posts')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('id')
    .execute();
  const ids = posts.map((p) => p.id);
  const comments = await k
    .selectFrom('post_comments')
    .selectAll()
    .where('post_id', 'in', ids)
    .orderBy('id')
    .execute();
  return {
    posts,
    comments,
    reactions: await k
      .selectFrom('reactions')
      .select(['subject_id', 'user_id', 'reaction'])
      .where('subject_id', 'in', [...ids, ...comments.map((c) => c.id)])
      .orderBy('subject_id')
      .orderBy('user_id')
      .orderBy('reaction')
      .execute()
  };
}
