// How the access table's cells are asked: a route's path filled from the world, the role's
// credentials, a fresh group for an allowed write.
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createToken } from '../../services/token.service.ts';
import { insertUser } from '../factories.ts';
import type { MatrixResponse } from '../permission-matrix.ts';
import type { RequestOptions } from '../test-app.ts';
import type { AccessEntry, Cell } from './access-table.ts';
import { type Account, type Credentials, type Role, ROLES, type World } from './access-world.ts';

/** An entry in its long form. */
function entryOf(entry: AccessEntry): Exclude<AccessEntry, string> {
  return typeof entry === 'string' ? { expect: entry } : entry;
}

/** The expected statuses of an entry, one per role. */
export function expectedOf(entry: AccessEntry): string[] {
  return entryOf(entry).expect.split(' ');
}

/**
 * `GET /groups/[slug]` is a page; `GET /api/v1/...`, `/healthz` and the catch-alls (`GET *`) are
 * served by Fastify.
 */
export function isPage(route: string): boolean {
  const p = route.split(' ')[1] ?? '';
  return p !== '*' && !/^\/(?:api|healthz|readyz|metrics)(?:\/|$)/.test(p);
}

/** A feed: a calendar, an Atom feed, or a CSV download. */
export function isFeed(route: string): boolean {
  return /\.(?:ics|atom|csv)$/.test(route);
}

/**
 * The page routes of the web UI, read from the file system: `GET <route id>` for every directory
 * with a `+page.svelte`, and each exported method of a `+server.ts`.
 */
export function pageRoutes(dir = path.resolve('src/web/routes')): string[] {
  const routes: string[] = [];
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const id = `/${path.dirname(file)}`.replace(/\/\.$/, '/').replace(/\/\([^)]+\)/g, '');
    const name = path.basename(file);
    if (name === '+page.svelte') routes.push(`GET ${id === '/.' ? '/' : id}`);
    if (name === '+server.ts') routes.push(`ANY ${id}`);
  }
  return routes;
}

const insertedUser = async (w: World) => insertUser(w.t.testDb.db, `access-${randomUUID()}`);

/**
 * The value of a path parameter, by the segment before it (and for meetings, what the route does
 * with it: the live room asks the running meeting, feedback the past one, publish the draft).
 */
async function paramValue(route: string, prev: string, name: string, c: Cell): Promise<string> {
  const { g, w } = c;
  const caller = c.as ?? w.accounts.member;
  const key = `${prev}/${name}`;
  switch (key) {
    case 'groups/slug':
    case 'chat/groupSlug':
      return g.slug;
    case 'chapters/groupSlug':
      // Taking a chapter out of a network needs it in first.
      if (route.startsWith('DELETE')) await w.chapter(g);
      return g.slug;
    case 'networks/slug':
      return w.network();
    case 'events/id':
      if (/\/(?:room|questions|hands|kudos)/.test(route)) return g.running();
      if (/\/(?:feedback|no-shows)/.test(route)) return g.past();
      if (/\/publish$/.test(route)) return g.draft();
      return g.event();
    case 'venues/id':
      return g.venue();
    case 'sponsors/id':
      return g.sponsor();
    case 'speakers/id':
      return g.speaker();
    case 'series/id':
      return g.series();
    case 'polls/id':
      if (/^(?:PATCH|DELETE) |\/open$/.test(route)) return g.draftPoll();
      return (await g.poll()).id;
    case 'posts/id':
    case 'board/id':
      return g.post();
    case 'comments/id':
      return g.postComment();
    case 'comments/commentId':
      return g.topicComment();
    case 'topics/id':
      return /\/discussed$/.test(route) ? g.scheduledTopic() : g.topic();
    case 'votes/topicId':
      return g.topic();
    case 'talks/id':
      return g.talk();
    case 'rounds/id':
      return /\/override$/.test(route) ? g.closedRound() : g.round();
    case 'webhooks/id':
      return g.webhook();
    case 'reports/id':
      return /\/reopen$/.test(route) ? g.resolvedReport() : g.report();
    case 'questions/id':
      return /\/upvote$/.test(route) ? g.otherQuestion() : g.question();
    case 'hands/id':
      return g.hand();
    case 'feedback/feedbackId':
      return g.feedback();
    case 'reactions/reaction':
      return 'thumbs_up';
    case 'members/userId':
    case 'quiet/userId':
      return g.target();
    case 'requests/userId':
      return g.applicant();
    case 'check-ins/userId':
      return w.accounts.member.id;
    case 'people/handle':
      return w.accounts.member.handle;
    case 'links/token':
      return g.chatLink();
    case 'invitations/token':
      return g.invitation();
    case 'calendar/secret':
      return w.calendarSecret();
    case 'sessions/id': {
      // A second session of the caller's (or the member's), ended by the request. A suspended
      // account cannot log in: it asks about a session that is not there.
      const loggedIn = await w.t.logIn(caller.email).catch(() => null);
      if (loggedIn === null) return randomUUID();
      const row = await w.t.testDb.db.kysely
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', caller.id)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      return row.id;
    }
    case 'tokens/id':
      return (await createToken(w.t.testDb.db, caller.id, { name: 'To end', scope: 'read' })).token
        .id;
    case 'notifications/id':
      return w.notification(caller.id);
    case 'users/id':
      return insertedUser(w);
    default:
      throw new Error(`access table: no value for the parameter ${name} after ${prev} in ${route}`);
  }
}

