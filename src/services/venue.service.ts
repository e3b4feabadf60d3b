import { randomUUID } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { VenuesTable } from '../db/schema.ts';
import { dbBool, toBool, toDate } from '../db/values.ts';
import { recordAudit } from './audit.service.ts';

/** A place where a group meets. Archived venues stay readable: past meetings keep showing them. */
export interface Venue {
  id: string;
  groupId: string;
  name: string;
  address: string;
  room: string | null;
  capacity: number | null;
  /** Plain text (never rendered as markdown): step-free access, lifts, toilets, quiet room. */
  accessibility: string;
  /** Who provides the place (a company, a university). */
  host: string | null;
  latitude: number | null;
  longitude: number | null;
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What an organizer sets; `null` clears an optional field. Latitude and longitude come as a pair. */
export interface VenueInput {
  name: string;
  address: string;
  room?: string | null | undefined;
  capacity?: number | null | undefined;
  accessibility?: string | null | undefined;
  host?: string | null | undefined;
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
}

export function presentVenue(row: Selectable<VenuesTable>): Venue {
  return {
    id: row.id,
    groupId: row.group_id,
    name: row.name,
    address: row.address,
    room: row.room,
    capacity: row.capacity,
    accessibility: row.accessibility,
    host: row.host,
    latitude: row.latitude,
    longitude: row.longitude,
    archived: toBool(row.archived),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at)
  };
}

/** An optional text: blank reads as none. */
function optionalText(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value.trim();
}

function columns(input: Partial<VenueInput>): Updateable<VenuesTable> {
  const set: Updateable<VenuesTable> = {};
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.address !== undefined) set.address = input.address.trim();
  if (input.room !== undefined) set.room = optionalText(input.room);
  if (input.capacity !== undefined) set.capacity = input.capacity;
  if (input.accessibility !== undefined) set.accessibility = (input.accessibility ?? '').trim();
  if (input.host !== undefined) set.host = optionalText(input.host);
  if (input.latitude !== undefined) set.latitude = input.latitude;
  if (input.longitude !== undefined) set.longitude = input.longitude;
  return set;
}

/** Latitude and longitude are both set or both empty; the HTTP schema refuses anything else. */
function assertCoordinatePair(latitude: number | null, longitude: number | null): void {
  if ((latitude === null) !== (longitude === null)) {
    throw new RangeError('a venue needs both latitude and longitude, or neither');
  }
}

/** A group's venues by name; archived ones only with `includeArchived`. */
export async function listVenues(
  db: Db,
  groupId: string,
  options: { includeArchived?: boolean } = {}
): Promise<Venue[]> {
  let query = db.kysely.selectFrom('venues').selectAll().where('group_id', '=', groupId);
  if (!options.includeArchived) query = query.where('archived', '=', dbBool(db, false));
  const rows = await query
    .orderBy((eb) => eb.fn('lower', ['name']))
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map(presentVenue);
}

/** One venue of a group (archived or not); another group's venue is `undefined`. */
export async function getVenue(db: Db, groupId: string, id: string): Promise<Venue | undefined> {
  const row = await db.kysely
    .selectFrom('venues')
    .selectAll()
    .where('id', '=', id)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return row ? presentVenue(row) : undefined;
}

/**
 * Venues by id, of any group and archived or not, in name order; unknown ids are left out. For
 * pages that show the venues of meetings.
 *
 * @example
 * const byId = new Map((await findVenues(db, meetings.map((m) => m.venueId))).map((v) => [v.id, v]));
 */
export async function findVenues(db: Db, ids: readonly (string | null)[]): Promise<Venue[]> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (unique.length === 0) return [];
  const rows = await db.kysely
    .selectFrom('venues')
    .selectAll()
    .where('id', 'in', unique)
    .orderBy((eb) => eb.fn('lower', ['name']))
    .orderBy('id')
    .execute();
  return rows.map(presentVenue);
}

/** Adds a venue to a group (audited). */
export async function createVenue(
  db: Db,
  groupId: string,
  actorId: string,
  input: VenueInput,
  now = new Date()
): Promise<Venue> {
  assertCoordinatePair(input.latitude ?? null, input.longitude ?? null);
  const id = randomUUID();
  const at = now.toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('venues')
      .values({
        id,
        group_id: groupId,
        name: input.name.trim(),
        address: input.address.trim(),
        ...columns(input),
        archived: dbBool(db, false),
        created_at: at,
        updated_at: at
      })
      .execute();
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'venue.created',
      details: { venueId: id, name: input.name.trim() }
    });
  });
  const venue = await getVenue(db, groupId, id);
  if (!venue) throw new Error('venue vanished after creation');
  return venue;
}

/**
 * Changes a group's venue (archived ones too: an address can still be corrected). Returns
 * `undefined` when the group has no venue with this id.
 */
export async function updateVenue(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  changes: Partial<VenueInput>
): Promise<Venue | undefined> {
  const found = await db.kysely.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('venues')
      .select(['id', 'latitude', 'longitude'])
      .where('id', '=', id)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    if (!row) return false;
    assertCoordinatePair(
      changes.latitude === undefined ? row.latitude : changes.latitude,
      changes.longitude === undefined ? row.longitude : changes.longitude
    );
    await trx
      .updateTable('venues')
      .set({ ...columns(changes), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('group_id', '=', groupId)
      .execute();
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'venue.updated',
      details: { venueId: id, fields: Object.keys(changes) }
    });
    return true;
  });
  return found ? getVenue(db, groupId, id) : undefined;
}

/**
 * Archives a group's venue (a soft delete): it leaves the group's lists, while the meetings that
 * used it keep showing it. Archiving twice is harmless. Returns false when the group has no venue
 * with this id.
 */
export async function archiveVenue(
  db: Db,
  groupId: string,
  id: string,
  actorId: string
): Promise<boolean> {
  return db.kysely.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('venues')
      .select(['archived', 'name'])
      .where('id', '=', id)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    if (!row) return false;
    if (toBool(row.archived)) return true;
    await trx
      .updateTable('venues')
      .set({ archived: dbBool(db, true), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'venue.archived',
      details: { venueId: id, name: row.name }
    });
    return true;
  });
}
