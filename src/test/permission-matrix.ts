import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect, it } from 'vitest';
import { type GroupKindCase, KINDS } from './personas.ts';
import type { RequestOptions, TestApp } from './test-app.ts';

/**
 * A permission matrix: expected statuses per endpoint name, one row per group kind (in the order
 * of KINDS), each row the statuses per column, space-separated (`'200 404 …'`).
 */
export type Matrix = Record<string, readonly [string, string, string]>;

/** What a matrix cell's answer offers to checks: an injected response, or one read off a socket. */
export type MatrixResponse = Pick<
  LightMyRequestResponse,
  'statusCode' | 'headers' | 'body' | 'json'
>;

/** One endpoint of a permission matrix, on a fixture `F`, asked by columns `C`. */
export interface MatrixEndpoint<F, C extends string = string> {
  /** The route as the app registers it: `METHOD /api/v1/...`. */
  route: string;
  /** The request, without credentials (the column adds them). */
  request(f: F): Omit<RequestOptions, 'cookie' | 'token'>;
  /** Run before the request, as the column's user (null: anonymous). Gets a fresh fixture. */
  prepare?(f: F, userId: string | null): Promise<void>;
  /** What a 2xx answer holds. */
  check?(f: F, res: MatrixResponse, column: C): void;
  /** What an allowed write changed (required for every allowed write). */
  effect?(f: F, userId: string): Promise<void>;
}

/** How a test file builds, asks and inspects its matrix' cells. */
export interface MatrixHooks<F, C extends string, E extends MatrixEndpoint<F, C>> {
  /** The current test app (as `describeWithApp` hands it). */
  app: () => TestApp;
  /** The columns, in the order of the matrix' rows. */
  columns: readonly C[];
  /** A group of `kind` with what `endpoint` needs. */
  fixture(kind: GroupKindCase, endpoint: E): Promise<F>;
  /** Everything a write could change about the fixture, to compare before and after. */
  snapshot(f: F): Promise<unknown>;
  /** The user a column acts as (null: anonymous). */
  userOf(column: C): string | null;
  /** The credentials of a column's request (the default `send` adds them). */
  credentials?(column: C): Pick<RequestOptions, 'cookie' | 'token'>;
  /** Makes a cell's request; by default `app().request` with the column's credentials. */
  send?(endpoint: E, f: F, column: C): Promise<MatrixResponse>;
  /**
   * Whether each cell of `endpoint` gets its own fixture. By default writes and endpoints with
   * `prepare` do, so nothing leaks between cells; reads share one fixture per group kind.
   */
  fresh?(endpoint: E): boolean;
}

/** `GET` of `GET /api/v1/...`. */
function methodOf(endpoint: MatrixEndpoint<never, never>): string {
  return endpoint.route.split(' ')[0] ?? '';
}

/**
 * Asks `endpoint` as every column on a group of every kind, and expects the statuses of `rows`.
 * A denial must be problem+json; an answer passes `check`; an allowed write passes `effect`, and
 * anything else leaves the fixture's `snapshot` unchanged. Wrong cells are collected, so one run
 * shows them all; a 5xx throws at once.
 *
 * @example
 * for (const [name, rows] of Object.entries(MATRIX)) {
 *   it(`${name}: allows and denies exactly as the matrix says`, async () => {
 *     await checkMatrixRow(name, rows, ENDPOINTS[name], {
 *       app,
 *       columns: PERSONAS,
 *       fixture: (kind) => fixture(kind),
 *       snapshot,
 *       userOf: (p) => (p === 'anonymous' ? null : users[p].id),
 *       credentials: (p) => sessionOf(users, p)
 *     });
 *   });
 * }
 */
export async function checkMatrixRow<F, C extends string, E extends MatrixEndpoint<F, C>>(
  name: string,
  rows: readonly string[],
  endpoint: E | undefined,
  hooks: MatrixHooks<F, C, E>
): Promise<void> {
  if (!endpoint) throw new Error(`no request for ${name}`);
  const method = methodOf(endpoint);
  const fresh = hooks.fresh?.(endpoint) ?? (method !== 'GET' || endpoint.prepare !== undefined);
  const send = (e: E, f: F, column: C): Promise<MatrixResponse> =>
    hooks.send
      ? hooks.send(e, f, column)
      : hooks.app().request({ ...e.request(f), ...hooks.credentials?.(column) });
  const statuses: string[] = [];
  /** Answers and effects that were not as expected, by cell, so one run shows them all. */
  const wrong: string[] = [];
  for (const kind of KINDS) {
    const row: number[] = [];
    let shared: F | undefined;
    for (const column of hooks.columns) {
      const f = fresh || shared === undefined ? await hooks.fixture(kind, endpoint) : shared;
      if (!fresh) shared = f;
      const userId = hooks.userOf(column);
      await endpoint.prepare?.(f, userId);
      const before = await hooks.snapshot(f);
      const res = await send(endpoint, f, column);
      const label = `${name} ${kind.visibility} ${column}`;
      if (res.statusCode >= 500) throw new Error(`${label}: ${res.body}`);
      row.push(res.statusCode);
      const allowed = res.statusCode < 400;
      try {
        if (!allowed) {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        } else {
          endpoint.check?.(f, res, column);
        }
        if (allowed && method !== 'GET') {
          if (!userId || !endpoint.effect) throw new Error('allowed without an effect check');
          await endpoint.effect(f, userId);
        } else {
          expect(await hooks.snapshot(f), 'nothing changed').toEqual(before);
        }
      } catch (error) {
        wrong.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    statuses.push(row.join(' '));
  }
  expect({ statuses, wrong }).toEqual({ statuses: rows, wrong: [] });
}

/**
 * Declares one test per matrix row, `<name>: allows and denies exactly as the matrix says`, each
 * running `checkMatrixRow` with the endpoint of the same name.
 */
export function itChecksMatrix<F, C extends string, E extends MatrixEndpoint<F, C>>(
  matrix: Matrix,
  endpoints: Record<string, E>,
  hooks: MatrixHooks<F, C, E>,
  timeout?: number
): void {
  for (const [name, rows] of Object.entries(matrix)) {
    it(
      `${name}: allows and denies exactly as the matrix says`,
      () => checkMatrixRow(name, rows, endpoints[name], hooks),
      timeout
    );
  }
}

/** Every (method, path) the app serves, from its route tree (HEAD is added by Fastify). */
export function servedRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (m[2] ?? '');
    stack.length = depth;
    stack.push(path);
    for (const method of m[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

/**
 * Expects a matrix row for every endpoint and back, and that the endpoints cover exactly the
 * routes the app serves that match `served` (at least `atLeast` of them, to know the tree was read).
 */
export function expectMatrixCoversRoutes(
  app: FastifyInstance,
  matrix: Matrix,
  endpoints: Record<string, { route: string }>,
  served: { match: RegExp; atLeast: number }
): void {
  expect(Object.keys(endpoints).sort()).toEqual(Object.keys(matrix).sort());
  const routes = servedRoutes(app).filter((r) => served.match.test(r));
  expect(routes.length).toBeGreaterThanOrEqual(served.atLeast); // the route tree was read
  const covered = new Set(Object.values(endpoints).map((e) => e.route));
  expect(routes.filter((r) => !covered.has(r)).sort(), 'routes without a row').toEqual([]);
  expect([...covered].filter((r) => !routes.includes(r)).sort(), 'rows of no route').toEqual([]);
}
