import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Realtime } from '../jobs/realtime.ts';
import type { Auth } from '../services/auth.ts';

/** A rate limit: at most `max` requests per `windowMs` from one client IP. */
export interface Limit {
  max: number;
  windowMs: number;
}

/** Rate limits of the account endpoints that an attacker would hammer. */
export interface Limits {
  signUp: Limit;
  logIn: Limit;
  /** Forgot / reset password and resending the verification mail. */
  recovery: Limit;
}

export const DEFAULT_LIMITS: Limits = {
  signUp: { max: 10, windowMs: 15 * 60_000 },
  logIn: { max: 10, windowMs: 5 * 60_000 },
  recovery: { max: 5, windowMs: 15 * 60_000 }
};

/** What route plugins receive: the process's services, built once in `buildApp`. */
export interface AppContext {
  config: Config;
  db: Db;
  auth: Auth;
  queue: JobQueue;
  /** Live updates (voting tallies) across app nodes. */
  realtime: Realtime;
  internalToken: string;
  limits: Limits;
}
