// The community health tables as CSV, one file per table of the dashboard, and the admins'
// instance view: RFC 4180 with CRLF line ends, a UTF-8 byte order mark (so spreadsheets read
// umlauts right), column headings in the reader's language. Numbers keep a dot as the decimal
// separator; empty fields stand for "unknown" (no check-in, no rating, never active).

import { TIERS, type TierOrigin } from '../../domain/health.ts';
import { localDateTime } from '../../domain/zoned-time.ts';
import { apiTranslator, type Locale } from '../../i18n/i18n.ts';
import { csvField } from '../poll/poll-csv.ts';
import type { GroupHealth, InstanceHealth, QuietMember } from './health-types.ts';

/** The tables of a group's dashboard that export as CSV. */
export const HEALTH_CSV_TABLES = [
  'members',
  'meetings',
  'topics',
  'talks',
  'participation',
  'quiet'
] as const;
export type HealthCsvTable = (typeof HEALTH_CSV_TABLES)[number];
/** The tables built from the dashboard itself (`quiet` comes from the gone-quiet list). */
export type DashboardCsvTable = Exclude<HealthCsvTable, 'quiet'>;

/** The UTF-8 byte order mark every health CSV starts with. */
export const CSV_BOM = '\uFEFF';

type Cell = string | number | null;

function csv(rows: readonly (readonly Cell[])[]): string {
  const lines = rows.map((row) => row.map((c) => (c === null ? '' : csvField(c))).join(','));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

function headings(locale: Locale, table: string, columns: readonly string[]): string[] {
  const t = apiTranslator(locale);
  return columns.map((c) => t(`health.csv.${table}.${c}`));
}

/**
 * One table of a group's dashboard as CSV, headings in `locale`.
 *
 * @example
 * dashboardCsv('talks', health, 'en'); // '\uFEFFMonth,Talks by members,Talks by invited speakers\r\n2025-12,1,0\r\n…'
 */
export function dashboardCsv(
  table: DashboardCsvTable,
  health: GroupHealth,
  locale: Locale
): string {
  const t = apiTranslator(locale);
  switch (table) {
    case 'members': {
      const columns = ['month', 'joins', 'leaves', 'total'] as const;
      return csv([
        headings(locale, table, columns),
        ...health.members.months.map((m) => [m.month, m.joins, m.leaves, m.total])
      ]);
    }
    case 'meetings': {
      const columns = [
        'startsAt',
        'timeZone',
        'title',
        'capacity',
        'going',
        'checkedIn',
        'checkInUsed',
        'noShows',
        'noShowRate',
        'waitlisted',
        'newAttendees',
        'returningAttendees',
        'memberTalks',
        'guestTalks',
        'feedbackCount',
        'averageRating'
      ] as const;
      return csv([
        headings(locale, table, columns),
        ...health.meetings.items.map((m) => [
          localDateTime(new Date(m.startsAt), m.timeZone).replace('T', ' '),
          m.timeZone,
          m.title,
          m.capacity,
          m.going,
          m.checkedIn,
          t(m.checkInUsed ? 'health.csv.yes' : 'health.csv.no'),
          m.noShows,
          m.noShowRate,
          m.waitlisted,
          m.newAttendees,
          m.returningAttendees,
          m.memberTalks,
          m.guestTalks,
          m.feedbackCount,
          m.averageRating
        ])
      ]);
    }
    case 'topics': {
      const columns = ['month', 'proposed', 'votesCast', 'voters', 'pollAnswers'] as const;
      return csv([
        headings(locale, table, columns),
        ...health.topics.months.map((m) => [
          m.month,
          m.proposed,
          m.votesCast,
          m.voters,
          m.pollAnswers
        ])
      ]);
    }
    case 'talks': {
      const columns = ['month', 'memberTalks', 'guestTalks'] as const;
      return csv([
        headings(locale, table, columns),
        ...health.talks.months.map((m) => [m.month, m.memberTalks, m.guestTalks])
      ]);
    }
    case 'participation':
      return participationCsv(health.participation, locale);
  }
}

/**
 * Participation: one row per tier (members, share, the 90-9-1 reference, and where its members
 * came from since the previous window), then a row of those who left.
 */
function participationCsv(p: GroupHealth['participation'], locale: Locale): string {
  const t = apiTranslator(locale);
  const origins: readonly TierOrigin[] = ['new', ...TIERS];
  const columns = [
    'tier',
    'count',
    'percent',
    'reference',
    'fromNew',
    'fromAudience',
    'fromContributor',
    'fromCore'
  ] as const;
  const moved = (from: TierOrigin, to: string) =>
    p.moves.find((m) => m.from === from && m.to === to)?.count ?? 0;
  return csv([
    headings(locale, 'participation', columns),
    ...p.tiers.map((tier) => [
      t(`health.csv.tier.${tier.tier}`),
      tier.count,
      tier.percent,
      tier.reference,
      ...origins.map((from) => moved(from, tier.tier))
    ]),
    [t('health.csv.tier.left'), p.left, null, null, null, null, null, null]
  ]);
}

/** The gone-quiet list as CSV, in its order (most attended first). */
export function quietCsv(members: readonly QuietMember[], locale: Locale): string {
  const t = apiTranslator(locale);
  const columns = [
    'name',
    'handle',
    'role',
    'attendedOfSix',
    'lastActiveOn',
    'lastContactedAt'
  ] as const;
  return csv([
    headings(locale, 'quiet', columns),
    ...members.map((m) => [
      m.name,
      m.handle,
      t(`health.csv.role.${m.role}`, { defaultValue: m.role }),
      m.attendedOfSix,
      m.lastActiveOn,
      m.lastContactedAt
    ])
  ]);
}

/**
 * The admins' instance view as CSV: the active members of the last 12 ISO weeks, then the totals
 * (groups, accounts, meetings held, meetings in the last 30 days) as rows of the same two columns.
 */
export function instanceHealthCsv(health: InstanceHealth, locale: Locale): string {
  const t = apiTranslator(locale);
  const label = (key: string) => t(`health.csv.instance.${key}`);
  return csv([
    [label('week'), label('activeMembers')],
    ...health.weeks.map((w) => [w.week, w.activeMembers]),
    [label('groups'), health.groups],
    [label('members'), health.members],
    [label('meetings'), health.meetings],
    [label('meetingsLast30Days'), health.meetingsLast30Days]
  ]);
}
