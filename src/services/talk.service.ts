import { type Kysely, sql, type SqlBool } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import type { Person } from './person.service.ts';

/** How much a talk expects of its audience. */
export const TALK_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type TalkLevel = (typeof TALK_LEVELS)[number];

/** proposed → accepted (into a meeting) | declined | later; withdrawn by the submitter. */
export const TALK_STATUSES = ['proposed', 'accepted', 'declined', 'later', 'withdrawn'] as const;
export type TalkStatus = (typeof TALK_STATUSES)[number];

/** A talk proposal and, once accepted, a talk at a meeting. */
export interface Talk {
  id: string;
  groupId: string;
  title: string;
  abstract: string;
  durationMinutes: number;
  level: TalkLevel;
  status: TalkStatus;
  speaker: { id: string; name: string; company: string | null; userId: string | null };
  event: { id: string; title: string; startsAt: Date; endsAt: Date; timeZone: string } | null;
  slidesUrl: string | null;
  recordingUrl: string | null;
  /** Why it was declined or kept for later: for the submitter and those who decide only. */
  decisionNote: string | null;
  submittedBy: Person | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a member submits (and an organizer, for an invited speaker). */
export interface TalkInput {
  title: string;
  abstract?: string | undefined;
  durationMinutes: number;
  level: TalkLevel;
}

/** What may change on a talk; `null` clears a link. */
export interface TalkChanges extends Partial<TalkInput> {
  slidesUrl?: string | null | undefined;
  recordingUrl?: string | null | undefined;
}

/**
 * A talk change refused: with a `field`, a 400 on that input (message key under `validation.`);
 * `notFound` is a 404; anything else a 409 (`problem.conflict.<problem>`).
 */
export class TalkError extends Error {
  readonly problem: string;
  readonly field: string | undefined;
  constructor(problem: string, field?: string) {
    super(problem);
    this.name = 'TalkError';
    this.problem = problem;
    this.field = field;
  }
}

function isLevel(value: string): value is TalkLevel {
  return (TALK_LEVELS as readonly string[]).includes(value);
}

function isStatus(value: string): value is TalkStatus {
  return (TALK_STATUSES as readonly string[]).includes(value);
}

function talkQuery(kysely: Kysely<Database>) {
  return kysely
    .selectFrom('talks as t')
    .innerJoin('speakers as s', 's.id', 't.speaker_id')
    .leftJoin('events as e', 'e.id', 't.event_id')
    .leftJoin('users as u', 'u.id', 't.submitted_by')
    .selectAll('t')
    .select([
      's.name as speaker_name',
      's.company as speaker_company',
      's.user_id as speaker_user_id',
      'e.title as event_title',
      'e.starts_at as event_starts_at',
      'e.ends_at as event_ends_at',
      'e.time_zone as event_time_zone',
      'u.name as submitter_name',
      'u.handle as submitter_handle'
    ]);
}

type TalkRow = Awaited<ReturnType<ReturnType<typeof talkQuery>['executeTakeFirstOrThrow']>>;

function presentTalk(row: TalkRow): Talk {
  return {
    id: row.id,
    groupId: row.group_id,
    title: row.title,
    abstract: row.abstract,
    durationMinutes: row.duration_minutes,
    level: isLevel(row.level) ? row.level : 'beginner',
    status: isStatus(row.status) ? row.status : 'proposed',
    speaker: {
      id: row.speaker_id,
      name: row.speaker_name,
      company: row.speaker_company,
      userId: row.speaker_user_id
    },
    event:
      row.event_id !== null && row.event_title !== null && row.event_starts_at !== null
        ? {
            id: row.event_id,
            title: row.event_title,
            startsAt: toDate(row.event_starts_at),
            endsAt: toDate(row.event_ends_at ?? row.event_starts_at),
            timeZone: row.event_time_zone ?? 'UTC'
          }
        : null,
    slidesUrl: row.slides_url,
    recordingUrl: row.recording_url,
    decisionNote: row.decision_note,
    submittedBy:
      row.submitted_by !== null
        ? {
            id: row.submitted_by,
            displayName: row.submitter_name ?? '',
            handle: row.submitter_handle ?? ''
          }
        : null,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

/** Whose proposals a list holds: all, accepted ones plus one member's own, or accepted only. */
export type TalkScope = { all: true } | { all: false; ownerId: string | null };

/** Where a page of talks ends: the last creation time and id seen (newest first). */
export interface TalkCursor {
  createdAt: Date;
  id: string;
}

/** A page of a group's talks, newest proposal first, limited to what `scope` may see. */
export async function listTalks(
  db: Db,
  groupId: string,
  options: {
    scope: TalkScope;
    status: TalkStatus | 'all';
    limit: number;
    cursor?: TalkCursor | undefined;
  }
): Promise<{ items: Talk[]; next: TalkCursor | null }> {
  let query = talkQuery(db.kysely).where('t.group_id', '=', groupId);
  if (options.status !== 'all') query = query.where('t.status', '=', options.status);
  const { scope } = options;
  if (!scope.all) {
    const ownerId = scope.ownerId;
    query = query.where((eb) =>
      ownerId === null
        ? eb('t.status', '=', 'accepted')
        : eb.or([eb('t.status', '=', 'accepted'), eb('t.submitted_by', '=', ownerId)])
    );
  }
  if (options.cursor) {
    const at = options.cursor.createdAt.toISOString();
    const id = options.cursor.id;
    query = query.where(
      sql<SqlBool>`(${sql.ref('t.created_at')} < ${at} or (${sql.ref('t.created_at')} = ${at} and ${sql.ref('t.id')} < ${id}))`
    );
  }
  const rows = await query
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map(presentTalk);
  const last = items.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/** One talk of a group; another group's talk is `undefined`. */
export async function getTalk(
  db: Db | Kysely<Database>,
  groupId: string,
  id: string
): Promise<Talk | undefined> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const row = await talkQuery(kysely)
    .where('t.id', '=', id)
    .where('t.group_id', '=', groupId)
    .executeTakeFirst();
  return row ? presentTalk(row) : undefined;
}

/** The accepted talks of a speaker, newest meeting first. */
export async function talksOfSpeaker(db: Db, groupId: string, speakerId: string): Promise<Talk[]> {
  const rows = await talkQuery(db.kysely)
    .where('t.group_id', '=', groupId)
    .where('t.speaker_id', '=', speakerId)
    .where('t.status', '=', 'accepted')
    .orderBy('e.starts_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(500)
    .execute();
  return rows.map(presentTalk);
}

/** Whether `talk` was submitted by `userId`. */
export function isSubmitter(talk: Pick<Talk, 'submittedBy'>, userId: string | null): boolean {
  return userId !== null && talk.submittedBy?.id === userId;
}

/** Whether a talk was given already: accepted into a meeting that has ended. */
export function isGiven(talk: Pick<Talk, 'status' | 'event'>, now = new Date()): boolean {
  return (
    talk.status === 'accepted' &&
    talk.event !== null &&
    talk.event.endsAt.getTime() <= now.getTime()
  );
}

/** Whether the submitter may still change what the talk is about (not its links). */
export function submitterMayEdit(talk: Pick<Talk, 'status'>): boolean {
  return talk.status === 'proposed' || talk.status === 'later';
}

/** Whether the submitter may withdraw it: not yet decided against, withdrawn, or given. */
export function mayWithdraw(talk: Pick<Talk, 'status' | 'event'>, now = new Date()): boolean {
  return (
    (talk.status === 'proposed' || talk.status === 'later' || talk.status === 'accepted') &&
    !isGiven(talk, now)
  );
}
