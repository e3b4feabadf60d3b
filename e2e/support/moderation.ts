import { expect, type APIRequestContext } from '@playwright/test';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { BASE_URL, DATA_DIR } from './server.ts';

/** Unsafe API calls need the site's origin (CSRF check). */
const headers = { origin: BASE_URL };

/** The API client's own account: id and handle. */
export async function whoAmI(api: APIRequestContext): Promise<{ id: string; handle: string }> {
  const me = await api.get('/api/v1/me');
  expect(me.status()).toBe(200);
  return (await me.json()) as { id: string; handle: string };
}

/**
 * A discussion post on the group's board by the API client's account; returns its id. Through
 * the board's API when it takes it, else inserted into the e2e server's SQLite database (the
 * board is another feature: moderation only needs a post to report).
 */
export async function postOnBoard(
  api: APIRequestContext,
  slug: string,
  post: { title: string; body: string }
): Promise<string> {
  const created = await api.post(`/api/v1/groups/${slug}/posts`, {
    headers,
    data: { kind: 'discussion', ...post }
  });
  if (created.status() === 201) return ((await created.json()) as { id: string }).id;
  const group = (await (await api.get(`/api/v1/groups/${slug}`)).json()) as { id: string };
  const me = await whoAmI(api);
  const id = randomUUID();
  const at = new Date().toISOString();
  const db = new Database(path.join(DATA_DIR, 'guildhall.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(
      `insert into posts (id, group_id, author_id, kind, title, body, status, created_at, updated_at)
       values (?, ?, ?, 'discussion', ?, ?, 'visible', ?, ?)`
    ).run(id, group.id, me.id, post.title, post.body, at, at);
  } finally {
    db.close();
  }
  return id;
}

/** Reports a post or profile as the API client's account; returns the report's id. */
export async function fileReport(
  api: APIRequestContext,
  subjectType: 'post' | 'comment' | 'profile',
  subjectId: string,
  reason = 'spam'
): Promise<string> {
  const res = await api.post('/api/v1/reports', {
    headers,
    data: { subjectType, subjectId, reason, details: 'Filed by the browser tests.' }
  });
  expect(res.status(), `report ${subjectType}`).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
