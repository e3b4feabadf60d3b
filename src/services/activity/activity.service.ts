import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { toDate } from '../../db/values.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Activity, ActivityKind, ActivityPayloads } from './activity-types.ts';

export type * from './activity-types.ts';

/** The queue that dispatches recorded activities to their consumers. */
export const ACTIVITIES_QUEUE = 'activities';

/** What one activity is about, as its producer records it. */
export interface NewActivity<K extends ActivityKind> {
  kind: K;
  groupId: string | null;
  actorId: string | null;
  subjectType: string;
  subjectId: string;
  payload: ActivityPayloads[K];
}

/**
 * Records an activity inside the caller's transaction: it exists exactly when the change does.
 * Call `nudgeActivities` after the commit so dispatch runs at once rather than on the next sweep.
 *
 * @example
 * await writeTransaction(db, async (trx) => {
 *   // … insert the post …
 *   await recordActivity(trx, { kind: 'post.created', groupId, actorId, subjectType: 'post', subjectId: postId, payload });
 * });
 * nudgeActivities(queue);
 */
export async function recordActivity<K extends ActivityKind>(
  trx: Kysely<Database>,
  activity: NewActivity<K>,
  now = new Date()
): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto('activities')
    .values({
      id,
      group_id: activity.groupId,
      kind: activity.kind,
      actor_id: activity.actorId,
      subject_type: activity.subjectType,
      subject_id: activity.subjectId,
      payload: JSON.stringify(activity.payload),
      created_at: now.toISOString(),
      dispatched_at: null
    })
    .execute();
  return id;
}

/** How long an in-process dispatch waits after a nudge for more activities to go with it. */
const DISPATCH_DELAY_MS = 20;

/** Per queue: the dispatcher of the process that runs it (set up by `registerActivityJobs`). */
const localDispatchers = new WeakMap<JobQueue, () => void>();

/** Per queue without a local dispatcher: whether a nudge's job is being enqueued, and whether another nudge came meanwhile. */
const nudges = new WeakMap<JobQueue, { again: boolean }>();

/**
 * Asks for a dispatch run now (after a commit); failures are left to the periodic sweep.
 *
 * In the process that runs `queue` (the app), dispatch runs in that process: nudges that come
 * while a run is under way ask for one more run after it, which takes every activity committed
 * meanwhile. An RSVP storm of 2,000 answers then costs a few dispatch runs and no job at all —
 * a job per nudge cost three more commits per answer. Elsewhere (a CLI command) a nudge enqueues
 * one job for whoever runs the queue; nudges coalesce while it is being stored.
 *
 * @example
 * await writeTransaction(db, (trx) => recordActivity(trx, activity));
 * nudgeActivities(queue);
 */
export function nudgeActivities(queue: JobQueue): void {
  const local = localDispatchers.get(queue);
  if (local) {
    local();
    return;
  }
  const pending = nudges.get(queue);
  if (pending) {
    pending.again = true;
    return;
  }
  const state = { again: false };
  nudges.set(queue, state);
  void queue
    .enqueue(ACTIVITIES_QUEUE, {}, { maxAttempts: 1 })
    .catch(() => undefined)
    .finally(() => {
      nudges.delete(queue);
      if (state.again) nudgeActivities(queue);
    });
}

/**
 * Makes `run` the dispatcher nudges of `queue` call in this process, until the returned function
 * is called. Runs never overlap: a nudge during a run asks for one more once it ends. A run that
 * throws (the database went away) leaves its activities to the periodic sweep.
 *
 * @example
 * const stop = dispatchInProcess(queue, () => dispatchActivities(db, consumers));
 */
export function dispatchInProcess(queue: JobQueue, run: () => Promise<unknown>): () => void {
  // An object, not loose variables: nudges change it while a run awaits.
  const state = { running: false, again: false, stopped: false };
  const more = () => state.again && !state.stopped;
  const loop = async () => {
    try {
      do {
        state.again = false;
        // A moment first, so that answers committed about together go out together.
        await new Promise((resolve) => setTimeout(resolve, DISPATCH_DELAY_MS));
        if (!state.stopped) await run();
      } while (more());
    } catch {
      // Left to the sweep.
    } finally {
      state.running = false;
    }
  };
  const nudge = () => {
    if (state.stopped) return;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    void loop();
  };
  localDispatchers.set(queue, nudge);
  return () => {
    state.stopped = true;
    if (localDispatchers.get(queue) === nudge) localDispatchers.delete(queue);
  };
}

/** A consumer of activities. It must be idempotent: two nodes may hand it the same activity. */
export type ActivityConsumer = (activity: Activity) => Promise<void>;

/** Activities not yet dispatched, oldest first. */
export async function pendingActivities(db: Db, limit = 200): Promise<Activity[]> {
  const rows = await db.kysely
    .selectFrom('activities')
    .selectAll()
    .where('dispatched_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(
    (row) =>
      ({
        id: row.id,
        kind: row.kind as ActivityKind,
        groupId: row.group_id,
        actorId: row.actor_id,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        payload: JSON.parse(row.payload) as unknown,
        createdAt: toDate(row.created_at)
      }) as Activity
  );
}

/**
 * Hands every pending activity to each consumer, then marks it dispatched (the activities of one
 * batch together, in one statement). A consumer that throws leaves the activity pending for the
 * next run (consumers are idempotent, so the others may see it again; so may all of a batch after
 * a crash before its mark). Returns how many were dispatched.
 *
 * @example
 * const n = await dispatchActivities(db, [notifyConsumer, webhookConsumer], (err) => log(err));
 */
export async function dispatchActivities(
  db: Db,
  consumers: readonly ActivityConsumer[],
  onError: (error: unknown, activity: Activity) => void = () => undefined
): Promise<number> {
  let dispatched = 0;
  for (;;) {
    const batch = await pendingActivities(db);
    const done: string[] = [];
    for (const activity of batch) {
      try {
        for (const consume of consumers) await consume(activity);
      } catch (error) {
        onError(error, activity);
        continue;
      }
      done.push(activity.id);
    }
    // One statement for the batch instead of one per activity, and on SQLite in the group commit
    // with whatever else is being written (not an fsync of its own).
    if (done.length > 0) {
      await writeTransaction(db, (trx) =>
        trx
          .updateTable('activities')
          .set({ dispatched_at: new Date().toISOString() })
          .where('id', 'in', done)
          .where('dispatched_at', 'is', null)
          .execute()
      );
    }
    dispatched += done.length;
    if (batch.length < 200 || done.length === 0) return dispatched;
  }
}
