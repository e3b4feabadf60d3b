// What every write to a meeting's live room shares: one write transaction that locks what it
// decides on, appends the room event describing the change, and announces it after the commit.
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import type { Meeting } from '../event.service.ts';
import { roomStateOf } from './room-access.ts';
import { announceRoom, findRoomStatus } from './room-log.service.ts';

/** Why a room write was refused; routes map each onto a problem response. */
export type RoomWriteProblem =
  | 'notFound'
  | 'forbidden'
  | 'roomNotOpen'
  | 'roomNotPublished'
  | 'questionNotOpen'
  | 'questionConverted'
  | 'ownQuestion'
  | 'tooManyQuestions'
  | 'kudosSelf'
  | 'kudosUnknownRecipient';

/** A refused room write (thrown inside the transaction, so nothing is stored). */
export class RoomWriteError extends Error {
  readonly problem: RoomWriteProblem;
  /** The input field at fault, for validation problems. */
  readonly field: string | undefined;
  constructor(problem: RoomWriteProblem, field?: string) {
    super(problem);
    this.name = 'RoomWriteError';
    this.problem = problem;
    this.field = field;
  }
}

/** What room writers need besides the database. */
export interface RoomWriteContext {
  db: Db;
  realtime: Realtime;
}

/**
 * Runs `work` in one write transaction (BEGIN IMMEDIATE on SQLite; on PostgreSQL `work` locks its
 * rows), then announces the room event it appended, if any (`seq` null: nothing changed).
 */
export async function roomWrite<T>(
  ctx: RoomWriteContext,
  eventId: string,
  work: (trx: Kysely<Database>) => Promise<{ result: T; seq: number | null }>
): Promise<T> {
  const { result, seq } = await writeTransaction(ctx.db, work);
  if (seq !== null) await announceRoom(ctx.realtime, eventId, seq);
  return result;
}

/**
 * Locks the room row of a meeting until the commit (creating it on first use): writers whose
 * decision spans the room — a member's question count, their one raised hand — go one at a time.
 * SQLite's BEGIN IMMEDIATE serializes them already.
 */
export async function lockRoom(trx: Kysely<Database>, db: Db, eventId: string): Promise<void> {
  await trx
    .insertInto('meeting_rooms')
    .values({ event_id: eventId, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
  if (db.dialect === 'postgres') {
    await trx
      .selectFrom('meeting_rooms')
      .select('event_id')
      .where('event_id', '=', eventId)
      .forUpdate()
      .execute();
  }
}

/** The display name of an account (empty when it is gone). */
export async function userName(trx: Kysely<Database>, userId: string | null): Promise<string> {
  if (userId === null) return '';
  const row = await trx
    .selectFrom('users')
    .select('name')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.name ?? '';
}

/**
 * Refuses with `roomNotOpen` unless the room of `meeting` is open now, read inside the transaction
 * after `lockRoom` (a host closing the room at the same moment commits before or after, never
 * between the check and the write).
 */
export async function assertRoomOpen(
  trx: Kysely<Database>,
  meeting: Pick<Meeting, 'id' | 'startsAt' | 'endsAt' | 'status'>,
  now = new Date()
): Promise<void> {
  if (roomStateOf(meeting, await findRoomStatus(trx, meeting.id), now) !== 'open') {
    throw new RoomWriteError('roomNotOpen');
  }
}
