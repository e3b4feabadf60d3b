import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../test/test-database.ts';
import { writeTransaction } from './write-transaction.ts';

/** A promise and the function that resolves it: holds a unit in the middle of its work. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    opened,
    open: () => {
      open();
    }
  };
}

/** Lets pending callbacks run (the next units start, reads queue up). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe.each(testDialects())('writeTransaction (%s)', (dialect) => {
  let test: TestDatabase;
  /** Reads through a connection of its own: sees only what was committed. */
  let committedIds: () => Promise<number[]>;
  let closeOther: () => Promise<void>;

  beforeAll(async () => {
    test = await createTestDatabase(dialect);
    // A scratch table; the deferred foreign key lets a test make COMMIT itself fail.
    await sql`create table gc_probe (
      id integer primary key,
      parent integer references gc_probe (id) deferrable initially deferred
    )`.execute(test.db.kysely);
    if (dialect === 'sqlite') {
      const other = new SQLite(test.url, { readonly: true });
      committedIds = () =>
        Promise.resolve(
          (other.prepare('select id from gc_probe order by id').all() as { id: number }[]).map(
            (r) => r.id
          )
        );
      closeOther = () => Promise.resolve(void other.close());
    } else {
      const other = new pg.Client({ connectionString: test.url });
      await other.connect();
      committedIds = async () =>
        (await other.query<{ id: number }>('select id from gc_probe order by id')).rows.map(
          (r) => r.id
        );
      closeOther = () => other.end();
    }
  });
  afterAll(async () => {
    await closeOther();
    await test.dispose();
  });
  beforeEach(async () => {
    await sql`delete from gc_probe`.execute(test.db.kysely);
  });

  const insert = (id: number, parent: number | null = null) =>
    writeTransaction(test.db, async (trx) => {
      await sql`insert into gc_probe (id, parent) values (${id}, ${parent})`.execute(trx);
      return id;
    });

  /** How many COMMITs the SQLite connection runs while `run` does. */
  async function commitsDuring(run: () => Promise<unknown>): Promise<number> {
    if (!test.db.sqlite || !test.db.observeQueries) {
      await run();
      return Number.NaN;
    }
    // Every statement Kysely runs, prepared afresh or kept (the connection keeps statements).
    let commits = 0;
    const stop = test.db.observeQueries((query) => {
      if (query.sql.trim().toLowerCase() === 'commit') commits++;
    });
    try {
      await run();
      return commits;
    } finally {
      stop();
    }
  }

  it('commits every one of many concurrent calls, each with its own result', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => i + 1);
    let results: number[] = [];
    const commits = await commitsDuring(async () => {
      results = await Promise.all(ids.map((id) => insert(id)));
    });
    expect(results).toEqual(ids);
    expect(await committedIds()).toEqual(ids);
    // SQLite runs the calls that queued up together: far fewer commits than calls.
    if (dialect === 'sqlite') expect(commits).toBeLessThan(10);
  });

  // PostgreSQL runs calls side by side (callers lock the rows they decide on); on SQLite the
  // calls of a batch run strictly in turn on the one connection.
  it.runIf(dialect === 'sqlite')(
    'runs queued calls one after another, each seeing the ones before it',
    async () => {
      const seen = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          writeTransaction(test.db, async (trx) => {
            const before = await sql<{
              n: number | string;
            }>`select count(*) as n from gc_probe`.execute(trx);
            await sql`insert into gc_probe (id) values (${i + 1})`.execute(trx);
            return Number(before.rows[0]?.n);
          })
        )
      );
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
  );

  it('rolls back a call that throws alone; its caller gets its error, the others commit', async () => {
    const first = gate();
    const held = writeTransaction(test.db, async (trx) => {
      await sql`insert into gc_probe (id) values (${1})`.execute(trx);
      await first.opened;
      return 1;
    });
    await settle();
    const failing = new Error('unit 5 changed its mind');
    const rest = [2, 3, 4, 5, 6, 7].map((id) =>
      writeTransaction(test.db, async (trx) => {
        await sql`insert into gc_probe (id) values (${id})`.execute(trx);
        if (id === 5) throw failing;
        return id;
      })
    );
    let outcomes: PromiseSettledResult<number>[] = [];
    const commits = await commitsDuring(async () => {
      first.open();
      outcomes = await Promise.allSettled([held, ...rest]);
    });
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.reason))).toEqual([
      1,
      2,
      3,
      4,
      failing,
      6,
      7
    ]);
    expect(await committedIds()).toEqual([1, 2, 3, 4, 6, 7]);
    // On SQLite all seven ran in the one transaction the first call had open.
    if (dialect === 'sqlite') expect(commits).toBe(1);
  });

  it('settles a call only once its work is committed and visible to other connections', async () => {
    const later = gate();
    let secondSettled = false;
    // What another connection saw when each call settled, by the call's id.
    const visibleWhenSettled = new Map<number, number[]>();
    const first = insert(1).then(async (id) => {
      visibleWhenSettled.set(1, await committedIds());
      return id;
    });
    const second = insert(2).then(async (id) => {
      secondSettled = true;
      visibleWhenSettled.set(2, await committedIds());
      return id;
    });
    const third = writeTransaction(test.db, async (trx) => {
      await sql`insert into gc_probe (id) values (${3})`.execute(trx);
      await later.opened;
      return 3;
    });
    await settle();
    if (dialect === 'sqlite') {
      // The second call's work is done, but its batch is still open (the third holds it).
      expect(secondSettled).toBe(false);
      expect(await committedIds()).not.toContain(2);
    }
    later.open();
    expect(await Promise.all([first, second, third])).toEqual([1, 2, 3]);
    // Each call's own row was committed when it settled. On PostgreSQL the two are separate
    // transactions that may commit in either order; on SQLite they shared one commit.
    expect(visibleWhenSettled.get(1)).toEqual(expect.arrayContaining([1]));
    expect(visibleWhenSettled.get(2)).toEqual(
      expect.arrayContaining(dialect === 'sqlite' ? [1, 2] : [2])
    );
  });

  it('lets reads issued during a batch finish, seeing what was committed', async () => {
    const held = gate();
    const writing = writeTransaction(test.db, async (trx) => {
      await sql`insert into gc_probe (id) values (${1})`.execute(trx);
      await held.opened;
      return 1;
    });
    await settle();
    const reading = test.db.kysely
      .selectFrom('gc_probe' as never)
      .selectAll()
      .execute();
    await settle();
    held.open();
    await writing;
    const rows = (await reading) as { id: number }[];
    // SQLite reads wait for the batch's commit; PostgreSQL reads the last committed state.
    expect(rows.map((r) => r.id)).toEqual(dialect === 'sqlite' ? [1] : []);
  });

  it('runs a write transaction nested in another one (a failing inner one is undone alone)', async () => {
    const refused = new Error('inner refused');
    const outer = await writeTransaction(test.db, async (trx) => {
      await sql`insert into gc_probe (id) values (${1})`.execute(trx);
      const inner = await writeTransaction(test.db, async (innerTrx) => {
        await sql`insert into gc_probe (id) values (${2})`.execute(innerTrx);
        return 2;
      });
      await expect(
        writeTransaction(test.db, async (innerTrx) => {
          await sql`insert into gc_probe (id) values (${3})`.execute(innerTrx);
          throw refused;
        })
      ).rejects.toBe(refused);
      return inner + 1;
    });
    expect(outer).toBe(3);
    expect(await committedIds()).toEqual([1, 2]);
  });

  it('rejects every call of a batch whose COMMIT fails, and keeps none of them', async () => {
    const held = gate();
    const first = writeTransaction(test.db, async (trx) => {
      await sql`insert into gc_probe (id) values (${1})`.execute(trx);
      await held.opened;
      return 1;
    });
    await settle();
    // A row pointing at a parent that does not exist: the deferred key fails only at COMMIT.
    const orphan = insert(2, 999);
    const third = insert(3);
    held.open();
    const outcomes = await Promise.allSettled([first, orphan, third]);
    if (dialect === 'sqlite') {
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await committedIds()).toEqual([]);
    } else {
      // One transaction per call: only the orphan's own commit fails.
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await committedIds()).toEqual([1, 3]);
    }
    // The connection is usable again afterwards.
    expect(await insert(4)).toBe(4);
    expect(await committedIds()).toContain(4);
  });
});
