import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { openDatabase, type Db } from './database.ts';

// PostgreSQL may drop a pooled connection while it sits idle (a restart, a failover, an idle
// timeout). The pool must tell us and go on with a new connection, not crash the process; and a
// closed Db has closed its connections, so dropping its database right after cuts nothing.
describe.runIf(process.env.GUILDHALL_TEST_PG_URL)('PostgreSQL connections', () => {
  let test: TestDatabase;
  let admin: pg.Client;

  beforeAll(async () => {
    test = await createTestDatabase('postgres');
    admin = new pg.Client({ connectionString: process.env.GUILDHALL_TEST_PG_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
    await test.dispose();
  });

  const backendsOf = async (name: string) =>
    (
      await admin.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name]
      )
    ).rows.map((r) => r.pid);

  const databaseName = () => new URL(test.url).pathname.slice(1);

  it('reports an idle connection the server dropped and serves the next query', async () => {
    const lost: Error[] = [];
    const db: Db = openDatabase({
      dialect: 'postgres',
      databaseUrl: test.url,
      poolSize: 2,
      onConnectionLost: (error) => lost.push(error)
    });
    try {
      const one = await sql<{ n: number }>`select 1 as n`.execute(db.kysely);
      expect(one.rows[0]?.n).toBe(1);
      const pids = await backendsOf(databaseName());
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) await admin.query('select pg_terminate_backend($1)', [pid]);
      await eventually(() => lost.length > 0);
      expect(lost[0]?.message).toMatch(/terminat/i);
      const two = await sql<{ n: number }>`select 2 as n`.execute(db.kysely);
      expect(two.rows[0]?.n).toBe(2);
    } finally {
      await db.close();
    }
  });

  // Found by the crash harness (`npm run soak`): PostgreSQL stopped while requests ran, and the
  // app died of an unhandled 'error' event of a connection a transaction had checked out.
  it('fails the transaction whose connection the server drops, without crashing the process', async () => {
    const db = openDatabase({ dialect: 'postgres', databaseUrl: test.url, poolSize: 2 });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      let pid = 0;
      const transaction = db.kysely.transaction().execute(async (trx) => {
        const me = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        pid = me.rows[0]?.pid ?? 0;
        // The connection is checked out and idle in the transaction while this waits.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`select 1`.execute(trx);
      });
      await eventually(() => pid !== 0);
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await expect(transaction).rejects.toThrow();
      expect(uncaught).toEqual([]);
      const next = await sql<{ n: number }>`select 3 as n`.execute(db.kysely);
      expect(next.rows[0]?.n).toBe(3);
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.close();
    }
  });

  it('has closed every connection when close() resolves', async () => {
    const db = openDatabase({ dialect: 'postgres', databaseUrl: test.url, poolSize: 4 });
    const connections: { ended: boolean }[] = [];
    db.pool?.on('connect', (client) => {
      const connection = { ended: false };
      connections.push(connection);
      client.on('end', () => (connection.ended = true));
    });
    // Four queries at once open four connections.
    await Promise.all(
      [1, 2, 3, 4].map((n) => sql`select pg_sleep(0.05), ${n}::int as n`.execute(db.kysely))
    );
    expect(connections).toHaveLength(4);
    await db.close();
    expect(connections.filter((c) => !c.ended)).toEqual([]);
    expect(await backendsOf(databaseName())).toEqual([]);
  });
});
