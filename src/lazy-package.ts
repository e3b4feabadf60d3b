import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded on first use instead of at start-up, for what only some deployments or rare
 * requests need: node-postgres and pg-boss on SQLite, nodemailer until the first mail, the
 * common-password list until the first new password, the outbound-fetch filter until the first
 * link preview or webhook. Each costs 10–30 MB of resident memory once loaded, whether it is used
 * or not. Node loads ES modules this way too (`require(esm)`), as long as they have no top-level
 * await.
 *
 * @example
 * import type pg from 'pg';
 * const pgModule = lazyPackage<typeof pg>('pg');
 * const pool = new (pgModule().Pool)({ connectionString });
 */
// T is what the caller declares the package to be (its `typeof import`), hence used once.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
