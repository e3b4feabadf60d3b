// The health rollup's members: each active member's 90-9-1 tier in the current and the previous
// window, their latest day of activity, how many of the six meetings before the quiet period they
// came to and whether they have gone quiet; and how many members of the previous window have left.

import type { Kysely } from 'kysely';
import {
  daysBefore,
  goneQuiet,
  type HealthSignal,
  isHealthSignal,
  type Tier,
  tierOf
} from '../../domain/health.ts';
import type { Role } from '../../domain/group-policy.ts';
import type { Database } from '../../db/schema.ts';
import { toDate } from '../../db/values.ts';
import { attendeesOf } from './health-meetings.ts';

export interface MemberRow {
  group_id: string;
  user_id: string;
  tier: Tier;
  previous_tier: Tier | null;
  last_active_day: string | null;
  attended_of_six: number;
  quiet: boolean;
  computed_on: string;
}

/** The windows of one group as of `today` (days, inclusive). */
export function healthWindows(today: string, windowDays: number, quietDays: number) {
  return {
    from: daysBefore(today, windowDays - 1),
    to: today,
    previousFrom: daysBefore(today, 2 * windowDays - 1),
    previousTo: daysBefore(today, windowDays),
    quietSince: daysBefore(today, quietDays - 1)
  };
}

const startOf = (day: string) => `${day}T00:00:00.000Z`;

/** A group as the members phase needs it. */
export interface MembersGroup {
  id: string;
  windowDays: number;
  quietDays: number;
}

