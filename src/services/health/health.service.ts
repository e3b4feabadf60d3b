// Reading the community health figures from the aggregates the rollup keeps (never the raw
// tables), and a group's health settings.

import {
  dayOf,
  daysBefore,
  isoWeekOf,
  lastMonths,
  monthOf,
  noShowRate,
  type Tier,
  type TierOrigin,
  tierMovesOf,
  tierSharesOf,
  trend
} from '../../domain/health.ts';
import type { Db } from '../../db/database.ts';
import { dbBool, toBool, toDate } from '../../db/values.ts';
import { recordAudit } from '../audit.service.ts';
import type { Group } from '../group.service.ts';
import { HEALTH_STATE } from './health-rollup.ts';
import { healthWindows } from './health-members.ts';
import type {
  GroupHealth,
  HealthMeeting,
  HealthSettings,
  InstanceHealth,
  MemberMonth,
  MeetingMonth,
  PublicHealth,
  QuietMember
} from './health-types.ts';

const MONTHS = 12;
const MEETING_ITEMS = 24;
const round1 = (n: number) => Math.round(n * 10) / 10;
const mean = (values: readonly number[]) =>
  values.length === 0 ? null : round1(values.reduce((a, b) => a + b, 0) / values.length);

async function stateValue(db: Db, key: string): Promise<string | null> {
  const row = await db.kysely
    .selectFrom('health_state')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value ?? null;
}

async function rolledUpAt(db: Db): Promise<string | null> {
  const value = await stateValue(db, HEALTH_STATE.rolledUpAt);
  return value === null ? null : new Date(value).toISOString();
}

/** Members over the last 12 months: joins, leaves and the total at each month's end. */
async function memberMonths(db: Db, groupId: string, months: string[]): Promise<MemberMonth[]> {
  const rows = await db.kysely
    .selectFrom('health_days')
    .select(['day', 'joins', 'leaves'])
    .where('group_id', '=', groupId)
    .where('day', '<', `${months.at(-1) ?? ''}-32`)
    .execute();
  const byMonth = new Map<string, { joins: number; leaves: number }>();
  let before = 0;
  for (const r of rows) {
    const month = monthOf(r.day);
    if (month < (months[0] ?? '')) {
      before += r.joins - r.leaves;
      continue;
    }
    const m = byMonth.get(month) ?? { joins: 0, leaves: 0 };
    m.joins += r.joins;
    m.leaves += r.leaves;
    byMonth.set(month, m);
  }
  let total = before;
  return months.map((month) => {
    const { joins, leaves } = byMonth.get(month) ?? { joins: 0, leaves: 0 };
    total += joins - leaves;
    return { month, joins, leaves, total };
  });
}

interface StoredMeeting {
  event_id: string;
  starts_at: Date | string;
  title: string;
  capacity: number | null;
  going: number;
  checked_in: number;
  check_in_used: boolean | number;
  waitlisted: number;
  new_attendees: number;
  returning_attendees: number;
  member_talks: number;
  guest_talks: number;
  feedback_count: number;
  rating_count: number;
  rating_sum: number;
}

/** The group's meetings that started in the months given (health_meetings rows). */
async function meetingsSince(db: Db, groupId: string, month: string): Promise<StoredMeeting[]> {
  return db.kysely
    .selectFrom('health_meetings')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('starts_at', '>=', `${month}-01T00:00:00.000Z`)
    .orderBy('starts_at')
    .execute();
}

function meetingMonths(meetings: readonly StoredMeeting[], months: string[]): MeetingMonth[] {
  const counts = new Map<string, number>();
  for (const m of meetings) {
    const month = monthOf(toDate(m.starts_at));
    counts.set(month, (counts.get(month) ?? 0) + 1);
  }
  return months.map((month) => ({ month, meetings: counts.get(month) ?? 0 }));
}

function presentMeeting(m: StoredMeeting, timeZone: string): HealthMeeting {
  const checkInUsed = toBool(m.check_in_used);
  return {
    eventId: m.event_id,
    title: m.title,
    startsAt: toDate(m.starts_at).toISOString(),
    timeZone,
    capacity: m.capacity,
    going: m.going,
    checkedIn: m.checked_in,
    checkInUsed,
    noShows: checkInUsed ? Math.max(0, m.going - m.checked_in) : null,
    noShowRate: checkInUsed ? noShowRate({ going: m.going, checkedIn: m.checked_in }) : null,
    waitlisted: m.waitlisted,
    newAttendees: m.new_attendees,
    returningAttendees: m.returning_attendees,
    memberTalks: m.member_talks,
    guestTalks: m.guest_talks,
    feedbackCount: m.feedback_count,
    averageRating: m.rating_count === 0 ? null : round1(m.rating_sum / m.rating_count)
  };
}

