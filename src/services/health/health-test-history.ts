// Test support (not app code): a generated group history with known health answers, inserted
// straight into the raw tables, and a snapshot of every health table to compare runs.
//
// The group (owner O) has 14 active members and one who left (J); meetings m1…m8 took place
// (monthly, m5 and m6 two weeks apart, m7 without any check-in), plus a future, a cancelled and a
// draft meeting that must not count. Who did what is spelled out in HISTORY below; the expected
// answers are written out by hand in health.int.test.ts.

import type { Db } from '../../db/database.ts';
import { dbBool, toBool, toDate } from '../../db/values.ts';

export const GROUP_ID = 'g-health';
export const NOW = new Date('2026-11-24T12:00:00.000Z');
export const OLD_JOIN = '2025-01-10T09:00:00.000Z';

/** Active members with their role; J has left. I joined late (2026-10-01). */
export const MEMBERS = ['O', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'K', 'L', 'P', 'Q'];

type Rsvp = [user: string, status: 'going' | 'waitlisted' | 'not_going', checkedIn: boolean];

/** The meetings that took place: start day and RSVPs (going ✓ = checked in). */
export const MEETINGS: { id: string; day: string; rsvps: Rsvp[] }[] = [
  {
    id: 'm1',
    day: '2026-04-15',
    rsvps: [
      ['O', 'going', true],
      ['A', 'going', true],
      ['B', 'going', true],
      ['D', 'going', true],
      ['J', 'going', true],
      ['P', 'going', true],
      ['L', 'going', false]
    ]
  },
  {
    id: 'm2',
    day: '2026-05-13',
    rsvps: [
      ['O', 'going', true],
      ['A', 'going', true],
      ['B', 'going', true],
      ['C', 'going', true],
      ['D', 'going', true],
      ['E', 'waitlisted', false]
    ]
  },
  {
    id: 'm3',
    day: '2026-06-10',
    rsvps: [
      ['O', 'going', true],
      ['A', 'going', true],
      ['B', 'going', true],
      ['C', 'going', true],
      ['D', 'going', true],
      ['Q', 'going', true],
      ['E', 'going', false]
    ]
  },
  {
    id: 'm4',
    day: '2026-07-08',
    rsvps: [
      ['O', 'going', true],
      ['A', 'going', true],
      ['B', 'going', true],
      ['C', 'going', true],
      ['E', 'going', true],
      ['Q', 'going', true]
    ]
  },
  {
    id: 'm5',
    day: '2026-08-05',
    rsvps: [
      ['O', 'going', true],
      ['A', 'going', true],
      ['B', 'going', true],
      ['E', 'going', true],
      ['Q', 'going', true],
      ['K', 'going', false],
      ['L', 'not_going', false]
    ]
  },
  {
    id: 'm6',
    day: '2026-08-19',
    rsvps: [
      ['O', 'going', true],
      ['A', 'going', true],
      ['K', 'going', true],
      ['Q', 'going', true]
    ]
  },
  {
    // Nobody checked in: attendance is read from "going".
    id: 'm7',
    day: '2026-09-16',
    rsvps: [
      ['O', 'going', false],
      ['A', 'going', false],
      ['H', 'going', false],
      ['K', 'going', false],
      ['Q', 'going', false],
      ['G', 'waitlisted', false]
    ]
  },
  {
    id: 'm8',
    day: '2026-10-14',
    rsvps: [
      ['O', 'going', true],
      ['A', 'going', true],
      ['F', 'going', true],
      ['I', 'going', true],
      ['K', 'going', true],
      ['G', 'going', false]
    ]
  }
];

/** A meeting starts at 18:00 UTC on its day; RSVPs come ten days before, check-ins at 18:30. */
export const startOf = (day: string) => `${day}T18:00:00.000Z`;
const tenDaysBefore = (day: string) =>
  new Date(Date.parse(startOf(day)) - 10 * 86_400_000).toISOString();
const checkInOf = (day: string) => `${day}T18:30:00.000Z`;

async function user(db: Db, id: string, optOut = false): Promise<void> {
  await db.kysely
    .insertInto('users')
    .values({
      id,
      name: `Member ${id}`,
      email: `${id.toLowerCase()}@example.org`,
      email_verified: dbBool(db, true),
      image: null,
      created_at: OLD_JOIN,
      updated_at: OLD_JOIN,
      handle: `member-${id.toLowerCase()}`,
      bio: '',
      city: null,
      country: null,
      time_zone: 'Europe/Berlin',
      language: 'en',
      tags: '[]',
      is_admin: dbBool(db, false),
      health_opt_out: dbBool(db, optOut)
    })
    .execute();
}

