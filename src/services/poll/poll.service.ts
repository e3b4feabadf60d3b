// Reading polls: loading one (or locking it for a write), listing a group's polls, and presenting
// a poll as one viewer may see it. An anonymous poll keeps no record of who chose what, so there
// is nothing to leak; a named poll shows its voters only where its results show.
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, PollsTable } from '../../db/schema.ts';
import { toBool, toDate } from '../../db/values.ts';
import {
  type PollChoice,
  type PollResults,
  pollResults,
  type PollStatus,
  pollState,
  resultsVisible
} from '../../domain/poll.ts';
import type { Person } from '../person.service.ts';
import type { RoomPoll } from '../room/room-event-types.ts';
import type { CreatedCursor } from '../created-cursor.ts';

/** A poll as the services keep it (its stored status; see `pollState` for the one at a time). */
export interface Poll {
  id: string;
  groupId: string;
  eventId: string | null;
  question: string;
  choice: PollChoice;
  anonymous: boolean;
  results: PollResults;
  status: PollStatus;
  closesAt: Date | null;
  openedAt: Date | null;
  closedAt: Date | null;
  ballotCount: number;
  createdBy: string | null;
  createdAt: Date;
}

/** One option of a poll with its count. */
export interface PollOption {
  id: string;
  label: string;
  votes: number;
}

/** A poll with its options in order. */
export interface PollWithOptions extends Poll {
  options: PollOption[];
}

/** Why a poll action was refused; `field` for refusals about an input field. */
export type PollProblem =
  | 'pollNotFound'
  | 'pollNotDraft'
  | 'pollNotOpen'
  | 'pollClosesAtPast'
  | 'alreadyAnswered'
  | 'pollNoChoice'
  | 'pollOneChoiceOnly'
  | 'pollUnknownOption'
  | 'pollEventInvalid'
  | 'pollOptionsDuplicate';

export class PollError extends Error {
  readonly problem: PollProblem;
  readonly field: string | undefined;
  constructor(problem: PollProblem, field?: string) {
    super(problem);
    this.name = 'PollError';
    this.problem = problem;
    this.field = field;
  }
}

type Reader = Db | Kysely<Database>;
const kyselyOf = (db: Reader): Kysely<Database> => ('kysely' in db ? db.kysely : db);

/** A stored poll row as a `Poll`. */
export function presentPollRow(row: Selectable<PollsTable>): Poll {
  return {
    id: row.id,
    groupId: row.group_id,
    eventId: row.event_id,
    question: row.question,
    choice: row.choice as PollChoice,
    anonymous: toBool(row.anonymous),
    results: row.results as PollResults,
    status: row.status as PollStatus,
    closesAt: toDate(row.closes_at),
    openedAt: toDate(row.opened_at),
    closedAt: toDate(row.closed_at),
    ballotCount: row.ballot_count,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at)
  };
}

/** The options of a poll in order, with their counts. */
export async function pollOptions(db: Reader, pollId: string): Promise<PollOption[]> {
  return kyselyOf(db)
    .selectFrom('poll_options')
    .select(['id', 'label', 'votes'])
    .where('poll_id', '=', pollId)
    .orderBy('position')
    .execute();
}

/** The poll `id` with its options, or null. */
export async function findPoll(db: Reader, id: string): Promise<PollWithOptions | null> {
  const row = await kyselyOf(db)
    .selectFrom('polls')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return { ...presentPollRow(row), options: await pollOptions(db, id) };
}

/**
 * Loads the poll inside a write transaction with its row locked until the commit (SELECT … FOR
 * UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the write lock).
 */
export async function lockPoll(
  trx: Kysely<Database>,
  db: Db,
  id: string
): Promise<PollWithOptions | null> {
  let query = trx.selectFrom('polls').selectAll().where('id', '=', id);
  if (db.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return { ...presentPollRow(row), options: await pollOptions(trx, id) };
}

/** A meeting poll as its room keeps it (counts always; the room's presenter hides them). */
export function roomPollOf(poll: PollWithOptions): RoomPoll {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: poll.id,
    question: poll.question,
    choice: poll.choice,
    anonymous: poll.anonymous,
    results: poll.results,
    status: poll.status,
    closesAt: iso(poll.closesAt),
    openedAt: iso(poll.openedAt),
    closedAt: iso(poll.closedAt),
    ballotCount: poll.ballotCount,
    options: poll.options.map((o) => ({ id: o.id, label: o.label, votes: o.votes }))
  };
}

export interface PollListOptions {
  /** The state at `now`: an open poll past its closing time lists as closed. */
  status?: PollStatus | undefined;
  eventId?: string | undefined;
  /** Whether drafts are listed (for those who manage polls). */
  drafts: boolean;
  cursor?: CreatedCursor | undefined;
  limit: number;
}