/** The group's last 24 meetings that took place, oldest first. */
async function lastMeetings(db: Db, groupId: string): Promise<HealthMeeting[]> {
  const rows = await db.kysely
    .selectFrom('health_meetings as h')
    .innerJoin('events as e', 'e.id', 'h.event_id')
    .selectAll('h')
    .select('e.time_zone')
    .where('h.group_id', '=', groupId)
    .orderBy('h.starts_at', 'desc')
    .orderBy('h.event_id', 'desc')
    .limit(MEETING_ITEMS)
    .execute();
  return rows.reverse().map((r) => presentMeeting(r, r.time_zone));
}

async function groupSettings(db: Db, groupId: string) {
  const row = await db.kysely
    .selectFrom('groups')
    .select(['member_count', 'health_public', 'health_window_days', 'health_quiet_days'])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  return {
    memberCount: row.member_count,
    public: toBool(row.health_public),
    windowDays: row.health_window_days,
    quietDays: row.health_quiet_days
  };
}

/**
 * The group's members counted per (previous tier or new → tier), from the summary the rollup
 * writes with health_members (HEALTH_STATE.tiers): a page view never groups 50,000 rows.
 */
async function tierCells(
  db: Db,
  groupId: string
): Promise<{ from: TierOrigin; to: Tier; count: number }[]> {
  const json = await stateValue(db, HEALTH_STATE.tiers(groupId));
  const counts = json === null ? {} : (JSON.parse(json) as Record<string, number>);
  return Object.entries(counts).map(([key, count]) => {
    const [to, from] = key.split('>') as [Tier, TierOrigin];
    return { from, to, count };
  });
}

/** Quiet members of a group as listed: active, not opted out. */
function quietQuery(db: Db, groupId: string) {
  return db.kysely
    .selectFrom('health_members as h')
    .innerJoin('users as u', 'u.id', 'h.user_id')
    .innerJoin('memberships as m', (join) =>
      join.onRef('m.group_id', '=', 'h.group_id').onRef('m.user_id', '=', 'h.user_id')
    )
    .where('h.group_id', '=', groupId)
    .where('h.quiet', '=', dbBool(db, true))
    .where('m.status', '=', 'active')
    .where('u.health_opt_out', '=', dbBool(db, false));
}

/** The organizers' dashboard of one group as of `now`. */
export async function groupHealth(
  db: Db,
  group: Group,
  now: Date = new Date()
): Promise<GroupHealth> {
  const today = dayOf(now);
  const months = lastMonths(today, MONTHS);
  const firstMonth = months[0] ?? monthOf(today);
  const settings = await groupSettings(db, group.id);

  const recent = await meetingsSince(db, group.id, firstMonth);
  const items = await lastMeetings(db, group.id);
  const rates = items.flatMap((m) => (m.noShowRate === null ? [] : [m.noShowRate]));

  const talkMonths = months.map((month) => ({ month, memberTalks: 0, guestTalks: 0 }));
  for (const m of recent) {
    const cell = talkMonths.find((t) => t.month === monthOf(toDate(m.starts_at)));
    if (cell) {
      cell.memberTalks += m.member_talks;
      cell.guestTalks += m.guest_talks;
    }
  }

  const days = await db.kysely
    .selectFrom('health_days')
    .select(['day', 'topics_proposed', 'votes_cast', 'poll_answers'])
    .where('group_id', '=', group.id)
    .where('day', '>=', `${firstMonth}-01`)
    .execute();
  const voters = await db.kysely
    .selectFrom('health_signals')
    .select(['day', 'user_id'])
    .where('group_id', '=', group.id)
    .where('signal', '=', 'voted')
    .where('day', '>=', `${firstMonth}-01`)
    .execute();
  const topicMonths = months.map((month) => {
    const its = days.filter((d) => monthOf(d.day) === month);
    const sum = (f: (d: (typeof its)[number]) => number) => its.reduce((a, d) => a + f(d), 0);
    return {
      month,
      proposed: sum((d) => d.topics_proposed),
      votesCast: sum((d) => d.votes_cast),
      voters: new Set(voters.filter((v) => monthOf(v.day) === month).map((v) => v.user_id)).size,
      pollAnswers: sum((d) => d.poll_answers)
    };
  });

  const cells = await tierCells(db, group.id);
  const perTier: Record<Tier, number> = { audience: 0, contributor: 0, core: 0 };
  for (const cell of cells) perTier[cell.to] += cell.count;
  const window = healthWindows(today, settings.windowDays, settings.quietDays);
  const quiet = await quietQuery(db, group.id)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();

  return {
    groupId: group.id,
    rolledUpAt: await rolledUpAt(db),
    public: settings.public,
    members: {
      total: settings.memberCount,
      months: await memberMonths(db, group.id, months)
    },
    meetings: {
      months: meetingMonths(recent, months),
      items,
      averageNoShowRate: mean(rates),
      noShowTrend: trend(rates)
    },
    topics: { months: topicMonths },
    talks: { months: talkMonths },
    participation: {
      windowDays: settings.windowDays,
      from: window.from,
      to: window.to,
      tiers: tierSharesOf(perTier),
      moves: tierMovesOf(cells),
      left: Number((await stateValue(db, HEALTH_STATE.left(group.id))) ?? 0)
    },
    quiet: { count: Number(quiet?.n ?? 0), quietDays: settings.quietDays }
  };
}

