// The health rollup's reading side: every kind of participation (domain/health.ts HEALTH_SIGNALS)
// and every per-day count, read from the raw tables for one span of time [from, now) and bucketed
// into UTC days in JS (timestamps read with toDate, so SQLite and PostgreSQL agree).

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { dayOf, type HealthSignal } from '../../domain/health.ts';
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

type DayCounts = Omit<DayRow, 'group_id' | 'day'>;

/** Counts signals per (group, day, user, signal) and contributions per (group, day). */
export class SignalTally {
  private readonly signals = new Map<string, SignalRow>();
  private readonly days = new Map<string, DayRow>();

  signal(groupId: string, at: Date | string, userId: string | null, signal: HealthSignal, n = 1) {
    if (userId === null || n <= 0) return;
    const day = typeof at === 'string' ? at : dayOf(at);
    const key = `${groupId}|${day}|${userId}|${signal}`;
    const row = this.signals.get(key);
    if (row) row.count += n;
    else this.signals.set(key, { group_id: groupId, day, user_id: userId, signal, count: n });
  }

  day(groupId: string, at: Date, field: keyof DayCounts, n = 1) {
    if (n === 0) return;
    const day = dayOf(at);
    const key = `${groupId}|${day}`;
    let row = this.days.get(key);
    if (!row) {
      row = {
        group_id: groupId,
        day,
        joins: 0,
        leaves: 0,
        topics_proposed: 0,
        votes_cast: 0,
        poll_answers: 0,
        posts: 0,
        comments: 0
      };
      this.days.set(key, row);
    }
    row[field] += n;
  }

