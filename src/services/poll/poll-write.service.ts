// Changing polls: create (as a draft or launched at once), edit a draft, open, close, delete a
// draft. Each change runs in one write transaction with the poll's row locked; a meeting poll's
// change also appends the whole poll to the meeting room's log, announced after the commit.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { dbBool } from '../../db/values.ts';
import { type PollChoice, type PollResults, pollState } from '../../domain/poll.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import { findMeeting } from '../event.service.ts';
import { announceRoom, appendRoomEvent } from '../room/room-log.service.ts';
import { lockPoll, PollError, type PollWithOptions, roomPollOf } from './poll.service.ts';

/** What a manager sets on a poll. */
export interface PollInput {
  question: string;
  options: string[];
  choice: PollChoice;
  anonymous: boolean;
  results: PollResults;
  eventId: string | null;
  closesAt: Date | null;
}

/** A poll change and the room log entry it appended (for the announcement after the commit). */
interface Changed {
  poll: PollWithOptions;
  seq: number | null;
}

/** Appends the poll to its meeting's room log (meeting polls only); returns the seq or null. */
export async function logMeetingPoll(
  trx: Kysely<Database>,
  poll: PollWithOptions,
  now: Date
): Promise<number | null> {
  if (poll.eventId === null) return null;
  return appendRoomEvent(trx, poll.eventId, { kind: 'poll', poll: roomPollOf(poll) }, now);
}

/** Announces a room log entry after the commit (nothing for group polls). */
async function announce(realtime: Realtime, { poll, seq }: Changed): Promise<PollWithOptions> {
  if (poll.eventId !== null && seq !== null) await announceRoom(realtime, poll.eventId, seq);
  return poll;
}

/** The same label twice (trimmed, ignoring case): the index of the later one, else -1. */
function duplicateOption(options: readonly string[]): number {
  const seen = new Set<string>();
  for (const [i, label] of options.entries()) {
    const key = label.trim().toLocaleLowerCase();
    if (seen.has(key)) return i;
    seen.add(key);
  }
  return -1;
}

/** Checks what the schema cannot: distinct options and a closing time in the future. */
function checkFields(options: readonly string[], closesAt: Date | null, now: Date): void {
  const dup = duplicateOption(options);
  if (dup >= 0) throw new PollError('pollOptionsDuplicate', `options.${dup}`);
  if (closesAt !== null && closesAt.getTime() <= now.getTime()) {
    throw new PollError('pollClosesAtPast', 'closesAt');
  }
}

/** A meeting poll's meeting must be a meeting of the group that is not cancelled. */
async function checkMeeting(db: Db, groupId: string, eventId: string): Promise<void> {
  const meeting = await findMeeting(db, eventId);
  if (meeting?.groupId !== groupId || meeting.status === 'cancelled') {
    throw new PollError('pollEventInvalid', 'eventId');
  }
}

async function insertOptions(
  trx: Kysely<Database>,
  pollId: string,
  labels: readonly string[]
): Promise<void> {
  await trx
    .insertInto('poll_options')
    .values(
      labels.map((label, position) => ({
        id: randomUUID(),
        poll_id: pollId,
        position,
        label: label.trim()
      }))
    )
    .execute();
}

/**
 * Creates a poll in `groupId` — a draft, or open at once with `open`. Refusals are `PollError`s
 * with a field: `pollOptionsDuplicate`, `pollEventInvalid`, `pollClosesAtPast`.
 *
 * @example
 * const poll = await createPoll(db, realtime, { groupId, createdBy, open: true, input });
 */
export async function createPoll(
  db: Db,
  realtime: Realtime,
  args: { groupId: string; createdBy: string; open: boolean; input: PollInput },
  now = new Date()
): Promise<PollWithOptions> {
  const { input } = args;
  checkFields(input.options, input.closesAt, now);
  if (input.eventId !== null) await checkMeeting(db, args.groupId, input.eventId);
  const at = now.toISOString();
  const id = randomUUID();
  const changed = await writeTransaction(db, async (trx) => {
    await trx
      .insertInto('polls')
      .values({
        id,
        group_id: args.groupId,
        event_id: input.eventId,
        question: input.question.trim(),
        choice: input.choice,
        anonymous: dbBool(db, input.anonymous),
        results: input.results,
        status: args.open ? 'open' : 'draft',
        closes_at: input.closesAt?.toISOString() ?? null,
        opened_at: args.open ? at : null,
        closed_at: null,
        created_by: args.createdBy,
        created_at: at,
        updated_at: at
      })
      .execute();
    await insertOptions(trx, id, input.options);
    const poll = await lockPoll(trx, db, id);
    if (!poll) throw new PollError('pollNotFound');
    return { poll, seq: await logMeetingPoll(trx, poll, now) };
  });
  return announce(realtime, changed);
}

/**
 * Changes a draft (only the fields given; new options replace the old ones). 409 `pollNotDraft`
 * once it was opened. Moving a poll between meetings is not possible: `eventId` stays.
 */