/** One group's member rows and its count of members who left since the previous window. */
export async function computeGroupMembers(
  k: Kysely<Database>,
  group: MembersGroup,
  today: string
): Promise<{ rows: MemberRow[]; left: number }> {
  const result = (await computeMembers(k, [group], today)).get(group.id);
  return result ?? { rows: [], left: 0 };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const minOf = (values: string[]) => values.reduce((a, b) => (b < a ? b : a));
const maxOf = (values: string[]) => values.reduce((a, b) => (b > a ? b : a));

/**
 * The member rows and "left" counts of several groups at once, with a fixed number of queries
 * however many groups there are (an instance may have hundreds of thousands of small ones).
 */
export async function computeMembers(
  k: Kysely<Database>,
  groups: readonly MembersGroup[],
  today: string
): Promise<Map<string, { rows: MemberRow[]; left: number }>> {
  const result = new Map<string, { rows: MemberRow[]; left: number }>();
  if (groups.length === 0) return result;
  const ids = groups.map((g) => g.id);
  const windows = new Map(
    groups.map((g) => [g.id, healthWindows(today, g.windowDays, g.quietDays)] as const)
  );
  const all = [...windows.values()];
  const earliest = minOf(all.map((w) => w.previousFrom));
  const latestQuietSince = maxOf(all.map((w) => w.quietSince));

  const members = await k
    .selectFrom('memberships')
    .select(['group_id', 'user_id', 'role', 'created_at'])
    .where('group_id', 'in', ids)
    .where('status', '=', 'active')
    .orderBy('group_id')
    .orderBy('user_id')
    .execute();

  // The membership log up to the latest previous-window end: first joins, and who was a member
  // at each group's previous-window end.
  const log = await k
    .selectFrom('membership_log')
    .select(['group_id', 'user_id', 'delta', 'created_at'])
    .where('group_id', 'in', ids)
    .where('user_id', 'is not', null)
    .execute();
  const firstJoin = new Map<string, number>();
  const balance = new Map<string, Map<string, number>>();
  for (const r of log) {
    if (r.user_id === null) continue;
    const at = toDate(r.created_at).getTime();
    const key = `${r.group_id}:${r.user_id}`;
    if (r.delta > 0 && (firstJoin.get(key) ?? Infinity) > at) firstJoin.set(key, at);
    const w = windows.get(r.group_id);
    if (!w || at >= Date.parse(startOf(daysBefore(w.previousTo, -1)))) continue;
    let users = balance.get(r.group_id);
    if (!users) {
      users = new Map<string, number>();
      balance.set(r.group_id, users);
    }
    users.set(r.user_id, (users.get(r.user_id) ?? 0) + r.delta);
  }

  // Each kind of participation a member showed in each window (per group: windows may differ).
  const signals = await k
    .selectFrom('health_signals')
    .select(['group_id', 'user_id', 'signal', 'day'])
    .where('group_id', 'in', ids)
    .where('day', '>=', earliest)
    .where('day', '<=', today)
    .execute();
  const current = new Map<string, Set<HealthSignal>>();
  const previous = new Map<string, Set<HealthSignal>>();
  const mark = (map: Map<string, Set<HealthSignal>>, key: string, signal: HealthSignal) => {
    const set = map.get(key);
    if (set) set.add(signal);
    else map.set(key, new Set([signal]));
  };
  for (const s of signals) {
    const w = windows.get(s.group_id);
    if (!w || !isHealthSignal(s.signal)) continue;
    const key = `${s.group_id}:${s.user_id}`;
    if (s.day >= w.from && s.day <= w.to) mark(current, key, s.signal);
    else if (s.day >= w.previousFrom && s.day <= w.previousTo) mark(previous, key, s.signal);
  }

  const lastActive = await k
    .selectFrom('health_signals')
    .select(['group_id', 'user_id', (eb) => eb.fn.max('day').as('last')])
    .where('group_id', 'in', ids)
    .where('day', '<=', today)
    .groupBy(['group_id', 'user_id'])
    .execute();
  const lastActiveOf = new Map(lastActive.map((r) => [`${r.group_id}:${r.user_id}`, r.last]));

  // Each group's six meetings before its quiet period, and who came to each.
  const meetings = await k
    .selectFrom('health_meetings')
    .select(['group_id', 'event_id', 'starts_at'])
    .where('group_id', 'in', ids)
    .where('starts_at', '<', startOf(latestQuietSince))
    .execute();
  const byGroup = new Map<string, { event_id: string; at: string }[]>();
  for (const m of meetings) {
    const w = windows.get(m.group_id);
    const at = toDate(m.starts_at).toISOString();
    if (!w || at >= startOf(w.quietSince)) continue;
    push(byGroup, m.group_id, { event_id: m.event_id, at });
  }
  const six = new Map<string, string[]>();
  for (const [groupId, list] of byGroup) {
    list.sort((a, b) =>
      a.at === b.at ? (a.event_id < b.event_id ? 1 : -1) : a.at < b.at ? 1 : -1
    );
    six.set(
      groupId,
      list.slice(0, 6).map((m) => m.event_id)
    );
  }
  const eventIds = [...six.values()].flat();
  const rsvpsOf = new Map<string, { user_id: string; status: string; checked_in_at: unknown }[]>();
  for (let i = 0; i < eventIds.length; i += 500) {
    const rows = await k
      .selectFrom('rsvps')
      .select(['event_id', 'user_id', 'status', 'checked_in_at'])
      .where('event_id', 'in', eventIds.slice(i, i + 500))
      .execute();
    for (const r of rows) push(rsvpsOf, r.event_id, r);
  }
  const attendedOfSix = new Map<string, number>();
  for (const [groupId, events] of six) {
    for (const eventId of events) {
      const { attendees } = attendeesOf(rsvpsOf.get(eventId) ?? []);
      for (const userId of attendees) {
        const key = `${groupId}:${userId}`;
        attendedOfSix.set(key, (attendedOfSix.get(key) ?? 0) + 1);
      }
    }
  }

  for (const g of groups) result.set(g.id, { rows: [], left: 0 });
  const active = new Set<string>();
  for (const m of members) {
    const w = windows.get(m.group_id);
    const entry = result.get(m.group_id);
    if (!w || !entry) continue;
    const key = `${m.group_id}:${m.user_id}`;
    active.add(key);
    const role = m.role as Role;
    // Members whose membership began before the previous window's end have a previous tier.
    const began = firstJoin.get(key) ?? toDate(m.created_at).getTime();
    const wasMember = began < Date.parse(startOf(daysBefore(w.previousTo, -1)));
    const lastActiveDay = lastActiveOf.get(key) ?? null;
    const attended = attendedOfSix.get(key) ?? 0;
    entry.rows.push({
      group_id: m.group_id,
      user_id: m.user_id,
      tier: tierOf(current.get(key) ?? [], role),
      previous_tier: wasMember ? tierOf(previous.get(key) ?? [], role) : null,
      last_active_day: lastActiveDay,
      attended_of_six: attended,
      quiet: goneQuiet({ attendedOfSix: attended, lastActiveDay }, w.quietSince),
      computed_on: today
    });
  }

  // Members at the previous window's end (by the log) who are no longer active members.
  for (const [groupId, users] of balance) {
    const entry = result.get(groupId);
    if (!entry) continue;
    for (const [userId, n] of users)
      if (n > 0 && !active.has(`${groupId}:${userId}`)) entry.left += 1;
  }
  return result;
}