async function event(db: Db, id: string, day: string, status = 'published'): Promise<void> {
  await db.kysely
    .insertInto('events')
    .values({
      id,
      group_id: GROUP_ID,
      series_id: null,
      occurrence_start: null,
      title: `Meeting ${id}`,
      starts_at: startOf(day),
      ends_at: `${day}T20:00:00.000Z`,
      time_zone: 'Europe/Berlin',
      venue_id: null,
      online_url: null,
      capacity: 20,
      rsvp_opens_at: null,
      rsvp_closes_at: null,
      status,
      cancel_reason: null,
      created_by: 'O',
      created_at: '2026-01-05T10:00:00.000Z',
      updated_at: '2026-01-05T10:00:00.000Z',
      published_at: status === 'published' ? '2026-01-05T10:00:00.000Z' : null
    })
    .execute();
}

async function rsvp(db: Db, eventId: string, day: string, [userId, status, checked]: Rsvp) {
  await db.kysely
    .insertInto('rsvps')
    .values({
      event_id: eventId,
      user_id: userId,
      status,
      queue_no: status === 'waitlisted' ? 1 : null,
      check_in_code: `${eventId}-${userId}`,
      checked_in_at: checked ? checkInOf(day) : null,
      created_at: tenDaysBefore(day),
      updated_at: tenDaysBefore(day)
    })
    .execute();
}

