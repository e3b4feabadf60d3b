import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../test/factories.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createGroup } from './group.service.ts';
import { rankedTextMatches, type TextQuery } from './group-search-matches.ts';
import { searchGroups } from './group-search.service.ts';

// The kept matches are SQLite's (PostgreSQL ranks with its GIN index every time), so these run on
// SQLite only; group-search.int.test.ts checks every search against brute force on both databases.

const MUNICH = { lat: 48.137, lng: 11.575 };
const CLOUD_K8S: TextQuery = {
  ranked: '"cloud"*',
  narrowed: '"cloud"* tags : "kubernetes"',
  tags: ['kubernetes']
};
const anonymous = { userId: null, isAdmin: false };

describe('kept full-text matches (sqlite)', () => {
  let t: TestDatabase;
  let ownerId: string;
  let counter = 0;

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    ownerId = await insertUser(t.db, 'owner-1');
  });

  afterAll(async () => {
    await t.dispose();
  });

  const group = (name: string, fields: Partial<Parameters<typeof createGroup>[2]> = {}) =>
    createGroup(t.db, ownerId, {
      slug: `g-${++counter}`,
      name,
      kind: 'meetup',
      description: 'Talks and evenings.',
      tags: ['kubernetes'],
      latitude: MUNICH.lat,
      longitude: MUNICH.lng,
      onlineOnly: false,
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open',
      ...fields
    });

  const near = (text: string, tags = ['kubernetes']) =>
    searchGroups(t.db, anonymous, {
      text,
      tags,
      near: { ...MUNICH, radiusKm: 50 },
      sort: 'relevance',
      limit: 20
    }).then((r) => r.items.map((h) => h.group.name));

  it('serves a search from the kept matches until something it depends on changes', async () => {
    const a = await group('Cloud Alpha');
    const first = await rankedTextMatches(t.db, CLOUD_K8S);
    expect(first?.map((m) => m.id)).toEqual([a.id]);
    expect(await rankedTextMatches(t.db, CLOUD_K8S)).toBe(first); // kept

    // A new member changes member_count, which no search result depends on: still kept.
    await t.db.kysely
      .updateTable('groups')
      .set({ member_count: 42 })
      .where('id', '=', a.id)
      .execute();
    expect(await rankedTextMatches(t.db, CLOUD_K8S)).toBe(first);

    // Every column the matches hold or are ranked by, changed with plain SQL (no service code):
    // each makes the next search read again.
    const changes: Record<string, unknown>[] = [
      { name: 'Cloud Alpha Renamed' },
      { description: 'Cloud evenings.' },
      { latitude: 48.2 },
      { longitude: 11.6 },
      { kind: 'practice' },
      { online_only: 1 },
      { visibility: 'private' },
      { hidden_by_admin_at: new Date().toISOString(), hidden_by_admin_reason: 'Spam' }
    ];
    for (const set of changes) {
      const before = await rankedTextMatches(t.db, CLOUD_K8S);
      await t.db.kysely.updateTable('groups').set(set).where('id', '=', a.id).execute();
      expect(await rankedTextMatches(t.db, CLOUD_K8S), JSON.stringify(set)).not.toBe(before);
    }
  });

  it('answers what changed: a new group, a rename, a move, a hidden group, a tag removed, a deletion', async () => {
    await group('Cloud Beta');
    expect(await near('cloud')).toContain('Cloud Beta');
    const gamma = await group('Gamma Native');
    expect(await near('cloud')).not.toContain('Gamma Native');
    await t.db.kysely
      .updateTable('groups')
      .set({ name: 'Cloud Gamma' })
      .where('id', '=', gamma.id)
      .execute();
    expect(await near('cloud')).toContain('Cloud Gamma');
    await t.db.kysely
      .updateTable('groups')
      .set({ latitude: 52.52, longitude: 13.405 })
      .where('id', '=', gamma.id)
      .execute();
    expect(await near('cloud')).not.toContain('Cloud Gamma'); // Berlin is 500 km away
    await t.db.kysely
      .updateTable('groups')
      .set({ latitude: MUNICH.lat, longitude: MUNICH.lng })
      .where('id', '=', gamma.id)
      .execute();
    expect(await near('cloud')).toContain('Cloud Gamma');
    await t.db.kysely
      .updateTable('groups')
      .set({ visibility: 'hidden' })
      .where('id', '=', gamma.id)
      .execute();
    expect(await near('cloud')).not.toContain('Cloud Gamma');
    await t.db.kysely
      .updateTable('groups')
      .set({ visibility: 'public' })
      .where('id', '=', gamma.id)
      .execute();
    await t.db.kysely.deleteFrom('group_tags').where('group_id', '=', gamma.id).execute();
    expect(await near('cloud')).not.toContain('Cloud Gamma'); // the tag is gone
    expect(await near('cloud', [])).toContain('Cloud Gamma');
    await t.db.kysely.deleteFrom('groups').where('id', '=', gamma.id).execute();
    expect(await near('cloud', [])).not.toContain('Cloud Gamma');
  });

  it('sees a change another connection made (the command line, a restore)', async () => {
    const delta = await group('Delta');
    expect(await near('delta')).toEqual(['Delta']);
    const other = new SQLite(t.url);
    try {
      other.prepare('update groups set name = ? where id = ?').run('Epsilon', delta.id);
    } finally {
      other.close();
    }
    expect(await near('delta')).toEqual([]);
    expect(await near('epsilon')).toEqual(['Epsilon']);
  });

  it('shows a hidden group to its members and to admins only', async () => {
    const hidden = await group('Cloud Secret', { visibility: 'hidden', joinPolicy: 'invitation' });
    const member = await insertUser(t.db, 'member-1');
    const stranger = await insertUser(t.db, 'stranger-1');
    const at = new Date().toISOString();
    await t.db.kysely
      .insertInto('memberships')
      .values({
        group_id: hidden.id,
        user_id: member,
        role: 'member',
        status: 'active',
        created_at: at,
        updated_at: at
      })
      .execute();
    const names = (viewer: { userId: string | null; isAdmin: boolean }) =>
      searchGroups(t.db, viewer, { text: 'secret', sort: 'relevance', limit: 20 }).then((r) =>
        r.items.map((h) => h.group.name)
      );
    expect(await names(anonymous)).toEqual([]);
    expect(await names({ userId: stranger, isAdmin: false })).toEqual([]);
    expect(await names({ userId: member, isAdmin: false })).toEqual(['Cloud Secret']);
    expect(await names({ userId: stranger, isAdmin: true })).toEqual(['Cloud Secret']);
  });

  it('finds a group an admin hid from the instance for admins only, not even for its members', async () => {
    const taken = await group('Cloud Takedown');
    const names = (viewer: { userId: string | null; isAdmin: boolean }) =>
      searchGroups(t.db, viewer, { text: 'takedown', sort: 'relevance', limit: 20 }).then((r) =>
        r.items.map((h) => h.group.name)
      );
    expect(await names(anonymous)).toEqual(['Cloud Takedown']);
    await t.db.kysely
      .updateTable('groups')
      .set({ hidden_by_admin_at: new Date().toISOString(), hidden_by_admin_reason: 'Spam' })
      .where('id', '=', taken.id)
      .execute();
    expect(await names(anonymous)).toEqual([]);
    expect(await names({ userId: ownerId, isAdmin: false })).toEqual([]);
    expect(await names({ userId: ownerId, isAdmin: true })).toEqual(['Cloud Takedown']);
  });

  it('keeps nothing for a text too common to keep, and SQL answers instead', async () => {
    for (let i = 0; i < 4; i++) await group(`Common Words ${i}`);
    expect(
      await rankedTextMatches(t.db, { ranked: '"common"*', narrowed: '"common"*', tags: [] }, 3)
    ).toBeNull();
    const result = await searchGroups(
      t.db,
      anonymous,
      { text: 'common', sort: 'relevance', limit: 2 },
      { maxKeptMatches: 3 }
    );
    expect(result.items).toHaveLength(2);
    expect(result.nextCursor).not.toBeNull();
  });
});
