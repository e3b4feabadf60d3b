import { randomUUID } from 'node:crypto';
import { type Kysely, type Updateable, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, SpeakersTable } from '../db/schema.ts';
import { toDate } from '../db/values.ts';
import type { Person } from './person.service.ts';
import { recordAudit } from './audit.service.ts';

/** Someone who gives talks in a group: a member, or an invited guest without an account here. */
export interface Speaker {
  id: string;
  groupId: string;
  name: string;
  bio: string;
  company: string | null;
  /** How organizers reach an invited speaker: private to `speaker.manage`. */
  contact: string | null;
  /** The member who speaks; null for an invited speaker (or when the account is gone). */
  member: Person | null;
  invited: boolean;
  /** Accepted talks. */
  talkCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What an organizer sets on an invited speaker; `null` clears a field. */
export interface SpeakerInput {
  name: string;
  bio?: string | undefined;
  company?: string | null | undefined;
  contact?: string | null | undefined;
}

function speakerQuery(kysely: Kysely<Database>) {
  return kysely
    .selectFrom('speakers as s')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select([
      'u.name as member_name',
      'u.handle as member_handle',
      (eb) =>
        eb
          .selectFrom('talks as t')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('t.speaker_id', '=', 's.id')
          .where('t.status', '=', 'accepted')
          .as('talk_count')
    ]);
}

type SpeakerRow = Awaited<ReturnType<ReturnType<typeof speakerQuery>['executeTakeFirstOrThrow']>>;

function presentSpeaker(row: SpeakerRow): Speaker {
  return {
    id: row.id,
    groupId: row.group_id,
    name: row.name,
    bio: row.bio,
    company: row.company,
    contact: row.contact,
    member:
      row.user_id !== null
        ? {
            id: row.user_id,
            displayName: row.member_name ?? row.name,
            handle: row.member_handle ?? ''
          }
        : null,
    invited: row.user_id === null,
    talkCount: Number(row.talk_count ?? 0),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

/**
 * A group's speakers by name: those with at least one accepted talk, or all of them (`all`, for
 * those who manage speakers).
 */
export async function listSpeakers(
  db: Db,
  groupId: string,
  options: { all: boolean }
): Promise<Speaker[]> {
  let query = speakerQuery(db.kysely).where('s.group_id', '=', groupId);
  if (!options.all) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('talks as t')
          .select('t.id')
          .whereRef('t.speaker_id', '=', 's.id')
          .where('t.status', '=', 'accepted')
      )
    );
  }
  const rows = await query
    .orderBy((eb) => eb.fn('lower', ['s.name']))
    .orderBy('s.id')
    .limit(1000)
    .execute();
  return rows.map(presentSpeaker);
}

/** One speaker of a group; another group's speaker is `undefined`. */
export async function getSpeaker(
  db: Db | Kysely<Database>,
  groupId: string,
  id: string
): Promise<Speaker | undefined> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const row = await speakerQuery(kysely)
    .where('s.id', '=', id)
    .where('s.group_id', '=', groupId)
    .executeTakeFirst();
  return row ? presentSpeaker(row) : undefined;
}

/** The speaker row of a member in a group, if they have one. */
export async function memberSpeakerId(
  db: Db | Kysely<Database>,
  groupId: string,
  userId: string
): Promise<string | undefined> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const row = await kysely
    .selectFrom('speakers')
    .select('id')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.id;
}

/**
 * The member's speaker row in a group, created on first use from their profile's name and bio
 * (inside the caller's transaction; two first uses at once share one row).
 */
export async function ensureMemberSpeaker(
  trx: Kysely<Database>,
  groupId: string,
  userId: string,
  now = new Date()
): Promise<string> {
  const found = await memberSpeakerId(trx, groupId, userId);
  if (found) return found;
  const user = await trx
    .selectFrom('users')
    .select(['name', 'bio'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const at = now.toISOString();
  await trx
    .insertInto('speakers')
    .values({
      id: randomUUID(),
      group_id: groupId,
      user_id: userId,
      name: user.name,
      bio: user.bio,
      company: null,
      contact: null,
      created_at: at,
      updated_at: at
    })
    .onConflict((oc) =>
      oc.columns(['group_id', 'user_id']).where(sql.ref('user_id'), 'is not', null).doNothing()
    )
    .execute();
  const id = await memberSpeakerId(trx, groupId, userId);
  if (!id) throw new Error('speaker vanished after creation');
  return id;
}

/** An invited speaker of the group (no account), or `undefined`. */
export async function findInvitedSpeaker(
  trx: Kysely<Database>,
  groupId: string,
  id: string
): Promise<{ id: string } | undefined> {
  return trx
    .selectFrom('speakers')
    .select('id')
    .where('id', '=', id)
    .where('group_id', '=', groupId)
    .where('user_id', 'is', null)
    .executeTakeFirst();
}

function trimOrNull(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function columns(input: Partial<SpeakerInput>): Updateable<SpeakersTable> {
  const set: Updateable<SpeakersTable> = {};
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.bio !== undefined) set.bio = input.bio;
  const company = trimOrNull(input.company);
  if (company !== undefined) set.company = company;
  const contact = trimOrNull(input.contact);
  if (contact !== undefined) set.contact = contact;
  return set;
}

/** Adds an invited speaker (no account) to a group (audited). */
export async function createSpeaker(
  db: Db,
  groupId: string,
  actorId: string,
  input: SpeakerInput,
  now = new Date()
): Promise<Speaker> {
  const id = randomUUID();
  const at = now.toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('speakers')
      .values({
        id,
        group_id: groupId,
        user_id: null,
        name: input.name.trim(),
        bio: '',
        company: null,
        contact: null,
        ...columns(input),
        created_at: at,
        updated_at: at
      })
      .execute();
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'speaker.created',
      details: { speakerId: id, name: input.name.trim() }
    });
  });
  const speaker = await getSpeaker(db, groupId, id);
  if (!speaker) throw new Error('speaker vanished after creation');
  return speaker;
}

/**
 * Changes a group's speaker; `audited` records it (an organizer's change, not a member editing
 * their own bio). Returns `undefined` when the group has no speaker with this id.
 */
export async function updateSpeaker(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  changes: Partial<SpeakerInput>,
  options: { audited: boolean }
): Promise<Speaker | undefined> {
  const found = await db.kysely.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('speakers')
      .set({ ...columns(changes), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    if (options.audited) {
      await recordAudit(trx, {
        groupId,
        actorId,
        action: 'speaker.updated',
        details: { speakerId: id, fields: Object.keys(changes) }
      });
    }
    return true;
  });
  return found ? getSpeaker(db, groupId, id) : undefined;
}
