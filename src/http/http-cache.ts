import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';

/**
 * HTTP caching and compression of API responses and feeds. Work in progress (issue 9): ETag,
 * Cache-Control and compression land here.
 */
export async function registerHttpCaching(
  _app: FastifyInstance,
  _context: AppContext
): Promise<void> {
  // Filled in by the caching work.
}