  /** In primary-key order, which makes inserting them much cheaper. */
  signalRows(): SignalRow[] {
    return [...this.signals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
  }

  dayRows(): DayRow[] {
    return [...this.days.values()];
  }
}

/**
 * Reads every signal and day count whose own timestamp falls in the span (all but `attended`,
 * `spoke` and `hosted`, which come with the meetings, see health-meetings.ts). Gives the event
 * loop a turn after each table, so a slice never blocks requests for more than one query.
 */
export async function tallyActivity(k: Kysely<Database>, span: Span, tally: SignalTally) {
  const { fromIso, nowIso } = span;

  // The event's group is looked up per row (a correlated subquery, not a join), so the plan
  // filters the activity table first: with a join, SQLite may walk every event and probe for it.
  const rsvps = await k
    .selectFrom('rsvps as r')
    .select((eb) => [
      eb
        .selectFrom('events as e')
        .select('e.group_id')
        .whereRef('e.id', '=', 'r.event_id')
        .as('group_id'),
      'r.user_id',
      'r.created_at'
    ])
    .where('r.created_at', '>=', fromIso)
    .where('r.created_at', '<', nowIso)
    .execute();
  for (const r of rsvps)
    if (r.group_id !== null) tally.signal(r.group_id, toDate(r.created_at), r.user_id, 'rsvp');
  await yieldToEventLoop();

  // Each vote row is one `voted`; the day's votes cast count the dots.
  const votes = await k
    .selectFrom('votes as v')
    .innerJoin('voting_rounds as vr', 'vr.id', 'v.round_id')
    .select(['vr.group_id', 'v.user_id', 'v.count', 'v.updated_at'])
    .where('v.count', '>', 0)
    .where('v.updated_at', '>=', fromIso)
    .where('v.updated_at', '<', nowIso)
    .execute();
  for (const v of votes) {
    const at = toDate(v.updated_at);
    tally.signal(v.group_id, at, v.user_id, 'voted');
    tally.day(v.group_id, at, 'votes_cast', v.count);
  }
  await yieldToEventLoop();

  const ballots = await k
    .selectFrom('poll_ballots as b')
    .innerJoin('polls as p', 'p.id', 'b.poll_id')
    .select(['p.group_id', 'b.user_id', 'b.created_at'])
    .where('b.created_at', '>=', fromIso)
    .where('b.created_at', '<', nowIso)
    .execute();
  for (const b of ballots) {
    const at = toDate(b.created_at);
    tally.signal(b.group_id, at, b.user_id, 'polled');
    tally.day(b.group_id, at, 'poll_answers');
  }
  await yieldToEventLoop();

  const topicComments = await k
    .selectFrom('topic_comments as c')
    .innerJoin('topics as t', 't.id', 'c.topic_id')
    .select(['t.group_id', 'c.author_id', 'c.created_at'])
    .where('c.created_at', '>=', fromIso)
    .where('c.created_at', '<', nowIso)
    .execute();
  for (const c of topicComments) {
    const at = toDate(c.created_at);
    tally.signal(c.group_id, at, c.author_id, 'commented');
    tally.day(c.group_id, at, 'comments');
  }
  await yieldToEventLoop();

  // A comment on a help post is help given when it answers someone else; elsewhere a comment.
  const postComments = await k
    .selectFrom('post_comments as c')
    .innerJoin('posts as p', 'p.id', 'c.post_id')
    .select(['p.group_id', 'p.kind', 'p.author_id as post_author', 'c.author_id', 'c.created_at'])
    .where('c.status', '=', 'visible')
    .where('c.created_at', '>=', fromIso)
    .where('c.created_at', '<', nowIso)
    .execute();
  for (const c of postComments) {
    const at = toDate(c.created_at);
    tally.day(c.group_id, at, 'comments');
    if (c.kind !== 'help') tally.signal(c.group_id, at, c.author_id, 'commented');
    else if (c.author_id !== c.post_author) tally.signal(c.group_id, at, c.author_id, 'helped');
  }
  await yieldToEventLoop();

  const questions = await k
    .selectFrom('questions as q')
    .select((eb) => [
      eb
        .selectFrom('events as e')
        .select('e.group_id')
        .whereRef('e.id', '=', 'q.event_id')
        .as('group_id'),
      'q.author_id',
      'q.created_at'
    ])
    .where('q.created_at', '>=', fromIso)
    .where('q.created_at', '<', nowIso)
    .execute();
  for (const q of questions)
    if (q.group_id !== null) tally.signal(q.group_id, toDate(q.created_at), q.author_id, 'asked');
  await yieldToEventLoop();

  const feedback = await k
    .selectFrom('feedback as f')
    .select((eb) => [
      eb
        .selectFrom('events as e')
        .select('e.group_id')
        .whereRef('e.id', '=', 'f.event_id')
        .as('group_id'),
      'f.user_id',
      'f.created_at'
    ])
    .where('f.created_at', '>=', fromIso)
    .where('f.created_at', '<', nowIso)
    .execute();
  for (const f of feedback)
    if (f.group_id !== null) tally.signal(f.group_id, toDate(f.created_at), f.user_id, 'feedback');
  await yieldToEventLoop();

  const kudos = await k
    .selectFrom('kudos')
    .select(['group_id', 'from_user_id', 'created_at'])
    .where('created_at', '>=', fromIso)
    .where('created_at', '<', nowIso)
    .execute();
  for (const g of kudos) tally.signal(g.group_id, toDate(g.created_at), g.from_user_id, 'kudos');
  await yieldToEventLoop();

  // Help requests are neither posted nor helped; a job lead is help given.
  const posts = await k
    .selectFrom('posts')
    .select(['group_id', 'author_id', 'kind', 'created_at'])
    .where('status', '=', 'visible')
    .where('created_at', '>=', fromIso)
    .where('created_at', '<', nowIso)
    .execute();
  for (const p of posts) {
    const at = toDate(p.created_at);
    tally.day(p.group_id, at, 'posts');
    if (p.kind === 'job') tally.signal(p.group_id, at, p.author_id, 'helped');
    else if (p.kind !== 'help') tally.signal(p.group_id, at, p.author_id, 'posted');
  }
  await yieldToEventLoop();

  const topics = await k
    .selectFrom('topics')
    .select(['group_id', 'proposed_by', 'created_at'])
    .where('created_at', '>=', fromIso)
    .where('created_at', '<', nowIso)
    .execute();
  for (const t of topics) {
    const at = toDate(t.created_at);
    tally.day(t.group_id, at, 'topics_proposed');
    tally.signal(t.group_id, at, t.proposed_by, 'proposed');
  }
  await yieldToEventLoop();

  const log = await k
    .selectFrom('membership_log')
    .select(['group_id', 'delta', 'created_at'])
    .where('created_at', '>=', fromIso)
    .where('created_at', '<', nowIso)
    .execute();
  for (const l of log) {
    const at = toDate(l.created_at);
    if (l.delta > 0) tally.day(l.group_id, at, 'joins', l.delta);
    else tally.day(l.group_id, at, 'leaves', -l.delta);
  }
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
