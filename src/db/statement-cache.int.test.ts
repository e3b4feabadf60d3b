import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';

// The SQLite connection keeps its prepared statements (database.ts): a statement runs again
// without being prepared again, also after a stream of it was abandoned half way. SQLite only:
// PostgreSQL's driver prepares nothing on our side.
describe('SQLite statement cache', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase('sqlite');
    await sql`create table cache_probe (id integer primary key)`.execute(test.db.kysely);
    for (let id = 1; id <= 5; id++) {
      await sql`insert into cache_probe (id) values (${id})`.execute(test.db.kysely);
    }
  });

  afterAll(async () => {
    await test.dispose();
  });

  const ids = () => sql<{ id: number }>`select id from cache_probe order by id`;

  it('prepares a statement once however often it runs', async () => {
    const sqlite = test.db.sqlite;
    if (!sqlite) throw new Error('not SQLite');
    const prepare = vi.spyOn(sqlite, 'prepare');
    try {
      for (let i = 0; i < 5; i++) {
        const { rows } = await ids().execute(test.db.kysely);
        expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
      }
      const prepared = prepare.mock.calls.filter(([text]) => text.includes('cache_probe'));
      expect(prepared.length).toBeLessThanOrEqual(1);
    } finally {
      prepare.mockRestore();
    }
  });

  it('runs a statement again after a stream of it was left half read', async () => {
    const query = test.db.kysely.selectFrom('cache_probe' as never).select('id' as never);
    const seen: number[] = [];
    for await (const row of query.stream(1)) {
      seen.push((row as { id: number }).id);
      if (seen.length === 2) break; // abandoning the stream resets its statement
    }
    expect(seen).toEqual([1, 2]);
    const again = await query.execute();
    expect(again.map((r) => (r as { id: number }).id)).toEqual([1, 2, 3, 4, 5]);
    const all: number[] = [];
    for await (const row of query.stream(2)) all.push((row as { id: number }).id);
    expect(all).toEqual([1, 2, 3, 4, 5]);
  });
});