/** A group's polls, newest first, `limit` per page. */
export async function listPolls(
  db: Db,
  groupId: string,
  options: PollListOptions,
  now = new Date()
): Promise<{ items: PollWithOptions[]; next: CreatedCursor | null }> {
  const at = now.toISOString();
  let query = db.kysely.selectFrom('polls').selectAll().where('group_id', '=', groupId);
  if (!options.drafts) query = query.where('status', '!=', 'draft');
  if (options.eventId !== undefined) query = query.where('event_id', '=', options.eventId);
  if (options.status === 'draft') query = query.where('status', '=', 'draft');
  if (options.status === 'open') {
    query = query
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', at)]));
  }
  if (options.status === 'closed') {
    query = query.where((eb) =>
      eb.or([
        eb('status', '=', 'closed'),
        eb.and([eb('status', '=', 'open'), eb('closes_at', '<=', at)])
      ])
    );
  }
  const after = options.cursor;
  if (after) {
    const c = after.createdAt.toISOString();
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', c), eb.and([eb('created_at', '=', c), eb('id', '<', after.id)])])
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items: PollWithOptions[] = [];
  for (const row of rows.slice(0, options.limit)) {
    items.push({ ...presentPollRow(row), options: await pollOptions(db, row.id) });
  }
  const last = items.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/** Who chose each option of a named poll, by option id (empty for an anonymous poll). */
export async function pollVoters(db: Reader, poll: Poll): Promise<Map<string, Person[]>> {
  const voters = new Map<string, Person[]>();
  if (poll.anonymous) return voters;
  const rows = await kyselyOf(db)
    .selectFrom('poll_choices')
    .innerJoin('users', 'users.id', 'poll_choices.user_id')
    .select(['poll_choices.option_id', 'users.id', 'users.name', 'users.handle'])
    .where('poll_choices.poll_id', '=', poll.id)
    .orderBy('users.name')
    .orderBy('users.id')
    .execute();
  for (const row of rows) {
    const list = voters.get(row.option_id) ?? [];
    list.push({ id: row.id, displayName: row.name, handle: row.handle });
    voters.set(row.option_id, list);
  }
  return voters;
}

/** What the caller did in a poll: whether they answered and (named polls) what they chose. */
export async function myBallot(
  db: Reader,
  poll: Poll,
  userId: string
): Promise<{ answered: boolean; optionIds: string[] | null }> {
  const k = kyselyOf(db);
  const ballot = await k
    .selectFrom('poll_ballots')
    .select('user_id')
    .where('poll_id', '=', poll.id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (poll.anonymous) return { answered: ballot !== undefined, optionIds: null };
  const chosen = await k
    .selectFrom('poll_choices')
    .innerJoin('poll_options', 'poll_options.id', 'poll_choices.option_id')
    .select('poll_choices.option_id')
    .where('poll_choices.poll_id', '=', poll.id)
    .where('poll_choices.user_id', '=', userId)
    .orderBy('poll_options.position')
    .execute();
  return { answered: ballot !== undefined, optionIds: chosen.map((c) => c.option_id) };
}

/** What a viewer's standing says about a poll. */
export interface PollViewer {
  userId: string | null;
  /** Holds `poll.manage` in the poll's group. */
  canManage: boolean;
  /** May answer polls like this one (membership; for meeting polls, the room), state aside. */
  mayAnswer: boolean;
}

/**
 * A poll as `viewer` sees it: counts and percentages only where results show, voters only for a
 * named poll whose results show, never for an anonymous one.
 */
export async function presentPoll(
  db: Db,
  poll: PollWithOptions,
  viewer: PollViewer,
  persons: { createdBy: Person | null },
  now = new Date()
) {
  const state = pollState(poll, now);
  const visible = resultsVisible(poll, now, viewer.canManage);
  const results = pollResults(poll.options, poll.ballotCount);
  const voters = visible && !poll.anonymous ? await pollVoters(db, poll) : null;
  const my = viewer.userId === null ? null : await myBallot(db, poll, viewer.userId);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: poll.id,
    groupId: poll.groupId,
    eventId: poll.eventId,
    question: poll.question,
    choice: poll.choice,
    anonymous: poll.anonymous,
    results: poll.results,
    status: state,
    closesAt: iso(poll.closesAt),
    openedAt: iso(poll.openedAt),
    closedAt: iso(poll.closedAt ?? (state === 'closed' ? poll.closesAt : null)),
    createdAt: poll.createdAt.toISOString(),
    createdBy: persons.createdBy,
    ballotCount: poll.ballotCount,
    resultsVisible: visible,
    options: results.map((o) => ({
      id: o.id,
      label: o.label,
      votes: visible ? o.votes : null,
      percent: visible ? o.percent : null,
      voters: voters ? (voters.get(o.id) ?? []) : null
    })),
    my,
    viewer: {
      canManage: viewer.canManage,
      canAnswer: viewer.mayAnswer && state === 'open' && my !== null && !my.answered
    }
  };
}

/** The wire shape of a poll. */
export type PollJson = Awaited<ReturnType<typeof presentPoll>>;
