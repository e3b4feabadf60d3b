import type { FastifyInstance, RouteHandlerMethod, RouteOptions } from 'fastify';

/** Where the API reference page lives. */
export const API_DOCS_PREFIX = '/api/docs';

/** What the reference page reads: the OpenAPI document the API serves. */
const CONFIGURATION = { url: '/api/v1/openapi.json', title: 'Guildhall API' };

/**
 * The routes the Scalar plugin registers for a `url` configuration: the page, its script and (when
 * trailing slashes matter) the redirect from the bare prefix to the page.
 */
function docsUrls(app: FastifyInstance): string[] {
  const config = app.initialConfig as {
    ignoreTrailingSlash?: boolean;
    routerOptions?: { ignoreTrailingSlash?: boolean };
  };
  const ignoresSlash =
    config.routerOptions?.ignoreTrailingSlash === true || config.ignoreTrailingSlash === true;
  return [
    ...(ignoresSlash ? [] : [API_DOCS_PREFIX]),
    `${API_DOCS_PREFIX}/`,
    `${API_DOCS_PREFIX}/js/scalar.js`
  ];
}

/**
 * Lets the Scalar plugin register its routes on a stand-in and keeps their handlers by URL, so the
 * real routes can call exactly the handlers the plugin would have installed.
 */
async function loadScalarHandlers(app: FastifyInstance): Promise<Map<string, RouteHandlerMethod>> {
  const { default: scalar } = await import('@scalar/fastify-api-reference');
  const handlers = new Map<string, RouteHandlerMethod>();
  const standIn = {
    initialConfig: app.initialConfig,
    log: app.log,
    hasPlugin: (name: string) => app.hasPlugin(name),
    route: (options: RouteOptions) => {
      handlers.set(options.url, options.handler);
    }
  };
  await new Promise<void>((resolve, reject) => {
    // The plugin is synchronous and callback-style; a stand-in is all it touches.
    (
      scalar as unknown as (
        instance: unknown,
        options: unknown,
        next: (error?: Error) => void
      ) => void
    )(standIn, { routePrefix: API_DOCS_PREFIX, configuration: CONFIGURATION }, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  return handlers;
}

/**
 * Serves the Scalar API reference at /api/docs. The Scalar bundle is a 5 MB module (the whole
 * browser app as one string) that costs ~25 MB of memory once loaded, and almost no request ever
 * needs it, so it is imported on the first request to the docs rather than at start-up. The routes,
 * responses and headers are exactly those of `@scalar/fastify-api-reference`.
 *
 * @example
 * registerApiDocs(app); // GET /api/docs/ → the reference page for /api/v1/openapi.json
 */
export function registerApiDocs(app: FastifyInstance): void {
  let loading: Promise<Map<string, RouteHandlerMethod>> | undefined;
  for (const url of docsUrls(app)) {
    app.route({
      method: 'GET',
      url,
      schema: { hide: true },
      async handler(request, reply) {
        loading ??= loadScalarHandlers(app).catch((error: unknown) => {
          loading = undefined; // a failed import is retried on the next request
          throw error;
        });
        const handler = (await loading).get(url);
        if (!handler) throw new Error(`the API reference plugin has no route ${url}`);
        return handler.call(this, request, reply);
      }
    });
  }
}
