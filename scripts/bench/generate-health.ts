// Deterministic history of one big group for the health bench: 50,000 active members who joined
// over ten years (a few left and came back), 500 past meetings (about one a week) with RSVPs,
// waitlists and check-ins (some meetings without any check-in), topics with comments and a
// voting round per meeting, polls with ballots, feedback with ratings, and talks by members and
// invited speakers. Engaged members come and go over the years, so some regulars have gone quiet.
// Written with the bench generator's bulk inserts; the same seed gives the same rows.
import type { Db } from '../../src/db/database.ts';
import { benchId, bulkInsert, checkInCode, DAY_MS, random, type Value } from './generate.ts';

export interface HealthGroupOptions {
  /** Active members (bench users 0…members − 1; at most the number of bench users). */
  members: number;
  /** Past meetings, evenly spread over `years`. */
  meetings: number;
  years?: number;
  seed: number;
  log?: (line: string) => void;
}

export interface HealthGroup {
  id: string;
  slug: string;
  /** An organizer of the group (its first organizer), for the bench's token. */
  organizerId: string;
  members: number;
  meetings: number;
  /** Rows per table, as inserted. */
  rows: Record<string, number>;
  seconds: number;
}

/** Kinds of bench ids used here (generate.ts uses 1–5). */
const KIND = {
  group: 0x20,
  event: 0x21,
  topic: 0x22,
  comment: 0x23,
  round: 0x24,
  poll: 0x25,
  option: 0x26,
  feedback: 0x27,
  speaker: 0x28,
  talk: 0x29,
  log: 0x2a
} as const;

/** Check-in codes above every code the main generator can have used. */
const CODE_OFFSET = 200_000_000;

const userOf = (j: number) => `bench-user-${j}`;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Writes the group and its history into a migrated database that already holds the bench users
 * (`bench-user-0` … `bench-user-<members − 1>`). Meeting times are relative to today (UTC).
 *
 * @example
 * const group = await generateHealthGroup(db, { members: 50_000, meetings: 500, seed: 42 });
 */
