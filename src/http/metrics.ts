import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';

/**
 * Prometheus metrics at `/metrics`. Work in progress (issue 9): the request histogram by route,
 * queue depth, SSE clients and the database pool land here.
 */
export async function registerMetrics(_app: FastifyInstance, _context: AppContext): Promise<void> {
  // Filled in by the metrics work.
}
