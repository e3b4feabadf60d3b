// What members do around the meetings of the generated instance: a monthly series for every third
// group, topics and an open voting round (with votes) before the next meeting of practice groups,
// an open "in person or online?" poll (with answers) before the next meeting of every fifth group,
// and board posts in every group (more in bigger ones). Deterministic for a seed; written with the
// generator's bulk inserts, after the groups, memberships and meetings exist.
import type { Db } from '../../src/db/database.ts';
import { benchId, bulkInsert, DAY_MS, random, type Value } from './bulk.ts';
import { type GeneratedGroup, memberIds } from './generate.ts';

/** Kinds of bench ids used here (generate.ts uses 1–5, the health group 0x20–0x2a). */
const KIND = {
  series: 0x10,
  topic: 0x11,
  round: 0x12,
  poll: 0x13,
  option: 0x14,
  post: 0x15
} as const;

const TOPIC_TITLES = [
  'GitOps in practice',
  'eBPF for observability',
  'FinOps: who pays for the cluster?',
  'Service mesh or not?',
  'Testing infrastructure code',
  'On-call without burnout'
];
const POST_KINDS = ['help', 'job', 'announcement', 'discussion'] as const;
const POST_TITLES: Record<(typeof POST_KINDS)[number], string> = {
  help: 'DNS lookups time out in our cluster',
  job: 'We are hiring a platform engineer',
  announcement: 'Slides of the last meeting are online',
  discussion: 'Which CI do you use, and why?'
};
const POST_BODY = `We tried the usual things first:

- restarted the pods
- checked the **resolver** settings

Any idea what else to look at? Links welcome.`;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Writes series, topics, voting rounds, votes, polls, poll answers and posts for `groups` and
 * returns rows per table.
 *
 * @example
 * const rows = await generateActivity(db, generated.groups, { users: 50_000, seed: 42 });
 */
