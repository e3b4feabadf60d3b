import { existsSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { createRealtime, type Realtime } from '../jobs/realtime.ts';
import { createAuth } from '../services/auth.ts';
import { registerApiDocs } from './api-docs.ts';
import { registerCaller } from './caller.ts';
import { type AppContext, DEFAULT_LIMITS, type Limits } from './context.ts';
import { registerErrorHandling } from './error-handler.ts';
import { Problem, problemSchema } from './problem.ts';
import { registerApiRoutes } from './routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { registerHttpCaching } from './http-cache.ts';
import { registerMetrics } from './metrics.ts';
import { rateLimitBackend } from './rate-limit-store.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  queue: JobQueue;
  logger: Logger;
  limits?: Partial<Limits>;
  /**
   * The realtime fan-out; by default one for the database (in-process on SQLite, LISTEN/NOTIFY on
   * PostgreSQL through config.databaseUrl). Either way the app closes it when it closes.
   */
  realtime?: Realtime;
  /** Where the SvelteKit build lives; pages are mounted when `<webBuildDir>/handler.js` exists. */
  webBuildDir?: string | false;
}

/** Largest request body the API accepts (profile texts are the biggest today). */
export const BODY_LIMIT = 64 * 1024;

/**
 * Builds the whole HTTP server: API under /api/v1, OpenAPI and docs, health checks, and the web
 * pages. Listening, jobs and shutdown are the caller's business (see cli/start.ts).
 */
export async function buildApp(
  deps: AppDeps
): Promise<{ app: FastifyInstance; context: AppContext }> {
  const { config, db, queue, logger } = deps;
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle'
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const internalToken = randomBytes(32).toString('hex');
  const auth = createAuth({ config, db, queue, logger });
  const realtime =
    deps.realtime ??
    (await createRealtime({ dialect: db.dialect, databaseUrl: config.databaseUrl, logger }));
  app.addHook('onClose', async () => {
    await realtime.close();
  });
  const context: AppContext = {
    config,
    db,
    auth,
    queue,
    realtime,
    internalToken,
    limits: { ...DEFAULT_LIMITS, ...deps.limits }
  };

  // While shutting down, answers in flight close their keep-alive connection so close() can finish.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (closing) void reply.header('connection', 'close');
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/docs')) {
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    }
  });

  await app.register(helmet, {
    contentSecurityPolicy: false, // pages get a nonce CSP from SvelteKit, API responses set their own
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
    hsts: config.baseUrl.startsWith('https://')
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false, ...rateLimitBackend(context) });
  await registerHttpCaching(app, context);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Guildhall API',
        version: '1',
        description:
          'The public API of Guildhall: everything the web pages do, scripts can do too. Errors are RFC 9457 problem+json with per-field `errors`.'
      },
      servers: [{ url: config.baseUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (gh_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'guildhall.session_token' }
        }
      },
      security: [{ bearer: [] }, { session: [] }]
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject
  });

  // Any route that validates its input can answer 400: say so in its documented responses.
  app.addHook('onRoute', (route) => {
    const schema = route.schema;
    if (!schema || !(schema.params ?? schema.querystring ?? schema.body ?? schema.headers)) return;
    const responses = (schema.response ?? {}) as Record<number | string, unknown>;
    if (!(400 in responses)) schema.response = { ...responses, 400: problemSchema };
  });

  registerErrorHandling(app);
  registerCaller(app, { db, auth, baseUrl: config.baseUrl, internalToken });

  // An empty body on a route that expects one is validated as {} so every missing field is named.
  // A JSON `null` is a body of the wrong type, not an empty one: it is validated as sent (a 400).
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.schema?.body && request.body === undefined) request.body = {};
  });

  await app.register(healthRoutes, context);
  await registerMetrics(app, context, { token: config.metricsToken });
  await app.register(
    async (api) => {
      api.removeContentTypeParser('text/plain'); // the API speaks JSON only: anything else is a 415
      await registerApiRoutes(api, context);
      api.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
      api.all('/*', { schema: { hide: true } }, () => {
        throw new Problem('not-found');
      });
    },
    { prefix: '/api/v1' }
  );
  registerApiDocs(app);
  app.all('/api/*', { schema: { hide: true } }, () => {
    throw new Problem('not-found');
  });

  const buildDir = deps.webBuildDir ?? path.resolve('build');
  if (buildDir !== false && existsSync(path.join(buildDir, 'handler.js'))) {
    const { mountWeb } = await import('./web-mount.ts');
    await mountWeb(app, { internalToken, buildDir });
  }

  return { app, context };
}
