import { describe, expect, it } from 'vitest';
import {
  CSV_BOM,
  dashboardCsv,
  type DashboardCsvTable,
  instanceHealthCsv,
  quietCsv
} from './health-csv.ts';
import type { GroupHealth, HealthMeeting, InstanceHealth, QuietMember } from './health-types.ts';

const meeting = (over: Partial<HealthMeeting>): HealthMeeting => ({
  eventId: 'e1',
  title: 'Rust & Pizza',
  startsAt: '2026-07-08T17:00:00.000Z',
  timeZone: 'Europe/Berlin',
  capacity: 20,
  going: 10,
  checkedIn: 8,
  checkInUsed: true,
  noShows: 2,
  noShowRate: 20,
  waitlisted: 1,
  newAttendees: 3,
  returningAttendees: 5,
  memberTalks: 1,
  guestTalks: 1,
  feedbackCount: 4,
  averageRating: 4.5,
  ...over
});

const HEALTH: GroupHealth = {
  groupId: 'g1',
  rolledUpAt: '2026-11-24T08:00:00.000Z',
  public: false,
  members: {
    total: 12,
    months: [
      { month: '2026-10', joins: 3, leaves: 1, total: 10 },
      { month: '2026-11', joins: 2, leaves: 0, total: 12 }
    ]
  },
  meetings: {
    months: [{ month: '2026-07', meetings: 2 }],
    items: [
      meeting({}),
      meeting({
        eventId: 'e2',
        title: '=HYPERLINK("x"), "quoted"',
        startsAt: '2026-12-31T23:30:00.000Z',
        capacity: null,
        checkedIn: 0,
        checkInUsed: false,
        noShows: null,
        noShowRate: null,
        averageRating: null
      })
    ],
    averageNoShowRate: 20,
    noShowTrend: null
  },
  topics: {
    months: [{ month: '2026-11', proposed: 2, votesCast: 9, voters: 4, pollAnswers: 7 }]
  },
  talks: { months: [{ month: '2026-11', memberTalks: 2, guestTalks: 1 }] },
  participation: {
    windowDays: 180,
    from: '2026-05-29',
    to: '2026-11-24',
    tiers: [
      { tier: 'audience', count: 8, percent: 66.7, reference: 90 },
      { tier: 'contributor', count: 3, percent: 25, reference: 9 },
      { tier: 'core', count: 1, percent: 8.3, reference: 1 }
    ],
    moves: [
      { from: 'new', to: 'audience', count: 2 },
      { from: 'audience', to: 'audience', count: 6 },
      { from: 'audience', to: 'contributor', count: 2 },
      { from: 'contributor', to: 'contributor', count: 1 },
      { from: 'core', to: 'core', count: 1 }
    ],
    left: 2
  },
  quiet: { count: 1, quietDays: 90 }
};

/** The lines of a CSV without its byte order mark. */
function lines(csv: string): string[] {
  expect(csv.startsWith(CSV_BOM)).toBe(true);
  expect(csv.endsWith('\r\n')).toBe(true);
  return csv.slice(CSV_BOM.length).split('\r\n').slice(0, -1);
}

