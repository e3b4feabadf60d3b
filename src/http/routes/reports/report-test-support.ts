// Helpers the moderation integration tests share: board rows inserted straight into the database
// (the board's own API is another feature's), report requests and the rows they read.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Db } from '../../../db/database.ts';
import type { TestApp } from '../../../test/test-app.ts';

/** Inserts a post (visible unless said otherwise) and returns its id. */
export async function insertPost(
  db: Db,
  fields: {
    groupId: string;
    authorId: string | null;
    title?: string;
    body?: string;
    status?: string;
  }
): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('posts')
    .values({
      id,
      group_id: fields.groupId,
      author_id: fields.authorId,
      kind: 'discussion',
      title: fields.title ?? 'A post to report',
      body: fields.body ?? 'Buy **cheap** watches at example.com',
      link_url: null,
      link_title: null,
      link_description: null,
      link_status: null,
      status: fields.status ?? 'visible',
      solved_at: null,
      pinned_at: null,
      expires_at: null,
      created_at: at,
      updated_at: at,
      edited_at: null
    })
    .execute();
  return id;
}

/** Inserts a comment on `postId` and returns its id. */
export async function insertComment(
  db: Db,
  fields: { postId: string; authorId: string | null; body?: string; status?: string }
): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('post_comments')
    .values({
      id,
      post_id: fields.postId,
      parent_id: null,
      author_id: fields.authorId,
      body: fields.body ?? 'You are all idiots',
      status: fields.status ?? 'visible',
      created_at: at,
      updated_at: at,
      edited_at: null
    })
    .execute();
  return id;
}

/** A post's or comment's board status. */
export async function statusOf(db: Db, type: 'post' | 'comment', id: string): Promise<string> {
  const table = type === 'post' ? 'posts' : 'post_comments';
  const row = await db.kysely
    .selectFrom(table)
    .select('status')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.status;
}

/** Requests of the moderation API with a session cookie (none: anonymous). */
export function reportClient(t: TestApp) {
  const as = (cookie: string | undefined) => (cookie ? { cookie } : {});
  return {
    report: (cookie: string | undefined, body: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/reports', ...as(cookie), body }),
    queue: (cookie: string | undefined, slug: string, query = '') =>
      t.request({ method: 'GET', url: `/api/v1/groups/${slug}/reports${query}`, ...as(cookie) }),
    adminQueue: (cookie: string | undefined, query = '') =>
      t.request({ method: 'GET', url: `/api/v1/admin/reports${query}`, ...as(cookie) }),
    resolve: (cookie: string | undefined, id: string, body: Record<string, unknown>) =>
      t.request({ method: 'POST', url: `/api/v1/reports/${id}/resolve`, ...as(cookie), body }),
    reopen: (cookie: string | undefined, id: string) =>
      t.request({ method: 'POST', url: `/api/v1/reports/${id}/reopen`, ...as(cookie) }),
    person: (cookie: string | undefined, handle: string) =>
      t.request({ method: 'GET', url: `/api/v1/people/${handle}`, ...as(cookie) })
  };
}

/** The id of a 201 report answer (throws with the body otherwise). */
export function reportIdOf(res: LightMyRequestResponse): string {
  if (res.statusCode !== 201) throw new Error(`report failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>().id;
}
