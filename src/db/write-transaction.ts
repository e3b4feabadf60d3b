import { AsyncLocalStorage } from 'node:async_hooks';
import { type Kysely, sql } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

/** How many units one SQLite batch takes at most before it commits. */
const MAX_BATCH_UNITS = 256;
/** How long one SQLite batch may run before it commits, in ms (so reads are not held up for long). */
const MAX_BATCH_MS = 50;

/** One caller's work, waiting for its batch. */
interface Unit {
  work: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Where a unit runs: the batch's connection, and how deep its savepoints are nested. */
interface UnitScope {
  db: Db;
  conn: Kysely<Database>;
  depth: number;
  /** False once the unit's work has settled: later async work it left behind is not part of it. */
  open: boolean;
}

/** The units waiting for the next batch, and whether a batch is running, per database. */
interface Batcher {
  waiting: Unit[];
  running: boolean;
}

/** Keyed by the SQLite handle, so every `Db` over one connection shares one queue. */
const batchers = new WeakMap<object, Batcher>();
const currentUnit = new AsyncLocalStorage<UnitScope>();

/**
 * Runs `work` in one write transaction that takes its write lock up front, so two writers never
 * both read, then both write. The database serializes writers, never an in-process lock, so the
 * same holds with several processes. The caller's promise settles once the outcome is durable:
 * resolved after the commit, rejected with `work`'s error when it throws (nothing of it is kept).
 *
 * - PostgreSQL: one transaction per call; `work` locks the rows it decides on (`forUpdate()`).
 * - SQLite (one connection, one writer, one fsync per commit with synchronous=FULL): group
 *   commit. Calls that queue up while a transaction runs are run together, one after another, in
 *   the next `BEGIN IMMEDIATE … COMMIT`, each inside its own savepoint: each sees the effects of
 *   the ones before it, exactly as if they had run in separate transactions in that order. A call
 *   that throws is rolled back to its savepoint alone; a failed commit rejects every call of the
 *   batch. A batch takes at most 256 calls or 50 ms, then commits and lets reads in.
 * - Called inside another call's `work` on SQLite, `work` runs at once in a nested savepoint of
 *   the same transaction (it becomes part of the outer call, durable with it).
 *
 * Do not publish or enqueue through another connection inside `work`: it runs before the commit.
 *
 * @example
 * const seats = await writeTransaction(db, async (trx) => {
 *   const event = await trx.selectFrom('events').select('going_seats').where('id', '=', id)
 *     .executeTakeFirstOrThrow();
 *   await trx.updateTable('events').set({ going_seats: event.going_seats + 1 }).where('id', '=', id)
 *     .execute();
 *   return event.going_seats + 1;
 * }); // committed and durable here
 */
export async function writeTransaction<T>(
  db: Db,
  work: (trx: Kysely<Database>) => Promise<T>
): Promise<T> {
  if (db.dialect === 'postgres') {
    return db.kysely.transaction().execute(work);
  }
  const scope = currentUnit.getStore();
  if (scope?.open && (scope.db.sqlite ?? scope.db) === (db.sqlite ?? db)) {
    return nestedUnit(scope, work);
  }
  return new Promise<T>((resolve, reject) => {
    const key = db.sqlite ?? db;
    let batcher = batchers.get(key);
    if (!batcher) {
      batcher = { waiting: [], running: false };
      batchers.set(key, batcher);
    }
    batcher.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
    if (!batcher.running) {
      batcher.running = true;
      void drain(db, batcher);
    }
  });
}

/** Runs batches until no unit is waiting. */
async function drain(db: Db, batcher: Batcher): Promise<void> {
  try {
    while (batcher.waiting.length > 0) {
      // Let the event loop take its pending I/O first. Node runs each socket's callback and all
      // the promise work it starts before the next one, and with synchronous SQLite a request
      // runs from its first read to its COMMIT in one go: without this yield every request
      // would be a batch of its own. After it, every request that has arrived has reached its
      // write and queued up here.
      await new Promise((resolve) => setImmediate(resolve));
      let outcome: BatchOutcome;
      try {
        outcome = await db.kysely.connection().execute((conn) => runBatch(db, conn, batcher));
      } catch (error) {
        // No connection (the database is closing): nobody waiting can be served.
        outcome = {
          committed: [],
          failed: batcher.waiting.splice(0).map((unit) => ({ unit, error }))
        };
      }
      // Settled after the connection is released, so callers' follow-up reads can run at once.
      for (const { unit, value } of outcome.committed) unit.resolve(value);
      for (const { unit, error } of outcome.failed) unit.reject(error);
    }
  } finally {
    batcher.running = false;
  }
}

interface BatchOutcome {
  committed: { unit: Unit; value: unknown }[];
  failed: { unit: Unit; error: unknown }[];
}

/**
 * One `BEGIN IMMEDIATE … COMMIT` over the waiting units (taken one by one, so units that arrive
 * while it runs join it, up to the bounds). Never throws: every unit it took ends up in
 * `committed` or `failed`.
 */
async function runBatch(db: Db, conn: Kysely<Database>, batcher: Batcher): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { committed: [], failed: [] };
  const failAll = (error: unknown) => {
    for (const { unit } of outcome.committed) outcome.failed.push({ unit, error });
    outcome.committed = [];
    return outcome;
  };
  try {
    await sql`begin immediate`.execute(conn);
  } catch (error) {
    // The write lock was not had (another process held it past the busy timeout): this batch's
    // first unit fails, the others are tried again in the next batch.
    const first = batcher.waiting.shift();
    if (first) outcome.failed.push({ unit: first, error });
    return outcome;
  }
  const started = performance.now();
  let unit: Unit | undefined;
  try {
    while (
      batcher.waiting.length > 0 &&
      outcome.committed.length + outcome.failed.length < MAX_BATCH_UNITS &&
      performance.now() - started < MAX_BATCH_MS
    ) {
      const next = batcher.waiting.shift() as Unit;
      unit = next;
      const scope: UnitScope = { db, conn, depth: 0, open: true };
      await sql`savepoint unit`.execute(conn);
      try {
        const value = await currentUnit.run(scope, () => next.work(conn));
        scope.open = false;
        await sql`release unit`.execute(conn);
        outcome.committed.push({ unit: next, value });
      } catch (error) {
        scope.open = false;
        unit = undefined;
        outcome.failed.push({ unit: next, error });
        if (!(await undoUnit(db, conn, 'unit'))) {
          // SQLite rolled the whole transaction back (a disk or lock error): the units before
          // this one are lost too.
          return failAll(new Error('The write transaction was rolled back', { cause: error }));
        }
      }
      unit = undefined;
    }
    await sql`commit`.execute(conn);
  } catch (error) {
    // A statement of our own failed (a savepoint, the commit: a deferred constraint, a disk
    // error). The transaction may still be open; nothing of this batch is kept.
    if (db.sqlite?.inTransaction) await sql`rollback`.execute(conn).catch(() => undefined);
    if (unit) outcome.failed.push({ unit, error });
    return failAll(error);
  }
  return outcome;
}

