import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { type Config, loadConfig } from '../config/config.ts';
import type { Dialect } from '../db/database.ts';
import { buildApp } from '../http/app.ts';
import type { AppContext, Limits } from '../http/context.ts';
import { createRealtime } from '../jobs/realtime.ts';
import { upsertVerifiedAccount } from '../services/account.service.ts';
import { createToken, type TokenScope } from '../services/token.service.ts';
import { afterAll, beforeAll, describe } from 'vitest';
import { RecordingQueue } from './recording-queue.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './test-database.ts';

export const BASE_URL = 'http://guildhall.test';
export const PASSWORD = 'plum-tree-harbour-42';

export { RecordingQueue };

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  /** A session cookie header (from `logIn`). Writes also send our Origin, as browsers do. */
  cookie?: string;
  /** A personal API token secret. */
  token?: string;
  headers?: Record<string, string>;
  ip?: string;
}

/** A Guildhall HTTP app over a fresh database of the given dialect, without listening. */
export interface TestApp {
  app: FastifyInstance;
  context: AppContext;
  testDb: TestDatabase;
  queue: RecordingQueue;
  config: Config;
  request(options: RequestOptions): Promise<LightMyRequestResponse>;
  /** Creates a verified account (factory) and returns its id and email. */
  buildUser(options?: {
    email?: string;
    name?: string;
    admin?: boolean;
  }): Promise<{ id: string; email: string }>;
  /** Logs in over HTTP and returns the Cookie header for later requests. */
  logIn(email: string, password?: string): Promise<string>;
  /** Creates an API token for the user directly and returns its secret. */
  buildToken(userId: string, scope: TokenScope): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Builds a test app. Generous rate limits unless `limits` says otherwise; pages too when
 * `options.webBuildDir` names the web UI's build (`npx vite build`).
 */
export async function createTestApp(
  dialect: Dialect,
  limits?: Partial<Limits>,
  options: { baseUrl?: string; webBuildDir?: string } = {}
): Promise<TestApp> {
  const testDb = await createTestDatabase(dialect);
  const config = loadConfig({
    DATA_DIR: testDb.dataDir,
    BASE_URL: options.baseUrl ?? BASE_URL,
    NODE_ENV: 'test',
    SECRET: 'x'.repeat(40)
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const queue = new RecordingQueue();
  const generous = { max: 10_000, windowMs: 60_000 };
  const { app, context } = await buildApp({
    config,
    db: testDb.db,
    queue,
    logger,
    webBuildDir: options.webBuildDir ?? false,
    realtime: await createRealtime({ dialect, databaseUrl: testDb.url }),
    limits: { signUp: generous, logIn: generous, recovery: generous, ...limits }
  });
  await app.ready();

  const request = (o: RequestOptions) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.cookie) headers.cookie = o.cookie;
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.method !== 'GET' && headers.origin === undefined) headers.origin = config.baseUrl;
    return app.inject({
      method: o.method,
      url: o.url,
      headers,
      ...(o.body !== undefined ? { payload: o.body as Record<string, unknown> } : {}),
      ...(o.ip ? { remoteAddress: o.ip } : {})
    });
  };

  return {
    app,
    context,
    testDb,
    queue,
    config,
    request,
    async buildUser(options = {}) {
      counter += 1;
      const email = options.email ?? `member${counter}-${Date.now()}@example.com`;
      const { id } = await upsertVerifiedAccount(context.auth, testDb.db, {
        email,
        name: options.name ?? `Member ${counter}`,
        password: PASSWORD,
        admin: options.admin ?? false
      });
      return { id, email };
    },
    async logIn(email, password = PASSWORD) {
      const res = await request({
        method: 'POST',
        url: '/api/v1/auth/log-in',
        body: { email, password }
      });
      if (res.statusCode !== 200) throw new Error(`log-in failed: ${res.statusCode} ${res.body}`);
      return sessionCookie(res);
    },
    async buildToken(userId, scope) {
      return (await createToken(testDb.db, userId, { name: `${scope} token`, scope })).secret;
    },
    async close() {
      await app.close();
      await testDb.dispose();
    }
  };
}

/** The `name=value` pair of the session cookie a response sets, for a Cookie header. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const cookie = res.cookies.find((c) => c.name.endsWith('session_token'));
  if (!cookie) throw new Error('no session cookie set');
  return `${cookie.name}=${cookie.value}`;
}

/**
 * Declares a test suite once per dialect (SQLite, and PostgreSQL when available), each with its own
 * fresh app and database. The body reads the current app through `app()`.
 *
 * @example
 * describeWithApp('tokens', (app) => {
 *   it('lists none', async () => { expect((await app().request({ method: 'GET', url: '/api/v1/me/tokens' })).statusCode).toBe(401); });
 * });
 */
export function describeWithApp(
  title: string,
  body: (app: () => TestApp, dialect: Dialect) => void,
  limits?: Partial<Limits>
): void {
  for (const dialect of testDialects()) {
    describe(`${title} (${dialect})`, () => {
      let current: TestApp | undefined;
      beforeAll(async () => {
        current = await createTestApp(dialect, limits);
      });
      afterAll(async () => {
        await current?.close();
      });
      body(() => {
        if (!current) throw new Error('test app not started');
        return current;
      }, dialect);
    });
  }
}