/** The figures without names a group may make public. */
export async function publicHealth(
  db: Db,
  group: Group,
  now: Date = new Date()
): Promise<PublicHealth> {
  const months = lastMonths(dayOf(now), MONTHS);
  const firstMonth = months[0] ?? monthOf(now);
  const settings = await groupSettings(db, group.id);
  const recent = await meetingsSince(db, group.id, firstMonth);
  const attendance = recent.map((m) => (toBool(m.check_in_used) ? m.checked_in : m.going));
  return {
    groupId: group.id,
    rolledUpAt: await rolledUpAt(db),
    members: { total: settings.memberCount, months: await memberMonths(db, group.id, months) },
    meetings: { months: meetingMonths(recent, months), averageAttendance: mean(attendance) }
  };
}

/**
 * Active members listed as gone quiet, most attended first; members who opted out never appear.
 */
export async function quietMembers(db: Db, groupId: string): Promise<QuietMember[]> {
  const rows = await quietQuery(db, groupId)
    .select(['h.user_id', 'h.attended_of_six', 'h.last_active_day', 'u.handle', 'u.name', 'm.role'])
    .select((eb) =>
      eb
        .selectFrom('health_outreach as o')
        .select((o) => o.fn.max('o.created_at').as('at'))
        .whereRef('o.group_id', '=', 'h.group_id')
        .whereRef('o.user_id', '=', 'h.user_id')
        .as('last_contacted_at')
    )
    .orderBy('h.attended_of_six', 'desc')
    .orderBy('h.last_active_day')
    .orderBy('u.name')
    .orderBy('h.user_id')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    handle: r.handle,
    name: r.name,
    role: r.role,
    attendedOfSix: r.attended_of_six,
    lastActiveOn: r.last_active_day,
    lastContactedAt: r.last_contacted_at === null ? null : toDate(r.last_contacted_at).toISOString()
  }));
}

/** A group's health settings. */
export async function healthSettings(db: Db, groupId: string): Promise<HealthSettings> {
  const { public: isPublic, windowDays, quietDays } = await groupSettings(db, groupId);
  return { public: isPublic, windowDays, quietDays };
}

/** Changes a group's health settings (audited as `health.settings`). */
export async function updateHealthSettings(
  db: Db,
  groupId: string,
  actorId: string,
  patch: Partial<HealthSettings>
): Promise<HealthSettings> {
  const changes: Record<string, unknown> = {};
  if (patch.public !== undefined) changes.public = patch.public;
  if (patch.windowDays !== undefined) changes.windowDays = patch.windowDays;
  if (patch.quietDays !== undefined) changes.quietDays = patch.quietDays;
  await db.kysely.transaction().execute(async (trx) => {
    if (Object.keys(changes).length > 0)
      await trx
        .updateTable('groups')
        .set({
          ...(patch.public === undefined ? {} : { health_public: dbBool(db, patch.public) }),
          ...(patch.windowDays === undefined ? {} : { health_window_days: patch.windowDays }),
          ...(patch.quietDays === undefined ? {} : { health_quiet_days: patch.quietDays }),
          updated_at: new Date().toISOString()
        })
        .where('id', '=', groupId)
        .execute();
    await recordAudit(trx, { groupId, actorId, action: 'health.settings', details: changes });
  });
  return healthSettings(db, groupId);
}

/** The instance at a glance for admins. */
export async function instanceHealth(db: Db, now: Date = new Date()): Promise<InstanceHealth> {
  const k = db.kysely;
  const count = (n: number | string | undefined) => Number(n ?? 0);
  const groups = await k
    .selectFrom('groups')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  const users = await k
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  const meetings = await k
    .selectFrom('health_meetings')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  const recent = await k
    .selectFrom('health_meetings')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('starts_at', '>=', new Date(now.getTime() - 30 * 86_400_000).toISOString())
    .where('starts_at', '<=', now.toISOString())
    .executeTakeFirst();
  const today = dayOf(now);
  const weeks: string[] = [];
  for (let i = 11; i >= 0; i -= 1) weeks.push(isoWeekOf(daysBefore(today, 7 * i)));
  const stored = await k
    .selectFrom('health_weeks')
    .select(['week', 'active_members'])
    .where('week', 'in', weeks)
    .execute();
  const active = new Map(stored.map((w) => [w.week, w.active_members]));
  return {
    rolledUpAt: await rolledUpAt(db),
    groups: count(groups?.n),
    members: count(users?.n),
    meetings: count(meetings?.n),
    meetingsLast30Days: count(recent?.n),
    weeks: weeks.map((week) => ({ week, activeMembers: active.get(week) ?? 0 }))
  };
}