/** The URL of a route for a cell: parameters filled, catch-alls asked with a path nobody serves. */
export async function pathOf(route: string, c: Cell): Promise<string> {
  const template = route.split(' ')[1] ?? '';
  const segments = template.split('/');
  const out: string[] = [];
  for (const [i, segment] of segments.entries()) {
    const m = /^(?::(\w+)|\[(\w+)\])(.*)$/.exec(segment);
    if (segment === '*') out.push('api/v1/no-such-path');
    else if (!m) out.push(segment);
    else {
      const value = await paramValue(route, segments[i - 1] ?? '', m[1] ?? m[2] ?? '', c);
      out.push(encodeURIComponent(value) + (m[3] ?? ''));
    }
  }
  return out.join('/');
}

/** The request of a cell, without its credentials. */
export async function requestOf(
  route: string,
  entry: AccessEntry,
  c: Cell
): Promise<Omit<RequestOptions, 'cookie' | 'token'>> {
  const e = entryOf(entry);
  // OPTIONS only on the catch-all; inject asks it as any other method.
  const method = route.split(' ')[0] as RequestOptions['method'];
  const body: unknown = typeof e.body === 'function' ? await e.body(c) : e.body;
  const query = typeof e.query === 'function' ? await e.query(c) : (e.query ?? '');
  return {
    method,
    url: (await pathOf(route, c)) + query,
    ...(body !== undefined ? { body } : {}),
    headers: { host: 'guildhall.test' }
  };
}

/**
 * Asks a Server-Sent Events stream (which never ends): its status and headers, then hangs up.
 * A denial is read whole.
 */
async function askStream(w: World, url: string, credentials: Credentials): Promise<MatrixResponse> {
  const headers: Record<string, string> = {};
  if (credentials.cookie) headers.cookie = credentials.cookie;
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  const res = await w.t.app.inject({ method: 'GET', url, headers, payloadAsStream: true });
  const stream = res.stream();
  let body = '';
  if (res.statusCode === 200) stream.destroy();
  else for await (const chunk of stream) body += String(chunk);
  return {
    statusCode: res.statusCode,
    headers: res.headers,
    body,
    json: () => JSON.parse(body) as never
  };
}

/** What one cell got, and why it is wrong (empty when right). */
export interface CellResult {
  status: number;
  wrong: string | null;
}

/**
 * Asks one cell: in the shared group, or for an allowed write in a fresh group (as a fresh
 * account of the role with `own`). Checks the status, that an API denial is problem+json, and
 * that a page's redirect goes to the log-in page.
 */
export async function askCell(
  w: World,
  route: string,
  entry: AccessEntry,
  role: Role
): Promise<CellResult> {
  const expected = expectedOf(entry)[ROLES.indexOf(role)] ?? '?';
  const method = route.split(' ')[0];
  // Anything but an expected denial is asked afresh (a wrong allowance then harms no other cell).
  const allowedWrite = method !== 'GET' && !/^4/.test(expected);
  // Writes to one's own account or the instance's settings need no group of their own.
  const groupless = /^\S+ \/api\/v1\/(?:auth|me|admin)\/[^:]*$/.test(route);
  const g = allowedWrite && !groupless ? await w.freshGroup() : w.shared;
  let as: Account | null = role === 'anonymous' ? null : w.accounts[role];
  if (allowedWrite && entryOf(entry).own) as = await w.freshAccount(role, g);
  const request = await requestOf(route, entry, { g, w, as });
  const res: MatrixResponse = route.endsWith('/stream')
    ? await askStream(w, request.url, as?.credentials ?? {})
    : await w.t.request({ ...request, ...(as?.credentials ?? {}) });
  const status = res.statusCode;
  const problems: string[] = [];
  if (String(status) !== expected) {
    problems.push(`expected ${expected}, got ${status} ${res.body.slice(0, 200)}`);
  }
  if (status >= 500) problems.push(res.body.slice(0, 300));
  if (status >= 400 && !isPage(route)) {
    const type = res.headers['content-type'] ?? '';
    if (!type.startsWith('application/problem+json')) problems.push(`not problem+json`);
  }
  if (status === 303 && isPage(route)) {
    const location = res.headers.location ?? '';
    const to = entryOf(entry).redirect ?? '/log-in';
    if (location.split('?')[0] !== to) problems.push(`redirects to ${location}`);
  }
  return { status, wrong: problems.length > 0 ? problems.join('; ') : null };
}