export async function generateActivity(
  db: Db,
  groups: readonly GeneratedGroup[],
  options: { users: number; seed: number; log?: (line: string) => void }
): Promise<Record<string, number>> {
  const rnd = random(options.seed ^ 0x0ac7_1717);
  const now = Date.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const rows: Record<string, number> = {};
  const timed = async (table: string, work: () => Promise<number>) => {
    const t0 = performance.now();
    rows[table] = await work();
    options.log?.(
      `  ${table}: ${rows[table].toLocaleString('en')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`
    );
  };

  // A monthly series (second Tuesday, 19:00 in the group's zone), materialized far enough ahead
  // that the series job finds nothing to do, as on an instance that has been running a while.
  await timed('series', () =>
    bulkInsert(
      db,
      'series',
      {
        id: 'text',
        group_id: 'text',
        title: 'text',
        description: 'text',
        rrule: 'text',
        time_zone: 'text',
        duration_minutes: 'int4',
        venue_id: 'text',
        online_url: 'text',
        capacity: 'int4',
        materialized_until: 'timestamptz',
        created_by: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      (function* () {
        for (const [i, g] of groups.entries()) {
          if (i % 3 !== 0) continue;
          yield [
            benchId(KIND.series, i),
            g.id,
            'Monthly meetup',
            'Talks and open discussion, every second Tuesday.',
            `DTSTART;TZID=${g.timeZone}:20260113T190000\nRRULE:FREQ=MONTHLY;BYDAY=2TU`,
            g.timeZone,
            120,
            g.venueId,
            g.venueId ? null : `https://meet.example/${g.slug}`,
            g.venueId ? 80 : null,
            iso(today + 400 * DAY_MS),
            g.createdBy,
            iso(today - 365 * DAY_MS),
            iso(today - 365 * DAY_MS)
          ];
        }
      })()
    )
  );

  // Practice groups collect topics and vote on them before their next meeting.
  const topics: Value[][] = [];
  const rounds: Value[][] = [];
  const votes: Value[][] = [];
  let topicNo = 0;
  for (const [i, g] of groups.entries()) {
    if (g.kind !== 'practice' || g.nextEventId === null || g.nextEventStartsMs === null) continue;
    const members = memberIds(g, options.users, 24);
    const ids: string[] = [];
    const count = Math.min(TOPIC_TITLES.length, 2 + Math.floor(rnd() * 5));
    for (let t = 0; t < count; t++) {
      const id = benchId(KIND.topic, topicNo++);
      ids.push(id);
      const at = iso(today - (t + 1) * 5 * DAY_MS);
      topics.push([
        id,
        g.id,
        TOPIC_TITLES[t] ?? 'A topic',
        'What worked for us, and what did not.',
        t % 2 === 0 ? 'present' : 'explain',
        'open',
        members[t % members.length] ?? g.createdBy,
        at,
        at
      ]);
    }
    const closes = g.nextEventStartsMs - 2 * 3_600_000;
    if (closes < now + 3_600_000) continue; // too close to its meeting to vote
    const roundId = benchId(KIND.round, i);
    rounds.push([
      roundId,
      g.id,
      g.nextEventId,
      'open',
      iso(today - 3 * DAY_MS),
      iso(closes),
      3,
      1,
      2,
      'live',
      '[]',
      g.createdBy,
      null,
      iso(today - 3 * DAY_MS)
    ]);
    for (const [v, user] of members.slice(0, 20).entries()) {
      const picks = Math.min(ids.length, 1 + (v % 3));
      for (let p = 0; p < picks; p++) {
        // Cast some time in the three days the round has been open.
        const at = today - 3 * DAY_MS + Math.floor(rnd() * 3 * DAY_MS);
        votes.push([roundId, ids[(v + p) % ids.length] ?? '', user, 1, iso(at)]);
      }
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
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      topics
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

  // "In person or online?" before the next meeting of every fifth group, answered by up to 30.
  const polls: Value[][] = [];
  const pollOptions: Value[][] = [];
  const ballots: Value[][] = [];
  const choices: Value[][] = [];
  for (const [i, g] of groups.entries()) {
    if (i % 5 !== 1 || g.nextEventId === null) continue;
    const pollId = benchId(KIND.poll, i);
    const answered = memberIds(g, options.users, 30);
    const opened = today - 2 * DAY_MS;
    const options_ = [benchId(KIND.option, 2 * i), benchId(KIND.option, 2 * i + 1)];
    const picks = answered.map(() => (rnd() < 0.6 ? 0 : 1));
    polls.push([
      pollId,
      g.id,
      g.nextEventId,
      'In person or online?',
      'single',
      false,
      'live',
      'open',
      iso(opened),
      answered.length,
      g.createdBy,
      iso(opened),
      iso(opened)
    ]);
    for (const [o, label] of ['In person', 'Online'].entries()) {
      pollOptions.push([options_[o] ?? '', pollId, o, label, picks.filter((p) => p === o).length]);
    }
    for (const [b, user] of answered.entries()) {
      // Answered some time in the two days the poll has been open.
      ballots.push([pollId, user, iso(opened + (b + 1) * 60_000 + Math.floor(rnd() * 2 * DAY_MS))]);
      choices.push([pollId, options_[picks[b] ?? 0] ?? '', user]);
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
      { id: 'text', poll_id: 'text', position: 'int4', label: 'text', votes: 'int4' },
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
  await timed('poll_choices', () =>
    bulkInsert(db, 'poll_choices', { poll_id: 'text', option_id: 'text', user_id: 'text' }, choices)
  );

  // Board posts: one per 50 members (at least one, at most 40), spread over the last year.
  let postNo = 0;
  await timed('posts', () =>
    bulkInsert(
      db,
      'posts',
      {
        id: 'text',
        group_id: 'text',
        author_id: 'text',
        kind: 'text',
        title: 'text',
        body: 'text',
        status: 'text',
        created_at: 'timestamptz',
        updated_at: 'timestamptz'
      },
      (function* () {
        for (const g of groups) {
          const n = Math.min(40, 1 + Math.floor(g.memberCount / 50));
          const authors = memberIds(g, options.users, n);
          for (let p = 0; p < n; p++) {
            const kind = POST_KINDS[(postNo + p) % POST_KINDS.length] ?? 'discussion';
            const at = iso(today - Math.floor(((p + 1) * 365 * DAY_MS) / (n + 1)));
            yield [
              benchId(KIND.post, postNo + p),
              g.id,
              authors[p] ?? g.createdBy,
              kind,
              POST_TITLES[kind],
              POST_BODY,
              'visible',
              at,
              at
            ];
          }
          postNo += n;
        }
      })()
    )
  );
  return rows;
}
