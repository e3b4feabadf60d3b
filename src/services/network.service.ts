import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { toDate } from '../db/values.ts';
import { recordAudit } from './audit.service.ts';
import { type Group, presentGroup, visibleTo } from './group.service.ts';
import { isUniqueViolation } from './profile.service.ts';

/** A brand with chapters in many cities, e.g. "Azure Meetups". */
export interface Network {
  id: string;
  slug: string;
  name: string;
  description: string;
  createdAt: Date;
}

export class NetworkSlugTakenError extends Error {
  constructor() {
    super('network slug taken');
    this.name = 'NetworkSlugTakenError';
  }
}

export async function createNetwork(
  db: Db,
  actorId: string,
  input: { slug: string; name: string; description?: string | undefined }
): Promise<Network> {
  const row = {
    id: randomUUID(),
    slug: input.slug,
    name: input.name,
    description: input.description ?? '',
    created_at: new Date().toISOString()
  };
  try {
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('networks').values(row).execute();
      await recordAudit(trx, {
        groupId: null,
        actorId,
        action: 'network.created',
        details: { slug: input.slug }
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new NetworkSlugTakenError();
    throw error;
  }
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    createdAt: new Date(row.created_at)
  };
}

export async function findNetwork(db: Db, slug: string): Promise<Network | undefined> {
  return findNetworkWhere(db, 'slug', slug);
}

export async function findNetworkById(db: Db, id: string): Promise<Network | undefined> {
  return findNetworkWhere(db, 'id', id);
}

async function findNetworkWhere(
  db: Db,
  column: 'id' | 'slug',
  value: string
): Promise<Network | undefined> {
  const row = await db.kysely
    .selectFrom('networks')
    .selectAll()
    .where(column, '=', value)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        slug: row.slug,
        name: row.name,
        description: row.description,
        createdAt: toDate(row.created_at)
      }
    : undefined;
}

/** All networks, by name. */
export async function listNetworks(db: Db): Promise<Network[]> {
  const rows = await db.kysely.selectFrom('networks').selectAll().orderBy('name').execute();
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    createdAt: toDate(row.created_at)
  }));
}

/** A network's chapters that `viewer` may know of (hidden chapters only for their members and admins), by city. */
export async function networkChapters(
  db: Db,
  networkId: string,
  viewer: { userId: string | null; isAdmin: boolean }
): Promise<Group[]> {
  let query = db.kysely
    .selectFrom('groups as g')
    .selectAll('g')
    .where('g.network_id', '=', networkId);
  if (!viewer.isAdmin) {
    query = query.where(visibleTo(viewer.userId));
  }
  const rows = await query.orderBy('g.city').orderBy('g.name').execute();
  return rows.map(presentGroup);
}

/** Attaches a group to a network as a chapter, or detaches it (`networkId` null). */
export async function setChapter(
  db: Db,
  actorId: string,
  groupId: string,
  networkId: string | null
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('groups')
      .set({ network_id: networkId })
      .where('id', '=', groupId)
      .execute();
    await recordAudit(trx, {
      groupId,
      actorId,
      action: networkId ? 'group.chapter-attached' : 'group.chapter-detached',
      details: { networkId }
    });
  });
}
