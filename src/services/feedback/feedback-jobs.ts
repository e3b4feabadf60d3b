import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { MEETING_MAIL_QUEUE, type MeetingMailJob } from '../meeting-mail-jobs.ts';
import { type PeriodicJob, registerPeriodicJob } from '../../jobs/periodic-job.ts';

/** The queue of the feedback sweep. */
export const FEEDBACK_SWEEP_QUEUE = 'feedback-sweep';
const SWEEP_EVERY_MS = 5 * 60_000;
const HOUR = 3600_000;
/** Attendees are asked this long after a meeting's end… */
export const FEEDBACK_ASK_AFTER_MS = HOUR;
/** …and not for meetings that ended longer ago than this (a new instance, a long outage). */
export const FEEDBACK_ASK_UNTIL_MS = 7 * 24 * HOUR;

/**
 * Asks for feedback on every published meeting that ended between 7 days and 1 hour ago and was
 * not asked about yet: marks it (`events.feedback_requested_at`) and enqueues one meeting-mail job
 * `{ kind: 'feedback', eventId }` per meeting. The mark is set by a conditional update, so two
 * nodes sweeping at once ask once. Returns the meetings asked about.
 *
 * @example
 * await requestDueFeedback(db, queue); // ['event-id', …]
 */
export async function requestDueFeedback(
  db: Db,
  queue: JobQueue,
  now = new Date()
): Promise<string[]> {
  const due = await db.kysely
    .selectFrom('events')
    .select('id')
    .where('status', '=', 'published')
    .where('feedback_requested_at', 'is', null)
    .where('ends_at', '<=', new Date(now.getTime() - FEEDBACK_ASK_AFTER_MS).toISOString())
    .where('ends_at', '>=', new Date(now.getTime() - FEEDBACK_ASK_UNTIL_MS).toISOString())
    .orderBy('ends_at')
    .limit(500)
    .execute();
  const asked: string[] = [];
  for (const { id } of due) {
    const claimed = await db.kysely
      .updateTable('events')
      .set({ feedback_requested_at: now.toISOString() })
      .where('id', '=', id)
      .where('feedback_requested_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) continue;
    const job: MeetingMailJob = { kind: 'feedback', eventId: id };
    await queue.enqueue(MEETING_MAIL_QUEUE, job);
    asked.push(id);
  }
  return asked;
}

/**
 * Registers the feedback sweep (asking attendees of meetings that ended for feedback) on queue
 * `feedback-sweep`; `start` runs it now and then every five minutes (each run is a job, so a
 * failing run is retried and logged by the queue).
 *
 * @example
 * const feedbackJobs = registerFeedbackJobs(db, queue);
 * await queue.start();
 * await feedbackJobs.start();
 */
export function registerFeedbackJobs(db: Db, queue: JobQueue): PeriodicJob {
  return registerPeriodicJob(queue, FEEDBACK_SWEEP_QUEUE, SWEEP_EVERY_MS, () =>
    requestDueFeedback(db, queue)
  );
}