/**
 * Rolls back to savepoint `name` and drops it. False when there is no transaction left to
 * continue (SQLite ended it after an error), so the batch cannot commit what came before.
 */
async function undoUnit(db: Db, conn: Kysely<Database>, name: string): Promise<boolean> {
  if (db.sqlite && !db.sqlite.inTransaction) return false;
  try {
    await sql`rollback to ${sql.id(name)}`.execute(conn);
    await sql`release ${sql.id(name)}`.execute(conn);
    return true;
  } catch {
    if (db.sqlite?.inTransaction) await sql`rollback`.execute(conn).catch(() => undefined);
    return false;
  }
}

/** A write transaction inside another one's `work`: a nested savepoint of the same transaction. */
async function nestedUnit<T>(
  scope: UnitScope,
  work: (trx: Kysely<Database>) => Promise<T>
): Promise<T> {
  const inner: UnitScope = { ...scope, depth: scope.depth + 1, open: true };
  const name = `unit_${inner.depth}`;
  await sql`savepoint ${sql.id(name)}`.execute(scope.conn);
  try {
    const value = await currentUnit.run(inner, () => work(scope.conn));
    inner.open = false;
    await sql`release ${sql.id(name)}`.execute(scope.conn);
    return value;
  } catch (error) {
    inner.open = false;
    if (!(await undoUnit(scope.db, scope.conn, name))) {
      throw new Error('The write transaction ended after an error', { cause: error });
    }
    throw error;
  }
}
