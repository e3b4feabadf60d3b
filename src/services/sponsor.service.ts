import { randomUUID } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SponsorsTable } from '../db/schema.ts';
import { dbBool, parseJsonList, toBool, toDate } from '../db/values.ts';
import { recordAudit } from './audit.service.ts';

/** What a sponsor gives, in the order they are listed. */
export const SPONSOR_CONTRIBUTIONS = ['room', 'food', 'speakers', 'money'] as const;
export type SponsorContribution = (typeof SPONSOR_CONTRIBUTIONS)[number];

/** Someone who supports a group; credited publicly. Archived sponsors stay on past meetings. */
export interface Sponsor {
  id: string;
  groupId: string;
  name: string;
  url: string | null;
  contributions: SponsorContribution[];
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What an organizer sets; `url: null` clears the link. */
export interface SponsorInput {
  name: string;
  url?: string | null | undefined;
  contributions?: readonly SponsorContribution[] | undefined;
}

function isContribution(value: string): value is SponsorContribution {
  return (SPONSOR_CONTRIBUTIONS as readonly string[]).includes(value);
}

/**
 * The contributions as a set, in their canonical order; anything unknown is dropped.
 *
 * @example
 * normalizeContributions(['money', 'room', 'money']); // ['room', 'money']
 */
export function normalizeContributions(values: readonly string[]): SponsorContribution[] {
  const given = new Set(values);
  return SPONSOR_CONTRIBUTIONS.filter((c) => given.has(c));
}

export function presentSponsor(row: Selectable<SponsorsTable>): Sponsor {
  return {
    id: row.id,
    groupId: row.group_id,
    name: row.name,
    url: row.url,
    contributions: normalizeContributions(parseJsonList(row.contributions).filter(isContribution)),
    archived: toBool(row.archived),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

function columns(input: Partial<SponsorInput>): Updateable<SponsorsTable> {
  const set: Updateable<SponsorsTable> = {};
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.url !== undefined) set.url = input.url === null || input.url === '' ? null : input.url;
  if (input.contributions !== undefined) {
    set.contributions = JSON.stringify(normalizeContributions(input.contributions));
  }
  return set;
}

/** A group's sponsors by name; archived ones only with `includeArchived`. */
export async function listSponsors(
  db: Db,
  groupId: string,
  options: { includeArchived?: boolean } = {}
): Promise<Sponsor[]> {
  let query = db.kysely.selectFrom('sponsors').selectAll().where('group_id', '=', groupId);
  if (!options.includeArchived) query = query.where('archived', '=', dbBool(db, false));
  const rows = await query
    .orderBy((eb) => eb.fn('lower', ['name']))
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map(presentSponsor);
}

/** One sponsor of a group (archived or not); another group's sponsor is `undefined`. */
export async function getSponsor(
  db: Db,
  groupId: string,
  id: string
): Promise<Sponsor | undefined> {
  const row = await db.kysely
    .selectFrom('sponsors')
    .selectAll()
    .where('id', '=', id)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return row ? presentSponsor(row) : undefined;
}

/**
 * Sponsors by id, of any group and archived or not, in name order; unknown ids are left out.
 *
 * @example
 * const sponsors = await findSponsors(db, ['s1', 's2']);
 */
export async function findSponsors(db: Db, ids: readonly string[]): Promise<Sponsor[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db.kysely
    .selectFrom('sponsors')
    .selectAll()
    .where('id', 'in', unique)
    .orderBy((eb) => eb.fn('lower', ['name']))
    .orderBy('id')
    .execute();
  return rows.map(presentSponsor);
}

/** The sponsors credited on one meeting (archived ones too: the credit stays), in name order. */
export async function sponsorsOfEvent(db: Db, eventId: string): Promise<Sponsor[]> {
  const rows = await db.kysely
    .selectFrom('event_sponsors as es')
    .innerJoin('sponsors as s', 's.id', 'es.sponsor_id')
    .selectAll('s')
    .where('es.event_id', '=', eventId)
    .orderBy((eb) => eb.fn('lower', ['s.name']))
    .orderBy('s.id')
    .execute();
  return rows.map(presentSponsor);
}

/** Adds a sponsor to a group (audited). */
export async function createSponsor(
  db: Db,
  groupId: string,
  actorId: string,
  input: SponsorInput,
  now = new Date()
): Promise<Sponsor> {
  const id = randomUUID();
  const at = now.toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('sponsors')
      .values({
        id,
        group_id: groupId,
        name: input.name.trim(),
        contributions: '[]',
        ...columns(input),
        archived: dbBool(db, false),
        created_at: at,
        updated_at: at
      })
      .execute();
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'sponsor.created',
      details: { sponsorId: id, name: input.name.trim() }
    });
  });
  const sponsor = await getSponsor(db, groupId, id);
  if (!sponsor) throw new Error('sponsor vanished after creation');
  return sponsor;
}

/**
 * Changes a group's sponsor (archived ones too). Returns `undefined` when the group has no
 * sponsor with this id.
 */
export async function updateSponsor(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  changes: Partial<SponsorInput>
): Promise<Sponsor | undefined> {
  const found = await db.kysely.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('sponsors')
      .set({ ...columns(changes), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'sponsor.updated',
      details: { sponsorId: id, fields: Object.keys(changes) }
    });
    return true;
  });
  return found ? getSponsor(db, groupId, id) : undefined;
}

/**
 * Archives a group's sponsor (a soft delete): it leaves the group's lists, while the meetings it
 * supported keep crediting it. Archiving twice is harmless. Returns false when the group has no
 * sponsor with this id.
 */
export async function archiveSponsor(
  db: Db,
  groupId: string,
  id: string,
  actorId: string
): Promise<boolean> {
  return db.kysely.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('sponsors')
      .select(['archived', 'name'])
      .where('id', '=', id)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    if (!row) return false;
    if (toBool(row.archived)) return true;
    await trx
      .updateTable('sponsors')
      .set({ archived: dbBool(db, true), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'sponsor.archived',
      details: { sponsorId: id, name: row.name }
    });
    return true;
  });
}