describe('health CSV', () => {
  it('writes members per month with English or German headings', () => {
    expect(lines(dashboardCsv('members', HEALTH, 'en'))).toEqual([
      'Month,Joined,Left,Members at month end',
      '2026-10,3,1,10',
      '2026-11,2,0,12'
    ]);
    expect(lines(dashboardCsv('members', HEALTH, 'de'))[0]).toBe(
      'Monat,Beigetreten,Ausgetreten,Mitglieder am Monatsende'
    );
  });

  it('writes meetings in their local time, leaving unknowns empty and defusing formulas', () => {
    const [head, first, second] = lines(dashboardCsv('meetings', HEALTH, 'en'));
    expect(head?.split(',')).toHaveLength(16);
    expect(head).toMatch(/^Start \(local time\),Time zone,Meeting,Capacity,Going,Checked in,/);
    expect(first).toBe(
      '2026-07-08 19:00,Europe/Berlin,Rust & Pizza,20,10,8,yes,2,20,1,3,5,1,1,4,4.5'
    );
    expect(second).toBe(
      `2027-01-01 00:30,Europe/Berlin,"'=HYPERLINK(""x""), ""quoted""",,10,0,no,,,1,3,5,1,1,4,`
    );
    expect(lines(dashboardCsv('meetings', HEALTH, 'de'))[2]).toContain(',nein,');
  });

  it('writes topics and talks per month', () => {
    expect(lines(dashboardCsv('topics', HEALTH, 'en'))).toEqual([
      'Month,Topics proposed,Votes cast,Members who voted,Poll answers',
      '2026-11,2,9,4,7'
    ]);
    expect(lines(dashboardCsv('talks', HEALTH, 'de'))).toEqual([
      'Monat,Vorträge von Mitgliedern,Vorträge von Gästen',
      '2026-11,2,1'
    ]);
  });

  it('writes the tiers with where their members came from, then who left', () => {
    expect(lines(dashboardCsv('participation', HEALTH, 'en'))).toEqual([
      'Tier,Members,Share (%),90-9-1 reference (%),Of them new,Of them previously audience,Of them previously contributors,Of them previously core',
      'Audience,8,66.7,90,2,6,0,0',
      'Contributors,3,25,9,0,2,1,0',
      'Core,1,8.3,1,0,0,0,1',
      'Left,2,,,,,,'
    ]);
  });

  it('writes the gone-quiet list with names and translated roles', () => {
    const quiet: QuietMember[] = [
      {
        userId: 'u1',
        handle: 'ada',
        name: 'Ada Lovelace',
        role: 'member',
        attendedOfSix: 4,
        lastActiveOn: '2026-06-10',
        lastContactedAt: null
      },
      {
        userId: 'u2',
        handle: 'grace',
        name: '-Grace, "G"',
        role: 'host',
        attendedOfSix: 3,
        lastActiveOn: null,
        lastContactedAt: '2026-11-20T10:00:00.000Z'
      }
    ];
    expect(lines(quietCsv(quiet, 'de'))).toEqual([
      'Name,Handle,Rolle,Dabei bei 6 Treffen,Zuletzt aktiv am,Zuletzt angeschrieben',
      'Ada Lovelace,ada,Mitglied,4,2026-06-10,',
      `"'-Grace, ""G""",grace,Host,3,,2026-11-20T10:00:00.000Z`
    ]);
    expect(lines(quietCsv([], 'en'))).toEqual([
      'Name,Handle,Role,Attended of 6 meetings,Last active on,Last written to'
    ]);
  });

  it('writes the instance weeks, then the totals in the same two columns', () => {
    const instance: InstanceHealth = {
      rolledUpAt: null,
      groups: 3,
      members: 40,
      meetings: 12,
      meetingsLast30Days: 2,
      weeks: [
        { week: '2026-W47', activeMembers: 9 },
        { week: '2026-W48', activeMembers: 11 }
      ]
    };
    expect(lines(instanceHealthCsv(instance, 'en'))).toEqual([
      'Week,Active members',
      '2026-W47,9',
      '2026-W48,11',
      'Groups,3',
      'Accounts,40',
      'Meetings held,12',
      'Meetings in the last 30 days,2'
    ]);
  });

  it('has a heading for every column in both languages', () => {
    const tables: DashboardCsvTable[] = ['members', 'meetings', 'topics', 'talks', 'participation'];
    for (const table of tables) {
      for (const locale of ['en', 'de'] as const) {
        const [head] = lines(dashboardCsv(table, HEALTH, locale));
        expect(head, `${table} ${locale}`).not.toMatch(/health\.csv/);
      }
    }
  });
});
