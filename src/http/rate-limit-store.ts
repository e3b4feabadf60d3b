import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { AppContext } from './context.ts';

/**
 * Where rate-limit counters live. Work in progress (issue 9): on PostgreSQL they are shared by
 * every app node; on SQLite (one process) they stay in memory.
 */
export function rateLimitBackend(_context: AppContext): Partial<RateLimitPluginOptions> {
  return {};
}
