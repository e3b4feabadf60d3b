// The health rollup's reading side: every kind of participation (domain/health.ts HEALTH_SIGNALS)
// and every per-day count of one span of time [from, now), bucketed into UTC days. Activity read
// from the raw tables is counted by the database (GROUP BY), so a busy day's hundreds of thousands
// of rows never reach JavaScript: the slice compares and writes them with INSERT … SELECT. Only the
// signals of meetings (attended, spoke, hosted) are counted here, in a SignalTally.

import type { Kysely, RawBuilder, Selectable, SelectQueryBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import { dayOf, type HealthSignal } from '../../domain/health.ts';
import type { Dialect } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { toDate } from '../../db/values.ts';

/** The span the rollup recomputes: instants as ISO strings, `from` inclusive, `now` exclusive. */
export interface Span {
  fromIso: string;
  nowIso: string;
}

export interface SignalRow {
  group_id: string;
  day: string;
  user_id: string;
  signal: HealthSignal;
  count: number;
}

export interface DayRow {
  group_id: string;
  day: string;
  joins: number;
  leaves: number;
  topics_proposed: number;
  votes_cast: number;
  poll_answers: number;
  posts: number;
  comments: number;
}

/** The signals that come with meetings (health-meetings.ts), counted in JavaScript. */
export const MEETING_SIGNALS = ['attended', 'spoke', 'hosted'] as const satisfies HealthSignal[];

/** Counts signals per (group, day, user, signal). */
export class SignalTally {
  private readonly signals = new Map<string, SignalRow>();

  signal(groupId: string, at: Date | string, userId: string | null, signal: HealthSignal, n = 1) {
    if (userId === null || n <= 0) return;
    const day = typeof at === 'string' ? at : dayOf(at);
    const key = `${groupId}|${day}|${userId}|${signal}`;
    const row = this.signals.get(key);
    if (row) row.count += n;
    else this.signals.set(key, { group_id: groupId, day, user_id: userId, signal, count: n });
  }

  /** In primary-key order, which makes inserting them much cheaper. */
  signalRows(): SignalRow[] {
    return [...this.signals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
  }
}

/** The UTC day (`YYYY-MM-DD`) of a timestamp column: ISO text on SQLite, timestamptz on PostgreSQL. */
function dayOfColumn(dialect: Dialect, column: string): RawBuilder<string> {
  return dialect === 'sqlite'
    ? sql<string>`substr(${sql.ref(column)}, 1, 10)`
    : sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD')`;
}

/**
 * The group of the event a reference points to, as a correlated subquery rather than a join: the
 * plan then reads the activity table by its time index and looks each event up by primary key,
 * where a join may walk every event instead. (Votes and poll answers join their round or poll:
 * there are few of those, and walking them beats a lookup per row on a busy day.)
 */
function groupOfEvent(ref: string) {
  return sql<string | null>`(select e.group_id from events e where e.id = ${sql.ref(ref)})`.as(
    'group_id'
  );
}

/** `column` falls in the span: a condition on a timestamp column (its time index serves it). */
function spanOf({ fromIso, nowIso }: Span) {
  return (column: string) =>
    sql<SqlBool>`${sql.ref(column)} >= ${fromIso} and ${sql.ref(column)} < ${nowIso}`;
}

const DAY_FIELDS = [
  'joins',
  'leaves',
  'topics_proposed',
  'votes_cast',
  'poll_answers',
  'posts',
  'comments'
] as const;
type DayField = (typeof DAY_FIELDS)[number];

/**
 * The activity signals of the span (every signal but the meetings'), one row per (group, day,
 * user, signal) with its count: a query to compare with what is stored or to insert from.
 *
 * @example
 * await trx.insertInto('health_signals').columns(SIGNAL_COLUMNS).expression(activitySignals(trx, 'sqlite', span)).execute();
 */
export function activitySignals(k: Kysely<Database>, dialect: Dialect, span: Span) {
  const inSpan = spanOf(span);
  const day = (column: string) => dayOfColumn(dialect, column).as('day');
  const signal = (name: HealthSignal) => sql<HealthSignal>`${sql.lit(name)}`.as('signal');
  /** Every arm selects the same types: ids that may be null (deleted accounts are skipped). */
  const id = (ref: string, as: 'group_id' | 'user_id') =>
    sql<string | null>`${sql.ref(ref)}`.as(as);

  const rsvps = k
    .selectFrom('rsvps as r')
    .select([
      groupOfEvent('r.event_id'),
      day('r.created_at'),
      id('r.user_id', 'user_id'),
      signal('rsvp')
    ])
    .where(inSpan('r.created_at'));
  // Each vote row is one `voted` (the day's votes cast count the dots, see activityDays).
  const votes = k
    .selectFrom('votes as v')
    .innerJoin('voting_rounds as vr', 'vr.id', 'v.round_id')
    .select([
      id('vr.group_id', 'group_id'),
      day('v.updated_at'),
      id('v.user_id', 'user_id'),
      signal('voted')
    ])
    .where('v.count', '>', 0)
    .where(inSpan('v.updated_at'));
  const ballots = k
    .selectFrom('poll_ballots as b')
    .innerJoin('polls as p', 'p.id', 'b.poll_id')
    .select([
      id('p.group_id', 'group_id'),
      day('b.created_at'),
      id('b.user_id', 'user_id'),
      signal('polled')
    ])
    .where(inSpan('b.created_at'));
  const topicComments = k
    .selectFrom('topic_comments as c')
    .innerJoin('topics as t', 't.id', 'c.topic_id')
    .select([
      id('t.group_id', 'group_id'),
      day('c.created_at'),
      id('c.author_id', 'user_id'),
      signal('commented')
    ])
    .where(inSpan('c.created_at'));
  // A comment on a help post is help given when it answers someone else; elsewhere a comment.
  const postComments = k
    .selectFrom('post_comments as c')
    .innerJoin('posts as p', 'p.id', 'c.post_id')
    .select([
      id('p.group_id', 'group_id'),
      day('c.created_at'),
      id('c.author_id', 'user_id'),
      sql<HealthSignal>`case when p.kind = 'help' then 'helped' else 'commented' end`.as('signal')
    ])
    .where('c.status', '=', 'visible')
    .where(inSpan('c.created_at'))
    .where((eb) =>
      eb.or([
        eb('p.kind', '<>', 'help'),
        eb(sql.ref('c.author_id'), 'is distinct from', sql.ref('p.author_id'))
      ])
    );
  const questions = k
    .selectFrom('questions as q')
    .select([
      groupOfEvent('q.event_id'),
      day('q.created_at'),
      id('q.author_id', 'user_id'),
      signal('asked')
    ])
    .where(inSpan('q.created_at'));
  const feedback = k
    .selectFrom('feedback as f')
    .select([
      groupOfEvent('f.event_id'),
      day('f.created_at'),
      id('f.user_id', 'user_id'),
      signal('feedback')
    ])
    .where(inSpan('f.created_at'));
  const kudos = k
    .selectFrom('kudos as g')
    .select([
      id('g.group_id', 'group_id'),
      day('g.created_at'),
      id('g.from_user_id', 'user_id'),
      signal('kudos')
    ])
    .where(inSpan('g.created_at'));
  // Help requests are neither posted nor helped; a job lead is help given.
  const posts = k
    .selectFrom('posts as p')
    .select([
      id('p.group_id', 'group_id'),
      day('p.created_at'),
      id('p.author_id', 'user_id'),
      sql<HealthSignal>`case when p.kind = 'job' then 'helped' else 'posted' end`.as('signal')
    ])
    .where('p.status', '=', 'visible')
    .where('p.kind', '<>', 'help')
    .where(inSpan('p.created_at'));
  const topics = k
    .selectFrom('topics as t')
    .select([
      id('t.group_id', 'group_id'),
      day('t.created_at'),
      id('t.proposed_by', 'user_id'),
      signal('proposed')
    ])
    .where(inSpan('t.created_at'));

  const all = rsvps
    .unionAll(votes)
    .unionAll(ballots)
    .unionAll(topicComments)
    .unionAll(postComments)
    .unionAll(questions)
    .unionAll(feedback)
    .unionAll(kudos)
    .unionAll(posts)
    .unionAll(topics);
  return k
    .selectFrom(all.as('a'))
    .select([
      'a.group_id',
      'a.day',
      'a.user_id',
      'a.signal',
      (eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('count')
    ])
    .where('a.group_id', 'is not', null)
    .where('a.user_id', 'is not', null)
    .groupBy(['a.group_id', 'a.day', 'a.user_id', 'a.signal']) as SelectQueryBuilder<
    Database,
    'health_signals',
    Selectable<Database['health_signals']>
  >;
}

export const SIGNAL_COLUMNS = ['group_id', 'day', 'user_id', 'signal', 'count'] as const;
export const DAY_COLUMNS = ['group_id', 'day', ...DAY_FIELDS] as const;

/**
 * The span's counts per (group, day): joins and leaves, topics proposed, votes cast (dots), poll
 * answers, posts and comments; a row for each group and day with any of them.
 */
export function activityDays(k: Kysely<Database>, dialect: Dialect, span: Span) {
  const inSpan = spanOf(span);
  const day = (column: string) => dayOfColumn(dialect, column).as('day');
  const group = (ref: string) => sql<string>`${sql.ref(ref)}`.as('group_id');
  /** The seven counts of one source: `value` for its field, 0 for the others. */
  const counts = (field: DayField, value: RawBuilder<number> = sql<number>`1`) =>
    DAY_FIELDS.map((f) => (f === field ? value : sql<number>`0`).as(f));

  const votes = k
    .selectFrom('votes as v')
    .innerJoin('voting_rounds as vr', 'vr.id', 'v.round_id')
    .select([group('vr.group_id'), day('v.updated_at'), ...counts('votes_cast', sql`v.count`)])
    .where('v.count', '>', 0)
    .where(inSpan('v.updated_at'));
  const ballots = k
    .selectFrom('poll_ballots as b')
    .innerJoin('polls as p', 'p.id', 'b.poll_id')
    .select([group('p.group_id'), day('b.created_at'), ...counts('poll_answers')])
    .where(inSpan('b.created_at'));
  const topicComments = k
    .selectFrom('topic_comments as c')
    .innerJoin('topics as t', 't.id', 'c.topic_id')
    .select([group('t.group_id'), day('c.created_at'), ...counts('comments')])
    .where(inSpan('c.created_at'));
  const postComments = k
    .selectFrom('post_comments as c')
    .innerJoin('posts as p', 'p.id', 'c.post_id')
    .select([group('p.group_id'), day('c.created_at'), ...counts('comments')])
    .where('c.status', '=', 'visible')
    .where(inSpan('c.created_at'));
  const posts = k
    .selectFrom('posts as p')
    .select([group('p.group_id'), day('p.created_at'), ...counts('posts')])
    .where('p.status', '=', 'visible')
    .where(inSpan('p.created_at'));
  const topics = k
    .selectFrom('topics as t')
    .select([group('t.group_id'), day('t.created_at'), ...counts('topics_proposed')])
    .where(inSpan('t.created_at'));
  const joins = k
    .selectFrom('membership_log as l')
    .select([group('l.group_id'), day('l.created_at'), ...counts('joins', sql`l.delta`)])
    .where('l.delta', '>', 0)
    .where(inSpan('l.created_at'));
  const leaves = k
    .selectFrom('membership_log as l')
    .select([group('l.group_id'), day('l.created_at'), ...counts('leaves', sql`-l.delta`)])
    .where('l.delta', '<', 0)
    .where(inSpan('l.created_at'));

  const all = votes
    .unionAll(ballots)
    .unionAll(topicComments)
    .unionAll(postComments)
    .unionAll(posts)
    .unionAll(topics)
    .unionAll(joins)
    .unionAll(leaves);
  return k
    .selectFrom(all.as('a'))
    .select((eb) => [
      'a.group_id',
      'a.day',
      ...DAY_FIELDS.map((f) => eb.cast<number>(eb.fn.sum(`a.${f}`), 'integer').as(f))
    ])
    .groupBy(['a.group_id', 'a.day']) as SelectQueryBuilder<
    Database,
    'health_days',
    Selectable<Database['health_days']>
  >;
}

/**
 * The earliest instant any activity the rollup reads happened at, or null when there is none: a
 * first run starts slicing there instead of at 1970. Read once per first run (one min() per table).
 *
 * @example
 * const first = await earliestActivity(db.kysely); // e.g. 2016-11-27T17:00:00.000Z
 */
export async function earliestActivity(k: Kysely<Database>): Promise<Date | null> {
  const mins = await Promise.all([
    k
      .selectFrom('rsvps')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('votes')
      .select((eb) => eb.fn.min('updated_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('poll_ballots')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('topic_comments')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('post_comments')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('questions')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('feedback')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('kudos')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('posts')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('topics')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('membership_log')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .executeTakeFirst(),
    k
      .selectFrom('events')
      .select((eb) => eb.fn.min('starts_at').as('at'))
      .executeTakeFirst()
  ]);
  let earliest: Date | null = null;
  for (const row of mins) {
    // min() over an empty table is NULL, whatever the column's type says.
    const value = row?.at as Date | string | null | undefined;
    if (value === null || value === undefined) continue;
    const at = toDate(value);
    if (earliest === null || at < earliest) earliest = at;
  }
  return earliest;
}
