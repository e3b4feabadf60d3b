import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBool, toDate } from '../../db/values.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/test-database.ts';
import { findGroupById, type Group } from '../group.service.ts';
import { computeGroupMembers, computeMembers } from './health-members.ts';
import { rollUpHealth } from './health-rollup.ts';
import {
  GROUP_ID,
  insertHistory,
  NOW,
  OLD_JOIN,
  resetHealth,
  snapshotHealth,
  startOf
} from './health-test-history.ts';
import {
  groupHealth,
  healthSettings,
  instanceHealth,
  publicHealth,
  quietMembers,
  updateHealthSettings
} from './health.service.ts';

// A generated group history with known answers (see health-test-history.ts for who did what).
// Every expectation below is worked out by hand from that history and the contract's definitions,
// as of NOW = 2026-11-24: tier window 2026-05-29…2026-11-24, previous 2025-11-30…2026-05-28,
// quiet since 2026-08-27, so the six meetings before it are m1…m6.

for (const dialect of testDialects()) {
  describe(`community health on ${dialect}`, () => {
    let t: TestDatabase;
    let group: Group;

    beforeAll(async () => {
      t = await createTestDatabase(dialect);
      await insertHistory(t.db);
      const found = await findGroupById(t.db, GROUP_ID);
      if (!found) throw new Error('no group');
      group = found;
    });
    afterAll(async () => {
      await t.dispose();
    });

    const members = async () =>
      Object.fromEntries(
        (
          await t.db.kysely
            .selectFrom('health_members')
            .selectAll()
            .where('group_id', '=', GROUP_ID)
            .execute()
        ).map((r) => [
          r.user_id,
          {
            tier: r.tier,
            previous: r.previous_tier,
            lastActive: r.last_active_day,
            ofSix: r.attended_of_six,
            quiet: toBool(r.quiet),
            on: r.computed_on
          }
        ])
      );

    it('first run: all history, reconciles the membership log', async () => {
      const result = await rollUpHealth(t.db, { now: NOW });
      expect(result.from).toBe('1970-01-01');
      expect(result.meetings).toBe(8);
      expect(result.members).toBe(14);
      const log = await t.db.kysely
        .selectFrom('membership_log')
        .select(['user_id', 'delta'])
        .where('group_id', '=', GROUP_ID)
        .execute();
      // 14 reconciled +1 (no log rows before) and J's join and leave.
      expect(log.length).toBe(16);
      expect(
        log
          .filter((l) => l.user_id === 'J')
          .map((l) => l.delta)
          .sort()
      ).toEqual([-1, 1]);
    });

    it('meetings: attendance, no-shows, waitlist, newcomers, talks, feedback', async () => {
      const rows = await t.db.kysely
        .selectFrom('health_meetings')
        .selectAll()
        .orderBy('starts_at')
        .execute();
      expect(
        rows.map((r) => [
          r.event_id,
          r.going,
          r.checked_in,
          toBool(r.check_in_used),
          r.waitlisted,
          r.new_attendees,
          r.returning_attendees,
          r.member_talks,
          r.guest_talks,
          r.feedback_count,
          r.rating_count,
          r.rating_sum
        ])
      ).toEqual([
        ['m1', 7, 6, true, 0, 6, 0, 0, 0, 0, 0, 0],
        ['m2', 5, 5, true, 1, 1, 4, 0, 0, 0, 0, 0],
        ['m3', 7, 6, true, 0, 1, 5, 0, 0, 0, 0, 0],
        ['m4', 6, 6, true, 0, 1, 5, 0, 1, 0, 0, 0],
        ['m5', 6, 5, true, 0, 0, 5, 0, 0, 0, 0, 0],
        ['m6', 4, 4, true, 0, 1, 3, 0, 0, 0, 0, 0],
        ['m7', 5, 0, false, 1, 1, 4, 0, 0, 0, 0, 0],
        ['m8', 6, 5, true, 0, 2, 3, 1, 0, 3, 2, 9]
      ]);
      expect(toDate(rows[0]?.starts_at ?? '').toISOString()).toBe(startOf('2026-04-15'));

      const health = await groupHealth(t.db, group, NOW);
      expect(health.meetings.items.map((m) => [m.eventId, m.noShows, m.noShowRate])).toEqual([
        ['m1', 1, 14.3],
        ['m2', 0, 0],
        ['m3', 1, 14.3],
        ['m4', 0, 0],
        ['m5', 1, 16.7],
        ['m6', 0, 0],
        ['m7', null, null],
        ['m8', 1, 16.7]
      ]);
      expect(health.meetings.items.at(-1)).toMatchObject({
        title: 'Meeting m8',
        timeZone: 'Europe/Berlin',
        capacity: 20,
        feedbackCount: 3,
        averageRating: 4.5
      });
      expect(health.meetings.averageNoShowRate).toBe(8.9);
      expect(health.meetings.noShowTrend).toEqual({ slope: 0.34, direction: 'flat' });
      expect(health.meetings.months.filter((m) => m.meetings > 0)).toEqual([
        { month: '2026-04', meetings: 1 },
        { month: '2026-05', meetings: 1 },
        { month: '2026-06', meetings: 1 },
        { month: '2026-07', meetings: 1 },
        { month: '2026-08', meetings: 2 },
        { month: '2026-09', meetings: 1 },
        { month: '2026-10', meetings: 1 }
      ]);
      expect(health.meetings.months.map((m) => m.month)).toEqual([
        '2025-12',
        '2026-01',
        '2026-02',
        '2026-03',
        '2026-04',
        '2026-05',
        '2026-06',
        '2026-07',
        '2026-08',
        '2026-09',
        '2026-10',
        '2026-11'
      ]);
      expect(health.talks.months.filter((m) => m.memberTalks + m.guestTalks > 0)).toEqual([
        { month: '2026-07', memberTalks: 0, guestTalks: 1 },
        { month: '2026-10', memberTalks: 1, guestTalks: 0 }
      ]);
    });

    it('signals: each kind from its own source, on the right day', async () => {
      const rows = await t.db.kysely
        .selectFrom('health_signals')
        .select(['user_id', 'day', 'signal', 'count'])
        .where('user_id', 'in', ['G', 'H', 'A', 'L', 'O'])
        .where('day', '>=', '2026-09-01')
        .execute();
      const of = (user: string) =>
        rows
          .filter((r) => r.user_id === user)
          .map((r) => `${r.day} ${r.signal} ${r.count}`)
          .sort();
      expect(of('G')).toEqual([
        '2026-09-06 rsvp 1',
        '2026-10-04 rsvp 1',
        '2026-10-05 helped 1',
        '2026-10-06 helped 1'
      ]);
      // Commenting on one's own help request and asking for help earn nothing.
      expect(of('H')).toEqual(['2026-09-06 rsvp 1', '2026-09-16 attended 1']);
      // Two vote rows; a declined talk is no talk.
      expect(of('A')).toEqual([
        '2026-09-01 voted 2',
        '2026-09-06 rsvp 1',
        '2026-09-16 attended 1',
        '2026-10-04 rsvp 1',
        '2026-10-14 attended 1',
        '2026-10-15 feedback 1',
        '2026-11-20 rsvp 1'
      ]);
      // A hidden comment is not counted.
      expect(of('L')).toEqual([]);
      // Created m7 and m8 and opened m8's room; proposed t2 is before September.
      expect(of('O')).toEqual([
        '2026-09-06 rsvp 1',
        '2026-09-16 attended 1',
        '2026-09-16 hosted 1',
        '2026-10-04 rsvp 1',
        '2026-10-14 attended 1',
        '2026-10-14 hosted 2',
        '2026-10-15 feedback 1',
        '2026-11-20 rsvp 1'
      ]);
    });

    it('members: tier, previous tier, last active day, six meetings, quiet', async () => {
      const expected = {
        O: { tier: 'core', previous: 'core', lastActive: '2026-11-20', ofSix: 6, quiet: false },
        A: {
          tier: 'contributor',
          previous: 'audience',
          lastActive: '2026-11-20',
          ofSix: 6,
          quiet: false
        },
        B: {
          tier: 'audience',
          previous: 'contributor',
          lastActive: '2026-08-05',
          ofSix: 5,
          quiet: true
        },
        C: {
          tier: 'audience',
          previous: 'audience',
          lastActive: '2026-07-08',
          ofSix: 3,
          quiet: true
        },
        D: {
          tier: 'contributor',
          previous: 'audience',
          lastActive: '2026-10-01',
          ofSix: 3,
          quiet: false
        },
        E: {
          tier: 'audience',
          previous: 'audience',
          lastActive: '2026-08-05',
          ofSix: 2,
          quiet: false
        },
        F: { tier: 'core', previous: 'audience', lastActive: '2026-10-14', ofSix: 0, quiet: false },
        G: { tier: 'core', previous: 'audience', lastActive: '2026-10-06', ofSix: 0, quiet: false },
        H: {
          tier: 'audience',
          previous: 'audience',
          lastActive: '2026-09-16',
          ofSix: 0,
          quiet: false
        },
        I: { tier: 'audience', previous: null, lastActive: '2026-10-14', ofSix: 0, quiet: false },
        K: {
          tier: 'contributor',
          previous: 'audience',
          lastActive: '2026-10-15',
          ofSix: 1,
          quiet: false
        },
        L: {
          tier: 'audience',
          previous: 'audience',
          lastActive: '2026-07-26',
          ofSix: 0,
          quiet: false
        },
        P: {
          tier: 'contributor',
          previous: 'core',
          lastActive: '2026-09-16',
          ofSix: 1,
          quiet: false
        },
        Q: {
          tier: 'audience',
          previous: 'audience',
          lastActive: '2026-09-16',
          ofSix: 4,
          quiet: false
        }
      };
      expect(await members()).toEqual(
        Object.fromEntries(
          Object.entries(expected).map(([id, m]) => [id, { ...m, on: '2026-11-24' }])
        )
      );
    });

    it('dashboard: tiers, moves, left, members over time, topics, quiet count', async () => {
      const health = await groupHealth(t.db, group, NOW);
      expect(health.participation).toEqual({
        windowDays: 180,
        from: '2026-05-29',
        to: '2026-11-24',
        tiers: [
          { tier: 'audience', count: 7, percent: 50, reference: 90 },
          { tier: 'contributor', count: 4, percent: 28.6, reference: 9 },
          { tier: 'core', count: 3, percent: 21.4, reference: 1 }
        ],
        moves: [
          { from: 'new', to: 'audience', count: 1 },
          { from: 'audience', to: 'audience', count: 5 },
          { from: 'audience', to: 'contributor', count: 3 },
          { from: 'audience', to: 'core', count: 2 },
          { from: 'contributor', to: 'audience', count: 1 },
          { from: 'core', to: 'contributor', count: 1 },
          { from: 'core', to: 'core', count: 1 }
        ],
        left: 1
      });
      expect(health.members.total).toBe(14);
      expect(health.members.months).toEqual([
        { month: '2025-12', joins: 0, leaves: 0, total: 14 },
        { month: '2026-01', joins: 0, leaves: 0, total: 14 },
        { month: '2026-02', joins: 0, leaves: 0, total: 14 },
        { month: '2026-03', joins: 0, leaves: 0, total: 14 },
        { month: '2026-04', joins: 0, leaves: 0, total: 14 },
        { month: '2026-05', joins: 0, leaves: 0, total: 14 },
        { month: '2026-06', joins: 0, leaves: 0, total: 14 },
        { month: '2026-07', joins: 0, leaves: 0, total: 14 },
        { month: '2026-08', joins: 0, leaves: 0, total: 14 },
        { month: '2026-09', joins: 0, leaves: 1, total: 13 },
        { month: '2026-10', joins: 1, leaves: 0, total: 14 },
        { month: '2026-11', joins: 0, leaves: 0, total: 14 }
      ]);
      expect(
        health.topics.months.filter((m) => m.proposed + m.votesCast + m.pollAnswers > 0)
      ).toEqual([
        { month: '2026-02', proposed: 1, votesCast: 0, voters: 0, pollAnswers: 0 },
        { month: '2026-08', proposed: 1, votesCast: 0, voters: 0, pollAnswers: 0 },
        { month: '2026-09', proposed: 0, votesCast: 4, voters: 2, pollAnswers: 2 }
      ]);
      expect(health.quiet).toEqual({ count: 1, quietDays: 90 });
      expect(health.public).toBe(false);
      expect(health.rolledUpAt).toBe(NOW.toISOString());
    });

    it('gone quiet: exactly B; the opted-out C never appears', async () => {
      expect(await quietMembers(t.db, GROUP_ID)).toEqual([
        {
          userId: 'B',
          handle: 'member-b',
          name: 'Member B',
          role: 'member',
          attendedOfSix: 5,
          lastActiveOn: '2026-08-05',
          lastContactedAt: '2026-11-20T10:00:00.000Z'
        }
      ]);
    });

    it('public figures and the instance', async () => {
      const pub = await publicHealth(t.db, group, NOW);
      expect(pub.members.total).toBe(14);
      expect(pub.meetings.averageAttendance).toBe(5.3); // 42 attendees over 8 meetings
      expect(pub.meetings.months.reduce((a, m) => a + m.meetings, 0)).toBe(8);

      const instance = await instanceHealth(t.db, NOW);
      expect(instance).toEqual({
        rolledUpAt: NOW.toISOString(),
        groups: 1,
        members: 15,
        meetings: 8,
        meetingsLast30Days: 0,
        weeks: [
          { week: '2026-W37', activeMembers: 0 },
          { week: '2026-W38', activeMembers: 6 },
          { week: '2026-W39', activeMembers: 0 },
          { week: '2026-W40', activeMembers: 7 },
          { week: '2026-W41', activeMembers: 1 },
          { week: '2026-W42', activeMembers: 5 },
          { week: '2026-W43', activeMembers: 0 },
          { week: '2026-W44', activeMembers: 0 },
          { week: '2026-W45', activeMembers: 0 },
          { week: '2026-W46', activeMembers: 0 },
          { week: '2026-W47', activeMembers: 2 },
          { week: '2026-W48', activeMembers: 0 }
        ]
      });
      const earlier = await instanceHealth(t.db, new Date('2026-11-10T12:00:00.000Z'));
      expect(earlier.meetingsLast30Days).toBe(1);
    });

    it('settings: read, change, audited', async () => {
      expect(await healthSettings(t.db, GROUP_ID)).toEqual({
        public: false,
        windowDays: 180,
        quietDays: 90
      });
      expect(await updateHealthSettings(t.db, GROUP_ID, 'O', { public: true })).toEqual({
        public: true,
        windowDays: 180,
        quietDays: 90
      });
      const audit = await t.db.kysely
        .selectFrom('audit_entries')
        .select(['action', 'actor_id', 'details'])
        .where('group_id', '=', GROUP_ID)
        .execute();
      expect(audit).toEqual([
        { action: 'health.settings', actor_id: 'O', details: JSON.stringify({ public: true }) }
      ]);
      await updateHealthSettings(t.db, GROUP_ID, 'O', { public: false });
    });

    it('a second run gives identical tables', async () => {
      const before = await snapshotHealth(t.db);
      // The same day: from yesterday (the day's first run went back two weeks).
      const again = await rollUpHealth(t.db, { now: NOW });
      expect(again.from).toBe('2026-11-23');
      expect(await snapshotHealth(t.db)).toEqual(before);
    });

    it('two concurrent runs leave the same result as one', async () => {
      const one = await snapshotHealth(t.db);
      await resetHealth(t.db);
      await Promise.all([rollUpHealth(t.db, { now: NOW }), rollUpHealth(t.db, { now: NOW })]);
      expect(await snapshotHealth(t.db)).toEqual(one);
      await Promise.all([rollUpHealth(t.db, { now: NOW }), rollUpHealth(t.db, { now: NOW })]);
      expect(await snapshotHealth(t.db)).toEqual(one);
    });

    it('a daily re-run moves a member into quiet as time passes', async () => {
      // By 2026-12-20 the quiet period begins 2026-09-22: the six meetings are m2…m7, and Q (at
      // m3…m7, nothing since 2026-09-16) has gone quiet; D (m2, m3) is no longer a regular.
      const later = new Date('2026-12-20T12:00:00.000Z');
      await rollUpHealth(t.db, { now: later });
      const rows = await members();
      expect(
        Object.entries(rows)
          .filter(([, m]) => m.quiet)
          .map(([id]) => id)
          .sort()
      ).toEqual(['B', 'C', 'Q']);
      expect(rows.Q).toMatchObject({ ofSix: 5, on: '2026-12-20' });
      expect((await quietMembers(t.db, GROUP_ID)).map((q) => [q.userId, q.attendedOfSix])).toEqual([
        ['Q', 5],
        ['B', 4]
      ]);
    });

    it('a late check-in within 14 days is picked up', async () => {
      await resetHealth(t.db);
      await rollUpHealth(t.db, { now: new Date('2026-10-15T12:00:00.000Z') });
      const m8 = () =>
        t.db.kysely
          .selectFrom('health_meetings')
          .select(['checked_in', 'new_attendees'])
          .where('event_id', '=', 'm8')
          .executeTakeFirstOrThrow();
      expect(await m8()).toEqual({ checked_in: 5, new_attendees: 2 });
      const checkInG = (at: string | null) =>
        t.db.kysely
          .updateTable('rsvps')
          .set({ checked_in_at: at })
          .where('event_id', '=', 'm8')
          .where('user_id', '=', 'G')
          .execute();
      // G is checked in afterwards (the organizer catches up on 2026-10-20).
      await checkInG('2026-10-14T18:30:00.000Z');
      const result = await rollUpHealth(t.db, { now: new Date('2026-10-20T12:00:00.000Z') });
      expect(result.from).toBe('2026-10-01');
      expect(await m8()).toEqual({ checked_in: 6, new_attendees: 3 });
      const g = await t.db.kysely
        .selectFrom('health_signals')
        .select('day')
        .where('user_id', '=', 'G')
        .where('signal', '=', 'attended')
        .execute();
      expect(g).toEqual([{ day: '2026-10-14' }]);

      // A later run the same day goes back to yesterday only: G's check-in, undone that evening,
      // still counts until the next day's first run goes back two weeks again.
      await checkInG(null);
      const sameDay = await rollUpHealth(t.db, { now: new Date('2026-10-20T18:00:00.000Z') });
      expect(sameDay.from).toBe('2026-10-19');
      expect(await m8()).toEqual({ checked_in: 6, new_attendees: 3 });
      const nextDay = await rollUpHealth(t.db, { now: new Date('2026-10-21T06:00:00.000Z') });
      expect(nextDay.from).toBe('2026-10-06');
      expect(await m8()).toEqual({ checked_in: 5, new_attendees: 2 });
    });
    it('computes many groups at once exactly as one by one, each with its own windows', async () => {
      const k = t.db.kysely;
      await k
        .insertInto('groups')
        .values({
          id: 'g-small',
          slug: 'small-group',
          name: 'Small group',
          kind: 'meetup',
          time_zone: 'UTC',
          visibility: 'public',
          join_policy: 'open',
          member_count: 2,
          created_at: OLD_JOIN,
          updated_at: OLD_JOIN,
          health_window_days: 30,
          health_quiet_days: 365
        })
        .execute();
      for (const [userId, role] of [
        ['A', 'owner'],
        ['B', 'member']
      ] as const)
        await k
          .insertInto('memberships')
          .values({
            group_id: 'g-small',
            user_id: userId,
            role,
            status: 'active',
            created_at: OLD_JOIN,
            updated_at: OLD_JOIN
          })
          .execute();
      // B voted inside the small group's 30-day window and proposed a topic in its previous one;
      // a signal 200 days back lies in the main group's previous window but outside both of these.
      await k
        .insertInto('health_signals')
        .values([
          { group_id: 'g-small', day: '2026-11-10', user_id: 'B', signal: 'voted', count: 1 },
          { group_id: 'g-small', day: '2026-10-10', user_id: 'B', signal: 'proposed', count: 1 },
          { group_id: 'g-small', day: '2026-05-08', user_id: 'B', signal: 'spoke', count: 1 }
        ])
        .execute();
      const groups = [
        { id: GROUP_ID, windowDays: 180, quietDays: 90 },
        { id: 'g-small', windowDays: 30, quietDays: 365 }
      ];
      const together = await computeMembers(k, groups, '2026-11-24');
      for (const g of groups)
        expect(together.get(g.id)).toEqual(await computeGroupMembers(k, g, '2026-11-24'));
      const small = together.get('g-small')?.rows.find((r) => r.user_id === 'B');
      expect(small?.tier).toBe('contributor');
      expect(small?.previous_tier).toBe('core');
      expect(together.get(GROUP_ID)?.rows.length).toBeGreaterThan(10);
      await k.deleteFrom('health_signals').where('group_id', '=', 'g-small').execute();
      await k.deleteFrom('memberships').where('group_id', '=', 'g-small').execute();
      await k.deleteFrom('groups').where('id', '=', 'g-small').execute();
    });

    it('a re-run the same day recomputes the members of a group whose activity changed', async () => {
      await resetHealth(t.db);
      await rollUpHealth(t.db, { now: NOW });
      expect((await members()).B).toMatchObject({ tier: 'audience', quiet: true });
      // B, quiet since August, proposes a topic an hour before NOW; the rollup runs again at once.
      const at = new Date(NOW.getTime() - 3_600_000).toISOString();
      await t.db.kysely
        .insertInto('topics')
        .values({
          id: 'late-topic',
          group_id: GROUP_ID,
          title: 'A late topic',
          link_url: null,
          wants: 'explain',
          status: 'open',
          proposed_by: 'B',
          event_id: null,
          merged_into: null,
          created_at: at,
          updated_at: at
        })
        .execute();
      const day = at.slice(0, 10);
      const daysBefore = await t.db.kysely
        .selectFrom('health_days')
        .select('topics_proposed')
        .where('group_id', '=', GROUP_ID)
        .where('day', '=', day)
        .executeTakeFirst();
      await rollUpHealth(t.db, { now: new Date(NOW.getTime() + 60_000) });
      expect((await members()).B).toMatchObject({ tier: 'core', lastActive: day, quiet: false });
      const proposed = await t.db.kysely
        .selectFrom('health_signals')
        .select(['signal', 'count'])
        .where('group_id', '=', GROUP_ID)
        .where('user_id', '=', 'B')
        .where('day', '=', day)
        .execute();
      expect(proposed).toEqual([{ signal: 'proposed', count: 1 }]);
      const daysAfter = await t.db.kysely
        .selectFrom('health_days')
        .select('topics_proposed')
        .where('group_id', '=', GROUP_ID)
        .where('day', '=', day)
        .executeTakeFirstOrThrow();
      expect(daysAfter.topics_proposed).toBe((daysBefore?.topics_proposed ?? 0) + 1);
    });
  });
}