/** Inserts the whole history (see the file comment). */
export async function insertHistory(db: Db): Promise<void> {
  const k = db.kysely;
  for (const id of [...MEMBERS, 'J']) await user(db, id, id === 'C');
  await k
    .insertInto('groups')
    .values({
      id: GROUP_ID,
      slug: 'health-group',
      name: 'Health group',
      kind: 'practice',
      city: null,
      country: null,
      latitude: null,
      longitude: null,
      time_zone: 'Europe/Berlin',
      website_url: null,
      chat_url: null,
      code_of_conduct_url: null,
      visibility: 'public',
      join_policy: 'open',
      network_id: null,
      member_count: MEMBERS.length,
      created_by: 'O',
      created_at: OLD_JOIN,
      updated_at: OLD_JOIN,
      chat_webhook_url: null,
      chat_signing_secret: null
    })
    .execute();
  // Memberships inserted directly (no log rows): the first rollup run reconciles them.
  for (const id of MEMBERS) {
    const at = id === 'I' ? '2026-10-01T08:00:00.000Z' : OLD_JOIN;
    await k
      .insertInto('memberships')
      .values({
        group_id: GROUP_ID,
        user_id: id,
        role: id === 'O' ? 'owner' : 'member',
        status: 'active',
        created_at: at,
        updated_at: at
      })
      .execute();
  }
  // J joined in 2025 and left on 2026-09-01 (the membership row is gone).
  await k
    .insertInto('membership_log')
    .values([
      {
        id: 'j-in',
        group_id: GROUP_ID,
        user_id: 'J',
        delta: 1,
        created_at: '2025-06-01T08:00:00.000Z'
      },
      {
        id: 'j-out',
        group_id: GROUP_ID,
        user_id: 'J',
        delta: -1,
        created_at: '2026-09-01T08:00:00.000Z'
      }
    ])
    .execute();

  for (const m of MEETINGS) {
    await event(db, m.id, m.day);
    for (const r of m.rsvps) await rsvp(db, m.id, m.day, r);
  }
  // Not meetings that took place: a future one (O and A going, RSVP'd 2026-11-20), a cancelled
  // one and a draft.
  await event(db, 'm9', '2027-01-13');
  for (const userId of ['O', 'A'])
    await k
      .insertInto('rsvps')
      .values({
        event_id: 'm9',
        user_id: userId,
        status: 'going',
        queue_no: null,
        check_in_code: `m9-${userId}`,
        checked_in_at: null,
        created_at: '2026-11-20T10:00:00.000Z',
        updated_at: '2026-11-20T10:00:00.000Z'
      })
      .execute();
  await event(db, 'm-cancelled', '2026-10-28', 'cancelled');
  await event(db, 'm-draft', '2026-11-04', 'draft');
  // O opened m8's room.
  await k
    .insertInto('meeting_rooms')
    .values({
      event_id: 'm8',
      opened_at: '2026-10-14T17:45:00.000Z',
      opened_by: 'O',
      closed_at: null,
      closed_by: null,
      created_at: '2026-10-14T17:45:00.000Z'
    })
    .execute();

  // Topics: P proposed one in the previous window, O one in August; B commented in March.
  for (const [id, by, at] of [
    ['t1', 'P', '2026-02-10T10:00:00.000Z'],
    ['t2', 'O', '2026-08-20T10:00:00.000Z']
  ] as const)
    await k
      .insertInto('topics')
      .values({
        id,
        group_id: GROUP_ID,
        title: `Topic ${id}`,
        link_url: null,
        wants: 'explain',
        status: 'open',
        proposed_by: by,
        event_id: null,
        merged_into: null,
        created_at: at,
        updated_at: at
      })
      .execute();
  await k
    .insertInto('topic_comments')
    .values({
      id: 'tc1',
      topic_id: 't1',
      author_id: 'B',
      body: 'Yes please',
      created_at: '2026-03-05T10:00:00.000Z',
      updated_at: '2026-03-05T10:00:00.000Z'
    })
    .execute();
  // A voting round for m7: A puts 2 dots on t1 and 1 on t2 (09-01), D 1 on t2 (09-02).
  await k
    .insertInto('voting_rounds')
    .values({
      id: 'r1',
      group_id: GROUP_ID,
      event_id: 'm7',
      status: 'closed',
      opens_at: '2026-08-25T10:00:00.000Z',
      closes_at: '2026-09-10T10:00:00.000Z',
      votes_per_member: 5,
      votes_per_topic: 3,
      agenda_topics: 2,
      tally_visibility: 'live',
      override_reason: null,
      overridden_by: null,
      overridden_at: null,
      opened_by: 'O',
      closed_at: '2026-09-10T10:00:00.000Z',
      created_at: '2026-08-25T10:00:00.000Z'
    })
    .execute();
  await k
    .insertInto('votes')
    .values([
      {
        round_id: 'r1',
        topic_id: 't1',
        user_id: 'A',
        count: 2,
        updated_at: '2026-09-01T10:00:00Z'
      },
      {
        round_id: 'r1',
        topic_id: 't2',
        user_id: 'A',
        count: 1,
        updated_at: '2026-09-01T11:00:00Z'
      },
      { round_id: 'r1', topic_id: 't2', user_id: 'D', count: 1, updated_at: '2026-09-02T10:00:00Z' }
    ])
    .execute();

  // A poll at m7: P and K answered.
  await k
    .insertInto('polls')
    .values({
      id: 'p1',
      group_id: GROUP_ID,
      event_id: 'm7',
      question: 'Pizza?',
      choice: 'single',
      anonymous: dbBool(db, false),
      results: 'live',
      status: 'closed',
      closes_at: null,
      opened_at: '2026-09-16T18:10:00.000Z',
      closed_at: '2026-09-16T18:40:00.000Z',
      created_by: 'O',
      created_at: '2026-09-16T17:00:00.000Z',
      updated_at: '2026-09-16T18:40:00.000Z'
    })
    .execute();
  await k
    .insertInto('poll_ballots')
    .values([
      { poll_id: 'p1', user_id: 'P', created_at: '2026-09-16T18:15:00.000Z' },
      { poll_id: 'p1', user_id: 'K', created_at: '2026-09-16T18:16:00.000Z' }
    ])
    .execute();

  // Talks: an invited guest at m4, member F at m8; A's talk for m8 was declined.
  await k
    .insertInto('speakers')
    .values([
      {
        id: 's-guest',
        group_id: GROUP_ID,
        user_id: null,
        name: 'Guest',
        company: null,
        contact: null,
        created_at: OLD_JOIN,
        updated_at: OLD_JOIN
      },
      {
        id: 's-f',
        group_id: GROUP_ID,
        user_id: 'F',
        name: 'Member F',
        company: null,
        contact: null,
        created_at: OLD_JOIN,
        updated_at: OLD_JOIN
      },
      {
        id: 's-a',
        group_id: GROUP_ID,
        user_id: 'A',
        name: 'Member A',
        company: null,
        contact: null,
        created_at: OLD_JOIN,
        updated_at: OLD_JOIN
      }
    ])
    .execute();
  for (const [id, speaker, eventId, status] of [
    ['talk-guest', 's-guest', 'm4', 'accepted'],
    ['talk-f', 's-f', 'm8', 'accepted'],
    ['talk-a', 's-a', 'm8', 'declined']
  ] as const)
    await k
      .insertInto('talks')
      .values({
        id,
        group_id: GROUP_ID,
        speaker_id: speaker,
        submitted_by: null,
        title: `Talk ${id}`,
        duration_minutes: 20,
        level: 'beginner',
        status,
        event_id: eventId,
        decision_note: null,
        decided_by: 'O',
        decided_at: '2026-06-01T10:00:00.000Z',
        slides_url: null,
        recording_url: null,
        created_at: '2026-06-01T09:00:00.000Z',
        updated_at: '2026-06-01T10:00:00.000Z'
      })
      .execute();

  // At m8: K asked a question and gave kudos; feedback from K (4), A (5), O (no rating).
  await k
    .insertInto('questions')
    .values({
      id: 'q1',
      event_id: 'm8',
      author_id: 'K',
      anonymous: dbBool(db, false),
      body: 'How?',
      status: 'answered',
      topic_id: null,
      answered_at: '2026-10-14T18:40:00.000Z',
      created_at: '2026-10-14T18:35:00.000Z',
      updated_at: '2026-10-14T18:40:00.000Z'
    })
    .execute();
  await k
    .insertInto('kudos')
    .values({
      id: 'k1',
      group_id: GROUP_ID,
      event_id: 'm8',
      from_user_id: 'K',
      to_user_id: 'F',
      to_speaker_id: null,
      message: 'Great talk',
      created_at: '2026-10-14T19:00:00.000Z'
    })
    .execute();
  for (const [id, by, rating] of [
    ['f1', 'K', 4],
    ['f2', 'A', 5],
    ['f3', 'O', null]
  ] as const)
    await k
      .insertInto('feedback')
      .values({
        id,
        event_id: 'm8',
        user_id: by,
        rating,
        next_time_topic_id: null,
        created_at: '2026-10-15T09:00:00.000Z',
        updated_at: '2026-10-15T09:00:00.000Z'
      })
      .execute();

  // The board: D's discussion (10-01), H's help request (10-03) answered by G (10-05) and by H
  // itself (10-04, not help given), G's job lead (10-06), a hidden comment by L (not counted).
  for (const [id, by, kind, at] of [
    ['post-d', 'D', 'discussion', '2026-10-01T10:00:00.000Z'],
    ['post-h', 'H', 'help', '2026-10-03T10:00:00.000Z'],
    ['post-g', 'G', 'job', '2026-10-06T10:00:00.000Z']
  ] as const)
    await k
      .insertInto('posts')
      .values({
        id,
        group_id: GROUP_ID,
        author_id: by,
        kind,
        title: `Post ${id}`,
        body: 'Body',
        link_url: null,
        link_title: null,
        link_description: null,
        link_status: null,
        status: 'visible',
        solved_at: null,
        pinned_at: null,
        expires_at: null,
        created_at: at,
        updated_at: at,
        edited_at: null
      })
      .execute();
  for (const [id, by, status, at] of [
    ['pc-h', 'H', 'visible', '2026-10-04T10:00:00.000Z'],
    ['pc-g', 'G', 'visible', '2026-10-05T10:00:00.000Z'],
    ['pc-l', 'L', 'hidden', '2026-10-05T11:00:00.000Z']
  ] as const)
    await k
      .insertInto('post_comments')
      .values({
        id,
        post_id: 'post-h',
        parent_id: null,
        author_id: by,
        body: 'Comment',
        status,
        created_at: at,
        updated_at: at,
        edited_at: null
      })
      .execute();

  // O wrote to B on 2026-11-20.
  await k
    .insertInto('health_outreach')
    .values({
      id: 'o1',
      group_id: GROUP_ID,
      user_id: 'B',
      sent_by: 'O',
      subject: 'We miss you',
      created_at: '2026-11-20T10:00:00.000Z'
    })
    .execute();
}

