// Mass assignment: a body with extra privileged fields (role, isAdmin, capacity, ownerId, status, …)
// must never store them. The fuzzer sends each extra field with a value nothing legitimate writes
// (capacity 4242, status `hijacked`, the id of a user who never asks, another group's id), takes a
// snapshot of the privileged columns before the request, and after a 2xx looks for that value in a
// cell that changed or a row that is new.
import type { TestApp } from '../test-app.ts';
import type { PrivilegedField } from './json-schema-arbitrary.ts';

/** Tables whose rows carry privileged columns. */
const TABLES = [
  'users',
  'memberships',
  'groups',
  'events',
  'series',
  'venues',
  'sponsors',
  'rsvps',
  'topics',
  'topic_comments',
  'voting_rounds',
  'speakers',
  'talks',
  'polls',
  'posts',
  'post_comments',
  'questions',
  'hands',
  'kudos',
  'feedback',
  'webhooks',
  'reports',
  'api_tokens'
] as const;

/** The columns an extra field could reach, by the field that would reach them. */
const COLUMNS_OF: Record<PrivilegedField, string[]> = {
  role: ['role'],
  isAdmin: ['is_admin'],
  admin: ['is_admin'],
  capacity: ['capacity'],
  status: ['status'],
  groupId: ['group_id'],
  ownerId: ['created_by', 'author_id', 'user_id', 'owner_id'],
  userId: ['created_by', 'author_id', 'user_id', 'owner_id'],
  createdBy: ['created_by', 'author_id', 'user_id', 'owner_id'],
  authorId: ['created_by', 'author_id', 'user_id', 'owner_id']
};
const WATCHED = new Set(Object.values(COLUMNS_OF).flat());

/** The values the extra fields carry: a match in the database means one was stored. */
export interface Sentinels {
  victimId: string;
  otherGroupId: string;
  callerId: string | null;
}

/** The value an extra field is sent with. */
export function sentinelValue(field: PrivilegedField, s: Sentinels): unknown {
  switch (field) {
    case 'role':
      return 'owner';
    case 'isAdmin':
    case 'admin':
      return true;
    case 'capacity':
      return 4242;
    case 'status':
      return 'hijacked';
    case 'groupId':
      return s.otherGroupId;
    case 'ownerId':
    case 'userId':
    case 'createdBy':
    case 'authorId':
      return s.victimId;
  }
}

/** Watched cells by `table/row key/column`. */
export type PrivilegedSnapshot = Map<string, unknown>;

function keyOf(table: string, row: Record<string, unknown>): string {
  if (typeof row.id === 'string') return `${table}/${row.id}`;
  const parts = ['group_id', 'event_id', 'series_id', 'user_id'].filter((c) => c in row);
  return `${table}/${parts.map((c) => String(row[c])).join(':')}`;
}

/** Reads every watched column of every row of the watched tables. */
export async function privilegedSnapshot(t: TestApp): Promise<PrivilegedSnapshot> {
  const k = t.testDb.db.kysely;
  const tables = await Promise.all(
    TABLES.map(async (table) => ({
      table,
      rows: (await k
        .selectFrom(table as 'events')
        .selectAll()
        .execute()) as unknown as Record<string, unknown>[]
    }))
  );
  const cells: PrivilegedSnapshot = new Map();
  for (const { table, rows } of tables) {
    for (const row of rows) {
      const key = keyOf(table, row);
      for (const [column, value] of Object.entries(row)) {
        if (WATCHED.has(column)) cells.set(`${key}/${column}`, value);
      }
      cells.set(`${key}/.row`, row);
    }
  }
  return cells;
}

function sameValue(stored: unknown, sent: unknown): boolean {
  if (sent === true) return stored === true || stored === 1;
  return stored === sent;
}

/**
 * The extra fields whose value ended up stored: cells that changed (or rows that are new) between
 * `before` and `after` and now hold the value the field was sent with.
 *
 * @example
 * storedExtras(before, after, ['capacity'], sentinels); // ['events/ev1/capacity = 4242 (capacity)']
 */
export function storedExtras(
  before: PrivilegedSnapshot,
  after: PrivilegedSnapshot,
  fields: readonly PrivilegedField[],
  s: Sentinels
): string[] {
  const found: string[] = [];
  for (const field of fields) {
    const sent = sentinelValue(field, s);
    for (const column of COLUMNS_OF[field]) {
      for (const [cell, value] of after) {
        if (!cell.endsWith(`/${column}`) || before.get(cell) === value) continue;
        if (!sameValue(value, sent)) continue;
        // The caller becoming owner is what `role` is after; others become owners by transfer.
        if (field === 'role') {
          const row = after.get(cell.replace(/\/role$/, '/.row')) as { user_id?: string };
          if (row.user_id !== s.callerId) continue;
        }
        found.push(`${cell} = ${JSON.stringify(value)} (${field})`);
      }
    }
  }
  return found;
}
