import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import {
  AGENDA_KINDS,
  type AgendaKind,
  type AgendaTiming,
  agendaTiming,
  insertionIndex,
  minutesBetween
} from '../domain/agenda.ts';
import type { Person } from './person.service.ts';

/** One item of a meeting's agenda, with what it refers to. */
export interface AgendaItem {
  id: string;
  position: number;
  kind: AgendaKind;
  title: string;
  durationMinutes: number;
  talk: { id: string; title: string; level: string; speaker: { id: string; name: string } } | null;
  topic: { id: string; title: string } | null;
  moderator: Person | null;
  /** The voting round that put this topic here; null when placed by hand. */
  fromRound: string | null;
}

/** A meeting's agenda in order, and how it fits the meeting's length. */
export interface Agenda {
  eventId: string;
  items: AgendaItem[];
  timing: AgendaTiming;
}

/** An item to put on an agenda (by a service: a voting round, an accepted talk). */
export interface NewAgendaItem {
  kind: AgendaKind;
  title: string;
  durationMinutes: number;
  talkId?: string | null | undefined;
  topicId?: string | null | undefined;
  moderatorId?: string | null | undefined;
  roundId?: string | null | undefined;
}

/** One item of a whole agenda an organizer or host sets; `id` keeps an existing item. */
export interface AgendaItemInput {
  id?: string | undefined;
  kind: AgendaKind;
  title: string;
  durationMinutes: number;
  talkId?: string | null | undefined;
  topicId?: string | null | undefined;
  moderatorId?: string | null | undefined;
}

/**
 * An agenda change refused: `field` names the input at fault (`items.2.talkId`) with a message
 * key under `validation.`; without a field, `problem` is a conflict (`problem.conflict.<problem>`).
 */
export class AgendaError extends Error {
  readonly problem: string;
  readonly field: string | undefined;
  constructor(problem: string, field?: string) {
    super(problem);
    this.name = 'AgendaError';
    this.problem = problem;
    this.field = field;
  }
}

function isAgendaKind(value: string): value is AgendaKind {
  return (AGENDA_KINDS as readonly string[]).includes(value);
}

/** The items of a meeting's agenda in order, with their talks, topics and moderators. */
async function agendaItems(kysely: Kysely<Database>, eventId: string): Promise<AgendaItem[]> {
  const rows = await kysely
    .selectFrom('agenda_items as ai')
    .leftJoin('talks as t', 't.id', 'ai.talk_id')
    .leftJoin('speakers as s', 's.id', 't.speaker_id')
    .leftJoin('topics as tp', 'tp.id', 'ai.topic_id')
    .leftJoin('users as u', 'u.id', 'ai.moderator_id')
    .select([
      'ai.id',
      'ai.position',
      'ai.kind',
      'ai.title',
      'ai.duration_minutes',
      'ai.round_id',
      't.id as talk_id',
      't.title as talk_title',
      't.level as talk_level',
      's.id as speaker_id',
      's.name as speaker_name',
      'tp.id as topic_id',
      'tp.title as topic_title',
      'u.id as moderator_id',
      'u.name as moderator_name',
      'u.handle as moderator_handle'
    ])
    .where('ai.event_id', '=', eventId)
    .orderBy('ai.position')
    .orderBy('ai.id')
    .execute();
  return rows.map((r, index) => ({
    id: r.id,
    position: index,
    kind: isAgendaKind(r.kind) ? r.kind : 'break',
    title: r.title,
    durationMinutes: r.duration_minutes,
    talk:
      r.talk_id !== null && r.talk_title !== null
        ? {
            id: r.talk_id,
            title: r.talk_title,
            level: r.talk_level ?? 'beginner',
            speaker: { id: r.speaker_id ?? '', name: r.speaker_name ?? '' }
          }
        : null,
    topic:
      r.topic_id !== null && r.topic_title !== null
        ? { id: r.topic_id, title: r.topic_title }
        : null,
    moderator:
      r.moderator_id !== null
        ? {
            id: r.moderator_id,
            displayName: r.moderator_name ?? '',
            handle: r.moderator_handle ?? ''
          }
        : null,
    fromRound: r.round_id
  }));
}

/**
 * A meeting's agenda: its items in order and their timing against the meeting's length (start to
 * end). A meeting that does not exist has an empty agenda of zero minutes.
 *
 * @example
 * const { items, timing } = await agendaOf(db, meeting.id);
 * if (timing.overMinutes > 0) console.warn('the agenda runs over');
 */
export async function agendaOf(db: Db | Kysely<Database>, eventId: string): Promise<Agenda> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const event = await kysely
    .selectFrom('events')
    .select(['starts_at', 'ends_at'])
    .where('id', '=', eventId)
    .executeTakeFirst();
  const items = event ? await agendaItems(kysely, eventId) : [];
  const meetingMinutes = event
    ? Math.max(0, minutesBetween(new Date(event.starts_at), new Date(event.ends_at)))
    : 0;
  return { eventId, items, timing: agendaTiming(items, meetingMinutes) };
}

