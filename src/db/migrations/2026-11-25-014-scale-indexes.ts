import type { Kysely } from 'kysely';

// Indexes for the hot queries that the EXPLAIN check found without one (issue 9).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(_db: Kysely<any>): Promise<void> {
  // Filled in by the issue 9 work.
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(_db: Kysely<any>): Promise<void> {
  // Filled in by the issue 9 work.
}