/** Deletes every health aggregate and the rollup's state (the raw history stays). */
export async function resetHealth(db: Db): Promise<void> {
  for (const table of [
    'health_signals',
    'health_days',
    'health_meetings',
    'health_members',
    'health_weeks',
    'health_state'
  ] as const)
    await db.kysely.deleteFrom(table).execute();
}

const norm = (row: Record<string, unknown>) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(row)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => [
          key,
          value instanceof Date
            ? value.toISOString()
            : key === 'quiet' || key === 'check_in_used'
              ? toBool(value as boolean | number)
              : key === 'starts_at' || key === 'updated_at'
                ? toDate(value as string).toISOString()
                : value
        ])
    )
  );

/** Every health table's rows, normalized and sorted, for comparing two runs. */
export async function snapshotHealth(db: Db): Promise<Record<string, string[]>> {
  const k = db.kysely;
  const tables = {
    health_signals: await k.selectFrom('health_signals').selectAll().execute(),
    health_days: await k.selectFrom('health_days').selectAll().execute(),
    health_meetings: await k.selectFrom('health_meetings').selectAll().execute(),
    health_members: await k.selectFrom('health_members').selectAll().execute(),
    health_weeks: await k.selectFrom('health_weeks').selectAll().execute(),
    health_state: await k.selectFrom('health_state').selectAll().execute()
  };
  return Object.fromEntries(
    Object.entries(tables).map(([name, rows]) => [name, rows.map(norm).sort()])
  );
}