export async function generateHealthGroup(
  db: Db,
  options: HealthGroupOptions
): Promise<HealthGroup> {
  const t0 = performance.now();
  const rnd = random(options.seed ^ 0x4ea1_7400);
  const N = options.members;
  const M = options.meetings;
  const spanDays = Math.round((options.years ?? 10) * 365.25);
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const founded = today - (spanDays + 30) * DAY_MS;
  const groupId = benchId(KIND.group, 0);
  const slug = 'health-bench';
  const rows: Record<string, number> = {};
  const timed = async (table: string, work: () => Promise<number>) => {
    const s = performance.now();
    rows[table] = await work();
    options.log?.(
      `  ${table}: ${rows[table].toLocaleString('en')} rows in ${((performance.now() - s) / 1000).toFixed(1)} s`
    );
  };

  // Members join over the years, faster lately: member j joined at joinedAt[j] (member 0, the
  // owner, founded the group). Every 200th member left once and came back (its log says so).
  const joinedAt = Array.from({ length: N }, (_, j) =>
    j === 0 ? founded : founded + Math.floor(Math.pow(j / N, 0.6) * spanDays * DAY_MS)
  );
  const rejoinedAt = joinedAt.map((at, j) =>
    j % 200 === 7 && at < today - 200 * DAY_MS
      ? at + Math.floor((0.3 + 0.5 * rnd()) * (today - at))
      : null
  );
  // One in 25 members is engaged for a stretch of one to five years after joining; one in 100
  // is a regular then (comes to more than half the meetings), the others come now and then.
  const engagedFrom: number[] = [];
  const engagedUntil: number[] = [];
  for (let j = 0; j < N; j++) {
    if (j % 25 !== 0 && j > 2) {
      engagedFrom.push(0);
      engagedUntil.push(0);
      continue;
    }
    const from = (joinedAt[j] ?? founded) + Math.floor(rnd() * 60) * DAY_MS;
    const until = j <= 2 ? today + DAY_MS : from + Math.floor((365 + rnd() * 1460) * DAY_MS);
    engagedFrom.push(from);
    engagedUntil.push(until);
  }
  const engaged = engagedFrom
    .map((from, j) => ({ j, from, until: engagedUntil[j] ?? 0, regular: j % 100 === 0 || j <= 2 }))
    .filter((e) => e.until > e.from);

  await timed('groups', async () => {
    await db.kysely
      .insertInto('groups')
      .values({
        id: groupId,
        slug,
        name: 'Cloud Native Community Health Bench',
        kind: 'meetup',
        description: 'A big, old group: ten years of weekly meetings.',
        excerpt: 'A big, old group: ten years of weekly meetings.',
        tags: JSON.stringify(['cloud', 'kubernetes']),
        city: 'Berlin',
        country: 'DE',
        latitude: 52.52,
        longitude: 13.405,
        online_only: db.dialect === 'sqlite' ? 0 : false,
        time_zone: 'Europe/Berlin',
        visibility: 'public',
        join_policy: 'open',
        member_count: N,
        created_by: userOf(0),
        created_at: iso(founded),
        updated_at: iso(founded)
      })
      .execute();
    await db.kysely
      .insertInto('group_tags')
      .values([
        { group_id: groupId, tag: 'cloud' },
        { group_id: groupId, tag: 'kubernetes' }
      ])
      .execute();
    return 1;
  });

  await timed('memberships', () =>
    bulkInsert(
      db,
      'memberships',
      {
        group_id: 'text',
        user_id: 'text',
        role: 'text',
        status: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      (function* () {
        for (let j = 0; j < N; j++) {
          const at = iso(rejoinedAt[j] ?? joinedAt[j] ?? founded);
          yield [
            groupId,
            userOf(j),
            j === 0 ? 'owner' : j < 3 ? 'organizer' : 'member',
            'active',
            at,
            at
          ];
        }
      })()
    )
  );
  // Members who left and came back: joined, left, joined again (the others get their +1 from
  // the rollup's first run, which reconciles memberships without a log row).
  await timed('membership_log', () =>
    bulkInsert(
      db,
      'membership_log',
      { id: 'text', group_id: 'text', user_id: 'text', delta: 'int4', created_at: 'timestamptz' },
      (function* () {
        let n = 0;
        for (let j = 0; j < N; j++) {
          const back = rejoinedAt[j];
          const joined = joinedAt[j];
          if (back === null || back === undefined || joined === undefined) continue;
          const left = joined + Math.floor((back - joined) / 2);
          yield [benchId(KIND.log, n++), groupId, userOf(j), 1, iso(joined)];
          yield [benchId(KIND.log, n++), groupId, userOf(j), -1, iso(left)];
          yield [benchId(KIND.log, n++), groupId, userOf(j), 1, iso(back)];
        }
      })()
    )
  );

  // Meetings: evenly spaced, the last one a few days ago; the room holds 120 (60 in a small one).
  interface Meeting {
    id: string;
    startsMs: number;
    capacity: number;
    checkIn: boolean;
    going: number;
    waitlisted: number;
    attendees: number[];
  }
  const gap = spanDays / M;
  const meetings: Meeting[] = [];
  const rsvps: Value[][] = [];
  let code = CODE_OFFSET;
  for (let m = 0; m < M; m++) {
    const daysAgo = Math.round((M - m) * gap) + 2;
    const startsMs = today - daysAgo * DAY_MS + 17 * 3_600_000;
    const capacity = m % 17 === 5 ? 60 : 120;
    const checkIn = m % 23 !== 11; // about one meeting in 23 had nobody checking people in
    const want = 40 + Math.floor(rnd() * 81);
    // Engaged members active at the time answer first, then members who joined before.
    const pool = engaged.filter(
      (e) => e.from <= startsMs && e.until >= startsMs && (joinedAt[e.j] ?? 0) <= startsMs
    );
    const chosen = new Set<number>();
    for (const e of pool) if (rnd() < (e.regular ? 0.55 : 0.06)) chosen.add(e.j);
    const joinedBefore = joinedAt.findIndex((at) => at > startsMs);
    const eligible = joinedBefore === -1 ? N : Math.max(1, joinedBefore);
    for (let tries = 0; chosen.size < want && tries < want * 4; tries++)
      chosen.add(Math.floor(rnd() * eligible));
    const answered = [...chosen];
    const going = answered.slice(0, capacity);
    const waitlisted = answered.slice(capacity);
    const checkedIn = checkIn ? going.filter(() => rnd() < 0.8) : [];
    const checkedSet = new Set(checkedIn);
    const meeting: Meeting = {
      id: benchId(KIND.event, m),
      startsMs,
      capacity,
      checkIn,
      going: going.length,
      waitlisted: waitlisted.length,
      attendees: checkIn ? checkedIn : going
    };
    meetings.push(meeting);
    const rsvpAt = (i: number) => iso(startsMs - (1 + ((i * 7919) % 13)) * DAY_MS - i * 60_000);
    for (const [i, j] of going.entries())
      rsvps.push([
        meeting.id,
        userOf(j),
        'going',
        null,
        checkInCode(code++),
        checkedSet.has(j) ? iso(startsMs - 20 * 60_000 + i * 5_000) : null,
        rsvpAt(i)
      ]);
    for (const [i, j] of waitlisted.entries())
      rsvps.push([
        meeting.id,
        userOf(j),
        'waitlisted',
        i + 1,
        checkInCode(code++),
        null,
        rsvpAt(going.length + i)
      ]);
    // A few said they could not come.
    for (let i = 0; i < 6; i++) {
      const j = Math.floor(rnd() * eligible);
      if (chosen.has(j)) continue;
      chosen.add(j);
      rsvps.push([
        meeting.id,
        userOf(j),
        'not_going',
        null,
        checkInCode(code++),
        null,
        rsvpAt(answered.length + i)
      ]);
    }
  }

  await timed('events', () =>
    bulkInsert(
      db,
      'events',
      {
        id: 'text',
        group_id: 'text',
        title: 'text',
        description: 'text',
        starts_at: 'timestamptz',
        ends_at: 'timestamptz',
        time_zone: 'text',
        online_url: 'text',
        capacity: 'int4',
        status: 'text',
        going_seats: 'int4',
        waitlist_count: 'int4',
        created_by: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz',
        published_at: 'timestamptz'
      },
      (function* () {
        for (const [m, meeting] of meetings.entries()) {
          const created = iso(meeting.startsMs - 30 * DAY_MS);
          yield [
            meeting.id,
            groupId,
            `Cloud Native Night #${m + 1}`,
            'Two talks, then pizza and open discussion.',
            iso(meeting.startsMs),
            iso(meeting.startsMs + 3 * 3_600_000),
            'Europe/Berlin',
            `https://meet.example/${slug}`,
            meeting.capacity,
            'published',
            meeting.going,
            meeting.waitlisted,
            userOf(1 + (m % 2)),
            created,
            created,
            created
          ];
        }
      })()
    )
  );
  await timed('rsvps', () =>
    bulkInsert(
      db,
      'rsvps',
      {
        event_id: 'text',
        user_id: 'text',
        status: 'text',
        queue_no: 'int4',
        check_in_code: 'text',
        checked_in_at: 'timestamptz',
        from_series: 'bool',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      (function* () {
        for (const [eventId, userId, status, queueNo, c, checkedInAt, at] of rsvps)
          yield [eventId, userId, status, queueNo, c, checkedInAt, false, at, at] as Value[];
      })()
    )
  );

  // Topics: four proposed before each meeting by members engaged then; two discussed at it, the
  // others stay on the backlog (archived after a year). A closed voting round per meeting with
  // votes from its attendees, comments on the topics.
  const engagedAt = (ms: number) => engaged.filter((e) => e.from <= ms && e.until >= ms);
  const topics: Value[][] = [];
  const comments: Value[][] = [];
  const rounds: Value[][] = [];
  const votes: Value[][] = [];
  for (const [m, meeting] of meetings.entries()) {
    const before = meeting.startsMs - 21 * DAY_MS;
    const proposers = engagedAt(before);
    const ids: string[] = [];
    for (let t = 0; t < 4; t++) {
      const id = benchId(KIND.topic, m * 4 + t);
      ids.push(id);
      const by = proposers[Math.floor(rnd() * proposers.length)]?.j ?? 1;
      const at = before - t * 3 * DAY_MS;
      topics.push([
        id,
        groupId,
        `Topic ${m * 4 + t + 1}: ${['GitOps', 'eBPF', 'FinOps', 'Service mesh'][t] ?? ''} in practice`,
        'What worked for us, and what did not.',
        t % 2 === 0 ? 'present' : 'explain',
        t < 2 ? 'discussed' : meeting.startsMs < Date.now() - 365 * DAY_MS ? 'archived' : 'open',
        userOf(by),
        t < 2 ? meeting.id : null,
        iso(at),
        iso(at)
      ]);
      const commenters = Math.floor(rnd() * 5);
      for (let c = 0; c < commenters; c++) {
        const who = proposers[Math.floor(rnd() * proposers.length)]?.j ?? 2;
        const cAt = iso(at + (c + 1) * 3_600_000);
        comments.push([
          benchId(KIND.comment, comments.length),
          id,
          userOf(who),
          'Interested, we tried this last year.',
          cAt,
          cAt
        ]);
      }
    }
    const roundId = benchId(KIND.round, m);
    const opens = meeting.startsMs - 14 * DAY_MS;
    const closes = meeting.startsMs - DAY_MS;
    rounds.push([
      roundId,
      groupId,
      meeting.id,
      'closed',
      iso(opens),
      iso(closes),
      3,
      1,
      2,
      'live',
      JSON.stringify(ids.slice(0, 2)),
      userOf(1),
      iso(closes),
      iso(opens)
    ]);
    const voters = meeting.attendees.slice(0, 20 + Math.floor(rnd() * 40));
    for (const [v, j] of voters.entries()) {
      const picks = 1 + (v % 3);
      for (let p = 0; p < picks; p++)
        votes.push([roundId, ids[(v + p) % 4] ?? '', userOf(j), 1, iso(opens + (v + 1) * 600_000)]);
    }
  }
  await timed('topics', () =>
    bulkInsert(
      db,
      'topics',
      {
        id: 'text',
        group_id: 'text',
        title: 'text',
        description: 'text',
        wants: 'text',
        status: 'text',
        proposed_by: 'text',
        event_id: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      topics
    )
  );
  await timed('topic_comments', () =>
    bulkInsert(
      db,
      'topic_comments',
      {
        id: 'text',
        topic_id: 'text',
        author_id: 'text',
        body: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      comments
    )
  );
  await timed('voting_rounds', () =>
    bulkInsert(
      db,
      'voting_rounds',
      {
        id: 'text',
        group_id: 'text',
        event_id: 'text',
        status: 'text',
        opens_at: 'timestamptz',
        closes_at: 'timestamptz',
        votes_per_member: 'int4',
        votes_per_topic: 'int4',
        agenda_topics: 'int4',
        tally_visibility: 'text',
        picked: 'text',
        opened_by: 'text',
        closed_at: 'timestamptz',
        created_at: 'timestamptz'
      },
      rounds
    )
  );
  await timed('votes', () =>
    bulkInsert(
      db,
      'votes',
      {
        round_id: 'text',
        topic_id: 'text',
        user_id: 'text',
        count: 'int4',
        updated_at: 'timestamptz'
      },
      votes
    )
  );

  // A poll at every other meeting, answered by about half of those there; feedback from about a
  // third of them the next day, most with a rating (mostly 4s and 5s).
  const polls: Value[][] = [];
  const pollOptions: Value[][] = [];
  const ballots: Value[][] = [];
  const feedback: Value[][] = [];
  for (const [m, meeting] of meetings.entries()) {
    const there = meeting.attendees;
    if (m % 2 === 0) {
      const pollId = benchId(KIND.poll, m);
      const answered = there.filter(() => rnd() < 0.5);
      const at = meeting.startsMs + 3_600_000;
      polls.push([
        pollId,
        groupId,
        meeting.id,
        'Which talk should we repeat?',
        'single',
        true,
        'live',
        'closed',
        iso(at),
        iso(at + 1_800_000),
        answered.length,
        userOf(1),
        iso(at),
        iso(at)
      ]);
      for (let o = 0; o < 3; o++)
        pollOptions.push([benchId(KIND.option, m * 3 + o), pollId, o, `Option ${o + 1}`]);
      for (const [b, j] of answered.entries())
        ballots.push([pollId, userOf(j), iso(at + b * 10_000)]);
    }
    for (const j of there) {
      if (rnd() >= 0.33) continue;
      const at = iso(meeting.startsMs + DAY_MS + feedback.length * 1000);
      const r = rnd();
      const rating = r < 0.1 ? null : r < 0.15 ? 2 : r < 0.3 ? 3 : r < 0.65 ? 4 : 5;
      feedback.push([
        benchId(KIND.feedback, feedback.length),
        meeting.id,
        userOf(j),
        rating,
        'Great talks, thanks!',
        at,
        at
      ]);
    }
  }
  await timed('polls', () =>
    bulkInsert(
      db,
      'polls',
      {
        id: 'text',
        group_id: 'text',
        event_id: 'text',
        question: 'text',
        choice: 'text',
        anonymous: 'bool',
        results: 'text',
        status: 'text',
        opened_at: 'timestamptz',
        closed_at: 'timestamptz',
        ballot_count: 'int4',
        created_by: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      polls
    )
  );
  await timed('poll_options', () =>
    bulkInsert(
      db,
      'poll_options',
      { id: 'text', poll_id: 'text', position: 'int4', label: 'text' },
      pollOptions
    )
  );
  await timed('poll_ballots', () =>
    bulkInsert(
      db,
      'poll_ballots',
      { poll_id: 'text', user_id: 'text', created_at: 'timestamptz' },
      ballots
    )
  );
  await timed('feedback', () =>
    bulkInsert(
      db,
      'feedback',
      {
        id: 'text',
        event_id: 'text',
        user_id: 'text',
        rating: 'int4',
        comment: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      feedback
    )
  );

  // Talks: a member's talk at every meeting, an invited speaker's at about two in five.
  const speakers: Value[][] = [];
  const speakerOfMember = new Map<number, string>();
  const guestSpeakers: string[] = [];
  const talks: Value[][] = [];
  for (const meeting of meetings) {
    const pool = engagedAt(meeting.startsMs);
    const j = pool[Math.floor(rnd() * pool.length)]?.j ?? 1;
    let speakerId = speakerOfMember.get(j);
    if (!speakerId) {
      speakerId = benchId(KIND.speaker, speakers.length);
      speakerOfMember.set(j, speakerId);
      const at = iso(meeting.startsMs - 40 * DAY_MS);
      speakers.push([speakerId, groupId, userOf(j), `Member ${j}`, null, at, at]);
    }
    const lineup = [speakerId];
    if (rnd() < 0.4) {
      let guest = guestSpeakers[Math.floor(rnd() * 300)];
      if (!guest || guestSpeakers.length < 300) {
        guest = benchId(KIND.speaker, speakers.length);
        guestSpeakers.push(guest);
        const at = iso(meeting.startsMs - 40 * DAY_MS);
        speakers.push([guest, groupId, null, `Guest ${guestSpeakers.length}`, 'Acme', at, at]);
      }
      lineup.push(guest);
    }
    for (const [s, id] of lineup.entries()) {
      const at = iso(meeting.startsMs - 35 * DAY_MS);
      talks.push([
        benchId(KIND.talk, talks.length),
        groupId,
        id,
        `Talk ${talks.length + 1}`,
        30 + 15 * s,
        'intermediate',
        'accepted',
        meeting.id,
        userOf(1),
        at,
        at
      ]);
    }
  }
  await timed('speakers', () =>
    bulkInsert(
      db,
      'speakers',
      {
        id: 'text',
        group_id: 'text',
        user_id: 'text',
        name: 'text',
        company: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      speakers
    )
  );
  await timed('talks', () =>
    bulkInsert(
      db,
      'talks',
      {
        id: 'text',
        group_id: 'text',
        speaker_id: 'text',
        title: 'text',
        duration_minutes: 'int4',
        level: 'text',
        status: 'text',
        event_id: 'text',
        decided_by: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      talks
    )
  );

  return {
    id: groupId,
    slug,
    organizerId: userOf(1),
    members: N,
    meetings: M,
    rows,
    seconds: (performance.now() - t0) / 1000
  };
}