export async function updatePoll(
  db: Db,
  realtime: Realtime,
  pollId: string,
  patch: Partial<Omit<PollInput, 'eventId'>>,
  now = new Date()
): Promise<PollWithOptions> {
  checkFields(patch.options ?? [], patch.closesAt ?? null, now);
  const changed = await writeTransaction(db, async (trx) => {
    const current = await lockPoll(trx, db, pollId);
    if (!current) throw new PollError('pollNotFound');
    if (current.status !== 'draft') throw new PollError('pollNotDraft');
    await trx
      .updateTable('polls')
      .set({
        ...(patch.question !== undefined ? { question: patch.question.trim() } : {}),
        ...(patch.choice !== undefined ? { choice: patch.choice } : {}),
        ...(patch.anonymous !== undefined ? { anonymous: dbBool(db, patch.anonymous) } : {}),
        ...(patch.results !== undefined ? { results: patch.results } : {}),
        ...(patch.closesAt !== undefined
          ? { closes_at: patch.closesAt?.toISOString() ?? null }
          : {}),
        updated_at: now.toISOString()
      })
      .where('id', '=', pollId)
      .execute();
    if (patch.options !== undefined) {
      await trx.deleteFrom('poll_options').where('poll_id', '=', pollId).execute();
      await insertOptions(trx, pollId, patch.options);
    }
    const poll = await lockPoll(trx, db, pollId);
    if (!poll) throw new PollError('pollNotFound');
    return { poll, seq: await logMeetingPoll(trx, poll, now) };
  });
  return announce(realtime, changed);
}

/** Launches a draft: 409 `pollNotDraft` otherwise, `pollClosesAtPast` when its close has passed. */
export async function openPoll(
  db: Db,
  realtime: Realtime,
  pollId: string,
  now = new Date()
): Promise<PollWithOptions> {
  const changed = await writeTransaction(db, async (trx) => {
    const current = await lockPoll(trx, db, pollId);
    if (!current) throw new PollError('pollNotFound');
    if (current.status !== 'draft') throw new PollError('pollNotDraft');
    if (current.closesAt !== null && current.closesAt.getTime() <= now.getTime()) {
      throw new PollError('pollClosesAtPast');
    }
    const at = now.toISOString();
    await trx
      .updateTable('polls')
      .set({ status: 'open', opened_at: at, updated_at: at })
      .where('id', '=', pollId)
      .execute();
    const poll = { ...current, status: 'open' as const, openedAt: now };
    return { poll, seq: await logMeetingPoll(trx, poll, now) };
  });
  return announce(realtime, changed);
}

/**
 * Closes an open poll now (a manager) or at its time (the sweep: `due`, then only when its
 * closing time has come, with that time as `closedAt`). Closing a closed poll changes nothing and
 * logs nothing; a draft is 409 `pollNotOpen`.
 */
export async function closePoll(
  db: Db,
  realtime: Realtime,
  pollId: string,
  options: { due?: boolean } = {},
  now = new Date()
): Promise<{ poll: PollWithOptions; closedNow: boolean }> {
  const changed = await writeTransaction(db, async (trx) => {
    const current = await lockPoll(trx, db, pollId);
    if (!current) throw new PollError('pollNotFound');
    if (current.status === 'draft') throw new PollError('pollNotOpen');
    if (current.status === 'closed') return { poll: current, seq: null, closedNow: false };
    const timeUp = pollState(current, now) === 'closed';
    if (options.due && !timeUp) return { poll: current, seq: null, closedNow: false };
    const closedAt = timeUp && current.closesAt ? current.closesAt : now;
    await trx
      .updateTable('polls')
      .set({ status: 'closed', closed_at: closedAt.toISOString(), updated_at: now.toISOString() })
      .where('id', '=', pollId)
      .execute();
    const poll = { ...current, status: 'closed' as const, closedAt };
    return { poll, seq: await logMeetingPoll(trx, poll, now), closedNow: true };
  });
  return { poll: await announce(realtime, changed), closedNow: changed.closedNow };
}

/**
 * Deletes a draft (409 `pollNotDraft` for a poll that was ever open: its answers stay). A meeting
 * draft is logged once more as a draft, which only hosts see.
 */
export async function deletePoll(
  db: Db,
  realtime: Realtime,
  pollId: string,
  now = new Date()
): Promise<void> {
  const changed = await writeTransaction(db, async (trx) => {
    const current = await lockPoll(trx, db, pollId);
    if (!current) throw new PollError('pollNotFound');
    if (current.status !== 'draft') throw new PollError('pollNotDraft');
    const seq =
      current.eventId === null
        ? null
        : await appendRoomEvent(trx, current.eventId, { kind: 'poll-removed', pollId }, now);
    await trx.deleteFrom('poll_options').where('poll_id', '=', pollId).execute();
    await trx.deleteFrom('polls').where('id', '=', pollId).execute();
    return { poll: current, seq };
  });
  await announce(realtime, changed);
}
