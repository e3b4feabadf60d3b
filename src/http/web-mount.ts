import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { Realtime } from '../jobs/realtime.ts';
import type {
  ApiBridge,
  ApiInjectRequest,
  ApiInjectResponse
} from '../web/lib/server/api-bridge.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The `globalThis` slot `src/web/lib/server/api-bridge.ts` reads (Kit bundles its own copy of src). */
const API_BRIDGE_KEY = Symbol.for('guildhall.api');

/** Header that carries Fastify's idea of the client address to Kit's `getClientAddress()`. */
const CLIENT_ADDRESS_HEADER = 'x-guildhall-web-client-address';

/** Paths that belong to the server, never to the pages. */
const SERVER_PATHS = /^\/(?:api|healthz|readyz)(?:[/?]|$)/;

const PAGE_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const INJECT_METHODS = new Set<string>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

function isInjectMethod(method: string): method is HTTPMethods {
  return INJECT_METHODS.has(method);
}

function isNodeHandler(value: unknown): value is NodeHandler {
  return typeof value === 'function';
}

/**
 * Mounts the SvelteKit pages (adapter-node's `handler.js` in `buildDir`) on `app`, behind every
 * route registered before it (`/api/*`, `/healthz`, `/readyz`), and opens the in-process door
 * through which the pages' server code calls the API. Returns false, mounting nothing, when there
 * is no build.
 *
 * @example
 * if (!(await mountWeb(app, { internalToken, buildDir: path.resolve('build') }))) {
 *   app.log.warn('no web build: run `npm run build`');
 * }
 */
export async function mountWeb(
  app: FastifyInstance,
  options: { internalToken: string; buildDir: string; realtime?: Realtime }
): Promise<boolean> {
  const handlerFile = path.join(options.buildDir, 'handler.js');
  if (!existsSync(handlerFile)) return false;

  // adapter-node reads these once, when handler.js loads (vite.config.ts sets the prefix). The
  // origin comes from the protocol we put in x-forwarded-proto and the Host header, the client
  // address from Fastify (which honours its trustProxy setting).
  process.env.GUILDHALL_WEB_PROTOCOL_HEADER = 'x-forwarded-proto';
  process.env.GUILDHALL_WEB_ADDRESS_HEADER = CLIENT_ADDRESS_HEADER;
  const module = (await import(pathToFileURL(handlerFile).href)) as Record<string, unknown>;
  const handler = module.handler;
  if (!isNodeHandler(handler)) throw new Error(`${handlerFile} does not export a handler`);

  const bridge: ApiBridge = {
    internalToken: options.internalToken,
    inject: async (request: ApiInjectRequest): Promise<ApiInjectResponse> => {
      if (!isInjectMethod(request.method)) {
        return { statusCode: 405, headers: {}, rawPayload: Buffer.alloc(0) };
      }
      const response = await app.inject({
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(request.payload ? { payload: request.payload } : {})
      });
      return {
        statusCode: response.statusCode,
        headers: response.headers,
        rawPayload: response.rawPayload
      };
    }
  };
  (globalThis as Record<symbol, unknown>)[API_BRIDGE_KEY] = bridge;

  await app.register(async (pages) => {
    // SvelteKit reads request bodies itself: leave them unread (otherwise form posts get a 415).
    pages.removeAllContentTypeParsers();
    pages.addContentTypeParser('*', (_request, _payload, done) => {
      done(null);
    });

    pages.route({
      method: PAGE_METHODS,
      url: '/*',
      schema: { hide: true },
      handler: (request, reply) => {
        if (SERVER_PATHS.test(request.url)) {
          reply.callNotFound();
          return;
        }
        const raw = request.raw;
        raw.headers['x-forwarded-proto'] = request.protocol;
        raw.headers[CLIENT_ADDRESS_HEADER] = request.ip;
        reply.hijack();
        try {
          handler(raw, reply.raw, () => {
            if (!reply.raw.headersSent) reply.raw.statusCode = 404;
            reply.raw.end();
          });
        } catch (error) {
          request.log.error({ err: error }, 'web page handler failed');
          if (!reply.raw.headersSent) reply.raw.statusCode = 500;
          reply.raw.end();
        }
      }
    });
  });
  return true;
}
