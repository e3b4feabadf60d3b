import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { parseJsonList, toDate } from '../db/values.ts';
import { MEETING_MAIL_QUEUE } from '../services/meeting-mail-jobs.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../test/test-database.ts';
import { findGroupBySlug } from '../services/group.service.ts';
import { groupHealth, quietMembers } from '../services/health/health.service.ts';
import { HEALTH_DEMO_GROUPS, HEALTH_HISTORY_MEETINGS } from './demo-health.ts';
import { DEMO_GROUPS, DEMO_MEMBERS, DEMO_PEOPLE, PRACTICE_DEMO, seedDemo } from './demo.ts';

for (const dialect of testDialects()) {
  describe(`demo data (${dialect})`, () => {
    let testDb: TestDatabase;
    let first: string[];
    let second: string[];
    let countsAfterFirst: Record<string, number>;
    const tables = [
      'users',
      'memberships',
      'venues',
      'sponsors',
      'series',
      'events',
      'event_sponsors',
      'rsvps',
      'topics',
      'topic_comments',
      'voting_rounds',
      'votes',
      'speakers',
      'talks',
      'agenda_items',
      'questions',
      'question_votes',
      'hands',
      'polls',
      'poll_ballots',
      'kudos',
      'feedback',
      'feedback_items',
      'room_events'
    ] as const;
    const counts = async () => {
      const result: Record<string, number> = {};
      for (const table of tables) {
        const row = await testDb.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow();
        result[table] = Number(row.n);
      }
      return result;
    };

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      const config = loadConfig({
        DATA_DIR: testDb.dataDir,
        BASE_URL: 'http://localhost:3000',
        SECRET: 'd'.repeat(40)
      });
      const logger = pino({ level: 'silent' });
      first = await seedDemo(config, testDb.db, logger);
      countsAfterFirst = await counts();
      second = await seedDemo(config, testDb.db, logger);
    }, 120_000);
    afterAll(async () => {
      await testDb.dispose();
    });

    it('seeds people, a dozen groups with roles and the Azure Meetups network, and can run twice', async () => {
      expect(first).toEqual(second);
      expect(first).toHaveLength(DEMO_PEOPLE.length + 1);
      expect(await counts()).toEqual(countsAfterFirst);
      const k = testDb.db.kysely;
      expect(await k.selectFrom('users').select('id').execute()).toHaveLength(
        DEMO_PEOPLE.length + DEMO_MEMBERS.length
      );
      const groups = await k
        .selectFrom('groups')
        .select(['id', 'slug', 'kind', 'visibility', 'member_count', 'network_id'])
        .execute();
      expect(groups).toHaveLength(DEMO_GROUPS.length);
      expect(DEMO_GROUPS.length).toBeGreaterThanOrEqual(12);
      expect(new Set(groups.map((g) => g.kind))).toEqual(new Set(['meetup', 'practice']));
      expect(
        groups
          .filter((g) => g.network_id !== null)
          .map((g) => g.slug)
          .sort()
      ).toEqual(['azure-berlin', 'azure-hamburg', 'azure-munich']);
      expect(groups.find((g) => g.slug === 'devops-cloud-cop')).toMatchObject({
        visibility: 'private'
      });
      const memberships = await k
        .selectFrom('memberships')
        .select(['group_id', 'role', 'status'])
        .execute();
      expect(memberships.filter((m) => m.role === 'owner')).toHaveLength(DEMO_GROUPS.length);
      expect(memberships.filter((m) => m.role === 'organizer')).toHaveLength(DEMO_GROUPS.length);
      // Everyone joined (approval and invitation groups too), and the member counts agree.
      expect(memberships.every((m) => m.status === 'active')).toBe(true);
      for (const group of groups) {
        const active = memberships.filter((m) => m.group_id === group.id).length;
        expect(active, group.slug).toBeGreaterThanOrEqual(15);
        expect(group.member_count, group.slug).toBe(active);
      }
    });

    it('gives every group a venue, sponsors and a series with past and upcoming meetings', async () => {
      const k = testDb.db.kysely;
      const now = new Date();
      const groups = await k.selectFrom('groups').select(['id', 'slug']).execute();
      const venues = await k.selectFrom('venues').selectAll().execute();
      const sponsors = await k.selectFrom('sponsors').selectAll().execute();
      const series = await k.selectFrom('series').select(['id', 'group_id']).execute();
      const events = await k.selectFrom('events').selectAll().execute();
      for (const group of groups) {
        const venue = venues.find((v) => v.group_id === group.id);
        expect(venue?.room, group.slug).toBeTruthy();
        expect(venue?.accessibility, group.slug).not.toBe('');
        const own = sponsors.filter((s) => s.group_id === group.id);
        expect(own.length, group.slug).toBeGreaterThanOrEqual(1);
        expect(own.length, group.slug).toBeLessThanOrEqual(2);
        expect(
          own.some((s) => parseJsonList(s.contributions).includes('room')),
          group.slug
        ).toBe(true);
        expect(
          own.some((s) => parseJsonList(s.contributions).includes('food')),
          group.slug
        ).toBe(true);
        const ids = series.filter((s) => s.group_id === group.id).map((s) => s.id);
        expect(ids, group.slug).toHaveLength(1);
        const meetings = events.filter((e) => e.series_id !== null && ids.includes(e.series_id));
        const past = meetings.filter((e) => toDate(e.ends_at) <= now);
        const upcoming = meetings.filter((e) => toDate(e.starts_at) > now);
        expect(past.length, group.slug).toBeGreaterThanOrEqual(1);
        expect(upcoming.length, group.slug).toBeGreaterThanOrEqual(1);
        expect(meetings.every((e) => e.status === 'published' && e.venue_id === venue?.id)).toBe(
          true
        );
        // The next meeting is full, with a waitlist.
        const full = upcoming.filter(
          (e) => e.capacity !== null && e.going_seats === e.capacity && e.waitlist_count >= 1
        );
        expect(full.length, group.slug).toBeGreaterThanOrEqual(1);
      }
      const credited = await k.selectFrom('event_sponsors').select('event_id').execute();
      expect(credited.length).toBeGreaterThan(0);
    });

    it('has RSVPs on past meetings with check-ins and no-shows, and seat counts that match them', async () => {
      const k = testDb.db.kysely;
      const now = new Date();
      const events = await k.selectFrom('events').selectAll().execute();
      const rsvps = await k.selectFrom('rsvps').selectAll().execute();
      for (const event of events) {
        const mine = rsvps.filter((r) => r.event_id === event.id);
        const going = mine.filter((r) => r.status === 'going');
        expect(event.going_seats, event.id).toBe(going.reduce((n, r) => n + 1 + r.guests, 0));
        expect(event.waitlist_count, event.id).toBe(
          mine.filter((r) => r.status === 'waitlisted').length
        );
        if (event.capacity !== null) {
          expect(event.going_seats).toBeLessThanOrEqual(event.capacity);
        }
        // Only people going are checked in.
        expect(mine.filter((r) => r.checked_in_at !== null && r.status !== 'going')).toEqual([]);
      }
      const pastIds = new Set(events.filter((e) => toDate(e.ends_at) <= now).map((e) => e.id));
      const pastGoing = rsvps.filter((r) => pastIds.has(r.event_id) && r.status === 'going');
      const checkedIn = pastGoing.filter((r) => r.checked_in_at !== null);
      const noShows = pastGoing.filter((r) => r.checked_in_at === null);
      expect(checkedIn.length).toBeGreaterThan(noShows.length);
      expect(noShows.length).toBeGreaterThan(0);
      // Every past meeting has check-ins, except two of each health history's (nobody checked
      // people in there; those going count as there).
      const withoutCheckIn = [...pastIds].filter(
        (eventId) => !checkedIn.some((r) => r.event_id === eventId)
      );
      expect(withoutCheckIn).toHaveLength(2 * HEALTH_DEMO_GROUPS.length);
      for (const eventId of withoutCheckIn) {
        const event = events.find((e) => e.id === eventId);
        expect(event?.series_id, eventId).toBeNull();
        expect(pastGoing.filter((r) => r.event_id === eventId).length).toBeGreaterThan(3);
      }
      expect(rsvps.some((r) => pastIds.has(r.event_id) && r.status === 'not_going')).toBe(true);
      expect(rsvps.some((r) => r.guests > 0)).toBe(true);
      // Upcoming meetings have RSVPs, and nobody is checked in to them yet.
      const upcoming = rsvps.filter((r) => !pastIds.has(r.event_id));
      expect(upcoming.length).toBeGreaterThan(0);
      expect(upcoming.filter((r) => r.checked_in_at !== null)).toEqual([]);
    });

    it('gives two groups a health history the dashboard shows at once: meetings, joins and leaves, talks, votes, regulars gone quiet', async () => {
      const now = new Date();
      for (const slug of HEALTH_DEMO_GROUPS) {
        const group = await findGroupBySlug(testDb.db, slug);
        if (!group) throw new Error(`${slug} missing`);
        const health = await groupHealth(testDb.db, group, now);
        expect(health.rolledUpAt, slug).not.toBeNull();
        // The history and the series' past meetings, oldest first.
        const items = health.meetings.items;
        expect(items.length, slug).toBeGreaterThanOrEqual(Math.min(24, HEALTH_HISTORY_MEETINGS));
        expect(items.length, slug).toBeGreaterThanOrEqual(12);
        expect(
          items.filter((m) => !m.checkInUsed),
          slug
        ).toHaveLength(2);
        expect(items.filter((m) => m.checkInUsed && (m.noShows ?? 0) > 0).length).toBeGreaterThan(
          3
        );
        expect(items.some((m) => m.feedbackCount > 0 && m.averageRating !== null)).toBe(true);
        expect(health.meetings.averageNoShowRate, slug).not.toBeNull();
        // Members joined over many months; one left and came back, one left for good.
        const months = health.members.months;
        expect(months.filter((m) => m.joins > 0).length, slug).toBeGreaterThanOrEqual(6);
        expect(
          months.reduce((n, m) => n + m.leaves, 0),
          slug
        ).toBeGreaterThanOrEqual(1);
        expect(months.at(-1)?.total, slug).toBe(group.memberCount);
        expect(health.members.total, slug).toBe(group.memberCount);
        expect(health.talks.months.reduce((n, m) => n + m.memberTalks, 0)).toBeGreaterThan(5);
        expect(health.talks.months.reduce((n, m) => n + m.guestTalks, 0)).toBeGreaterThan(3);
        expect(health.topics.months.reduce((n, m) => n + m.votesCast, 0)).toBeGreaterThan(10);
        expect(health.participation.left, slug).toBeGreaterThanOrEqual(1);
        const tiers = Object.fromEntries(health.participation.tiers.map((t) => [t.tier, t.count]));
        expect(tiers.core, slug).toBeGreaterThanOrEqual(1);
        // The two regulars of the first year who have not come for months.
        const quiet = await quietMembers(testDb.db, group.id);
        expect(quiet.length, slug).toBeGreaterThanOrEqual(1);
        expect(health.quiet.count, slug).toBe(quiet.length);
        expect(
          quiet.every((q) => q.attendedOfSix >= 3),
          slug
        ).toBe(true);
      }
    });

    it('enqueues no meeting mail (announcements, reminders, promotions) while seeding', async () => {
      const k = testDb.db.kysely;
      if (dialect === 'sqlite') {
        const jobs = await k
          .selectFrom('jobs')
          .select('id')
          .where('queue', '=', MEETING_MAIL_QUEUE)
          .execute();
        expect(jobs).toEqual([]);
        return;
      }
      // pg-boss installs its schema on the first job; none at all is fine too.
      const installed = await sql<{
        t: string | null;
      }>`select to_regclass('pgboss.job') as t`.execute(k);
      if (installed.rows[0]?.t) {
        const jobs = await sql<{
          n: number;
        }>`select count(*)::int as n from pgboss.job where name = ${MEETING_MAIL_QUEUE}`.execute(k);
        expect(jobs.rows[0]?.n).toBe(0);
      }
    });

    it('gives the Community of Practice a voted backlog, a closed and an open round, talks and an invited speaker', async () => {
      const k = testDb.db.kysely;
      const group = await k
        .selectFrom('groups')
        .select('id')
        .where('slug', '=', PRACTICE_DEMO)
        .executeTakeFirstOrThrow();
      const rounds = await k
        .selectFrom('voting_rounds')
        .selectAll()
        .where('group_id', '=', group.id)
        .orderBy('closes_at')
        .execute();
      expect(rounds.map((r) => r.status)).toEqual(['closed', 'open']);
      const [closed, open] = rounds;
      if (!closed || !open) throw new Error('rounds missing');
      // The closed round's top two are on its meeting's agenda, after the accepted talks.
      const picked = parseJsonList(closed.picked);
      expect(picked).toHaveLength(2);
      const agenda = await k
        .selectFrom('agenda_items')
        .select(['kind', 'topic_id', 'talk_id', 'round_id'])
        .where('event_id', '=', closed.event_id)
        .orderBy('position')
        .execute();
      expect(agenda.map((a) => a.kind)).toEqual(['talk', 'talk', 'topic', 'topic']);
      expect(agenda.filter((a) => a.kind === 'topic').map((a) => a.topic_id)).toEqual(picked);
      const totals = await k
        .selectFrom('votes')
        .select(['topic_id', (eb) => eb.fn.sum<number | string>('count').as('n')])
        .where('round_id', '=', closed.id)
        .groupBy('topic_id')
        .execute();
      const votesOf = (id: string) => Number(totals.find((t) => t.topic_id === id)?.n ?? 0);
      const least = Math.min(...picked.map(votesOf));
      for (const t of totals) {
        if (!picked.includes(t.topic_id)) expect(Number(t.n)).toBeLessThanOrEqual(least);
      }
      const scheduled = await k
        .selectFrom('topics')
        .select(['id', 'status', 'event_id'])
        .where('id', 'in', picked)
        .execute();
      expect(
        scheduled.every((t) => t.status === 'scheduled' && t.event_id === closed.event_id)
      ).toBe(true);
      // The open round is for a later meeting and already has votes; topics not picked stay open.
      expect(toDate(open.closes_at).getTime()).toBeGreaterThan(Date.now());
      const openVotes = await k
        .selectFrom('votes')
        .select('topic_id')
        .where('round_id', '=', open.id)
        .execute();
      expect(openVotes.length).toBeGreaterThan(5);
      const speakers = await k
        .selectFrom('speakers')
        .select(['id', 'user_id', 'contact'])
        .where('group_id', '=', group.id)
        .execute();
      expect(speakers.some((sp) => sp.user_id === null && sp.contact)).toBe(true);
      const talks = await k
        .selectFrom('talks')
        .select(['status', 'event_id'])
        .where('group_id', '=', group.id)
        .execute();
      expect(
        talks.filter((t) => t.status === 'accepted' && t.event_id === closed.event_id)
      ).toHaveLength(2);
      expect(talks.some((t) => t.status === 'proposed')).toBe(true);
    });

    it('gives the Community of Practice a past meeting with Q&A, poll results, kudos and feedback', async () => {
      const db = testDb.db.kysely;
      const group = await db
        .selectFrom('groups')
        .select('id')
        .where('slug', '=', PRACTICE_DEMO)
        .executeTakeFirstOrThrow();
      const meeting = await db
        .selectFrom('events')
        .select(['id', 'ends_at'])
        .where('group_id', '=', group.id)
        .where('id', 'in', db.selectFrom('questions').select('event_id'))
        .executeTakeFirstOrThrow();
      expect(toDate(meeting.ends_at).getTime()).toBeLessThan(Date.now());
      const questions = await db
        .selectFrom('questions')
        .select(['status', 'upvotes', 'anonymous', 'topic_id'])
        .where('event_id', '=', meeting.id)
        .execute();
      expect(questions.length).toBe(4);
      expect(questions.filter((q) => q.status === 'answered').length).toBe(2);
      expect(questions.some((q) => q.topic_id !== null)).toBe(true);
      expect(questions.some((q) => q.anonymous === 1 || q.anonymous === true)).toBe(true);
      const poll = await db
        .selectFrom('polls')
        .select(['id', 'status', 'ballot_count'])
        .where('event_id', '=', meeting.id)
        .executeTakeFirstOrThrow();
      expect(poll.status).toBe('closed');
      expect(poll.ballot_count).toBeGreaterThanOrEqual(3);
      const optionVotes = await db
        .selectFrom('poll_options')
        .select((eb) => eb.fn.sum<number | string>('votes').as('n'))
        .where('poll_id', '=', poll.id)
        .executeTakeFirstOrThrow();
      expect(Number(optionVotes.n)).toBe(poll.ballot_count);
      const kudos = await db
        .selectFrom('kudos')
        .select('id')
        .where('event_id', '=', meeting.id)
        .execute();
      expect(kudos.length).toBe(2);
      const feedback = await db
        .selectFrom('feedback')
        .select(['rating', 'next_time'])
        .where('event_id', '=', meeting.id)
        .execute();
      expect(feedback.length).toBeGreaterThanOrEqual(3);
      expect(feedback.some((f) => f.next_time !== '')).toBe(true);
      // The room's log holds every change, so its stream replays the meeting.
      const log = await db
        .selectFrom('room_events')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('event_id', '=', meeting.id)
        .executeTakeFirstOrThrow();
      expect(Number(log.n)).toBeGreaterThan(10);
    });
  });
}
