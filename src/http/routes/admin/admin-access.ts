import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../../db/database.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { callerOf } from '../../caller.ts';
import { Problem } from '../../problem.ts';

/**
 * A preHandler for the routes of instance admins: 401 without a caller, 404 to everyone else (the
 * admin area is not there for them, like a hidden group).
 *
 * @example
 * app.addHook('preHandler', adminOnly(db));
 */
export function adminOnly(db: Db) {
  return async (request: FastifyRequest): Promise<void> => {
    const me = request.caller ? await getProfile(db, callerOf(request).userId) : undefined;
    if (!me?.isAdmin) throw new Problem(request.caller ? 'not-found' : 'unauthorized');
  };
}

/** The query fields of the admin area's lists: `limit` rows from `offset`. */
export const adminPage = {
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50)
};