/** Renumbers a meeting's agenda 0, 1, 2, … in its current order (after an item left it). */
export async function compactAgenda(trx: Kysely<Database>, eventId: string): Promise<void> {
  const rows = await trx
    .selectFrom('agenda_items')
    .select(['id', 'position'])
    .where('event_id', '=', eventId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  for (const [index, row] of rows.entries()) {
    if (row.position !== index) {
      await trx
        .updateTable('agenda_items')
        .set({ position: index })
        .where('id', '=', row.id)
        .execute();
    }
  }
}

/**
 * Makes room at the place where a new talk or topic goes (after the last talk or topic, before a
 * trailing break or networking block) and returns that position.
 */
async function openSlot(trx: Kysely<Database>, eventId: string): Promise<number> {
  const rows = await trx
    .selectFrom('agenda_items')
    .select(['kind'])
    .where('event_id', '=', eventId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  await compactAgenda(trx, eventId);
  const index = insertionIndex(rows.map((r) => (isAgendaKind(r.kind) ? r.kind : 'break')));
  await trx
    .updateTable('agenda_items')
    .set((eb) => ({ position: eb('position', '+', 1) }))
    .where('event_id', '=', eventId)
    .where('position', '>=', index)
    .execute();
  return index;
}

/**
 * Puts an item on a meeting's agenda, inside the caller's transaction: after the last talk or
 * topic, before a trailing break or networking block (see `insertionIndex`). Returns its id.
 * On PostgreSQL the caller holds the meeting's row lock (`lockMeeting`), as agenda writers do.
 *
 * @example
 * await appendAgendaItem(trx, eventId, { kind: 'topic', title: 'Flaky tests', durationMinutes: 30, topicId, roundId });
 */
export async function appendAgendaItem(
  trx: Kysely<Database>,
  eventId: string,
  item: NewAgendaItem,
  now = new Date()
): Promise<string> {
  const id = randomUUID();
  const position = await openSlot(trx, eventId);
  const at = now.toISOString();
  await trx
    .insertInto('agenda_items')
    .values({
      id,
      event_id: eventId,
      position,
      kind: item.kind,
      title: item.title,
      duration_minutes: item.durationMinutes,
      talk_id: item.talkId ?? null,
      topic_id: item.topicId ?? null,
      moderator_id: item.moderatorId ?? null,
      round_id: item.roundId ?? null,
      created_at: at,
      updated_at: at
    })
    .execute();
  return id;
}

/**
 * Puts an accepted talk on the agenda of `eventId`: an item already there stays; an item on
 * another meeting's agenda moves over (keeping its id); otherwise a new 'talk' item is added.
 */
export async function placeTalkOnAgenda(
  trx: Kysely<Database>,
  talk: { id: string; title: string; durationMinutes: number },
  eventId: string,
  now = new Date()
): Promise<void> {
  const existing = await trx
    .selectFrom('agenda_items')
    .select(['id', 'event_id'])
    .where('talk_id', '=', talk.id)
    .orderBy('id')
    .execute();
  if (existing.some((row) => row.event_id === eventId)) {
    // Already on this agenda; copies elsewhere (there should be none) leave.
    await removeTalkFromAgendas(trx, talk.id, eventId);
    return;
  }
  const [moving, ...others] = existing;
  if (!moving) {
    await appendAgendaItem(
      trx,
      eventId,
      { kind: 'talk', title: talk.title, durationMinutes: talk.durationMinutes, talkId: talk.id },
      now
    );
    return;
  }
  for (const row of others) {
    await trx.deleteFrom('agenda_items').where('id', '=', row.id).execute();
  }
  const position = await openSlot(trx, eventId);
  await trx
    .updateTable('agenda_items')
    .set({ event_id: eventId, position, updated_at: now.toISOString() })
    .where('id', '=', moving.id)
    .execute();
  const left = new Set([moving.event_id, ...others.map((r) => r.event_id)]);
  for (const oldEvent of left) await compactAgenda(trx, oldEvent);
}

/** Takes a talk off every agenda (but that of `exceptEventId`), closing the gaps it leaves. */
export async function removeTalkFromAgendas(
  trx: Kysely<Database>,
  talkId: string,
  exceptEventId?: string
): Promise<void> {
  let query = trx
    .selectFrom('agenda_items')
    .select(['id', 'event_id'])
    .where('talk_id', '=', talkId);
  if (exceptEventId) query = query.where('event_id', '!=', exceptEventId);
  const rows = await query.execute();
  if (rows.length === 0) return;
  await trx
    .deleteFrom('agenda_items')
    .where(
      'id',
      'in',
      rows.map((r) => r.id)
    )
    .execute();
  for (const eventId of new Set(rows.map((r) => r.event_id))) {
    await compactAgenda(trx, eventId);
  }
}
