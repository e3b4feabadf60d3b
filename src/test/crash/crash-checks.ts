// The checks after every restart: the database is sound (SQLite's integrity and foreign-key
// checks), every acknowledged write is there, nothing refused or never sent is, the cached
// counters (a meeting's seats and waitlist, a post's comments) equal the rows they count, limits
// hold (capacity, vote budgets), and the API serves the same numbers as the rows.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CrashLedger, RsvpIntent } from './crash-ledger.ts';
import type { CrashScenario } from './crash-seed.ts';

interface RsvpRow {
  user_id: string;
  status: string;
  guests: number;
  queue_no: number | null;
}

function rsvpMatches(intent: RsvpIntent | null, row: RsvpRow | undefined): boolean {
  if (intent === null) return row === undefined;
  if (!row) return false;
  if (!intent.going) return row.status === 'not_going' && row.guests === 0;
  const seatOk = row.status === 'going' || (!intent.seated && row.status === 'waitlisted');
  return seatOk && row.guests === intent.guests;
}

const show = (value: unknown) => JSON.stringify(value);

/** SQLite's own checks of the file: `integrity_check` says ok, `foreign_key_check` finds nothing. */
async function checkSqliteFile(db: Db, failures: string[]): Promise<void> {
  if (db.dialect !== 'sqlite') return;
  const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(
    db.kysely
  );
  const verdict = integrity.rows.map((r) => r.integrity_check).join('; ');
  if (verdict !== 'ok') failures.push(`PRAGMA integrity_check: ${verdict}`);
  const orphans = await sql<{ table: string }>`pragma foreign_key_check`.execute(db.kysely);
  if (orphans.rows.length > 0) {
    failures.push(
      `PRAGMA foreign_key_check: ${orphans.rows.length} rows, e.g. ${show(orphans.rows[0])}`
    );
  }
}

/** Seats and waitlist: counters equal rows, capacity holds, the line is in order and stuck. */
async function checkRsvps(
  db: Db,
  scenario: CrashScenario,
  ledger: CrashLedger,
  failures: string[]
): Promise<{ goingSeats: number; waitlistCount: number }> {
  const event = await db.kysely
    .selectFrom('events')
    .select(['capacity', 'going_seats', 'waitlist_count'])
    .where('id', '=', scenario.eventId)
    .executeTakeFirstOrThrow();
  const rows: RsvpRow[] = await db.kysely
    .selectFrom('rsvps')
    .select(['user_id', 'status', 'guests', 'queue_no'])
    .where('event_id', '=', scenario.eventId)
    .execute();
  const going = rows.filter((r) => r.status === 'going');
  const waiting = rows.filter((r) => r.status === 'waitlisted');
  const seats = going.reduce((sum, r) => sum + 1 + r.guests, 0);
  if (event.going_seats !== seats) {
    failures.push(
      `events.going_seats is ${event.going_seats}, the going RSVPs take ${seats} seats`
    );
  }
  if (event.waitlist_count !== waiting.length) {
    failures.push(`events.waitlist_count is ${event.waitlist_count}, ${waiting.length} RSVPs wait`);
  }
  if (event.capacity !== null && seats > event.capacity) {
    failures.push(`${seats} seats taken, beyond the capacity of ${event.capacity}`);
  }
  const numbers = waiting.map((r) => r.queue_no);
  if (numbers.some((n) => n === null) || new Set(numbers).size !== numbers.length) {
    failures.push(`waitlist numbers missing or repeated: ${show(numbers)}`);
  }
  if (rows.some((r) => r.status !== 'waitlisted' && r.queue_no !== null)) {
    failures.push('an RSVP that is not waitlisted holds a waitlist number');
  }
  const head = [...waiting].sort((a, b) => (a.queue_no ?? 0) - (b.queue_no ?? 0))[0];
  if (head && event.capacity !== null && seats + 1 + head.guests <= event.capacity) {
    failures.push(
      `the first in line (${head.user_id}, ${1 + head.guests} seats) waits though ${event.capacity - seats} seats are free`
    );
  }

  const byUser = new Map(rows.map((r) => [r.user_id, r]));
  for (const row of rows) {
    if (!ledger.rsvps.has(row.user_id)) failures.push(`an RSVP nobody sent: ${show(row)}`);
  }
  for (const [userId, key] of ledger.rsvps) {
    const row = byUser.get(userId);
    const allowed = [key.settled, ...key.inDoubt];
    if (!allowed.some((intent) => rsvpMatches(intent, row))) {
      failures.push(
        `RSVP of ${userId}: stored ${show(row ?? null)}, acknowledged ${show(key.settled)}, in doubt ${show(key.inDoubt)}`
      );
      if (key.ackedSinceCheck > 0) ledger.counts.missing += 1;
    } else if (key.ackedSinceCheck > 0) {
      if (rsvpMatches(key.settled, row)) ledger.counts.verified += 1;
      else ledger.counts.overwritten += 1;
    }
    if (key.ackedSinceCheck > 1) ledger.counts.overwritten += key.ackedSinceCheck - 1;
    key.settled = row
      ? { going: row.status !== 'not_going', guests: row.guests, seated: row.status === 'going' }
      : null;
    key.inDoubt = [];
    key.ackedSinceCheck = 0;
  }
  return { goingSeats: event.going_seats, waitlistCount: event.waitlist_count };
}

/** Dots: every member's dots as acknowledged (or in doubt), within the budget and the topic cap. */
async function checkVotes(
  db: Db,
  scenario: CrashScenario,
  ledger: CrashLedger,
  failures: string[]
): Promise<Map<string, number>> {
  const rows = await db.kysely
    .selectFrom('votes')
    .select(['user_id', 'topic_id', 'count'])
    .where('round_id', '=', scenario.roundId)
    .execute();
  const stored = new Map(rows.map((r) => [`${r.user_id} ${r.topic_id}`, r.count]));
  const perUser = new Map<string, number>();
  const perTopic = new Map<string, number>();
  for (const row of rows) {
    perUser.set(row.user_id, (perUser.get(row.user_id) ?? 0) + row.count);
    perTopic.set(row.topic_id, (perTopic.get(row.topic_id) ?? 0) + row.count);
    if (row.count < 0 || row.count > scenario.votesPerTopic) {
      failures.push(
        `${row.user_id} has ${row.count} dots on one topic (cap ${scenario.votesPerTopic})`
      );
    }
    const key = `${row.user_id} ${row.topic_id}`;
    if (row.count !== 0 && !ledger.votes.has(key))
      failures.push(`a vote nobody sent: ${show(row)}`);
  }
  for (const [userId, used] of perUser) {
    if (used > scenario.votesPerMember) {
      failures.push(`${userId} holds ${used} dots, over the budget of ${scenario.votesPerMember}`);
    }
  }
  for (const [key, entry] of ledger.votes) {
    const count = stored.get(key) ?? 0;
    const allowed = [entry.settled ?? 0, ...entry.inDoubt];
    if (!allowed.includes(count)) {
      failures.push(
        `dots of ${key}: stored ${count}, acknowledged ${show(entry.settled)}, in doubt ${show(entry.inDoubt)}`
      );
      if (entry.ackedSinceCheck > 0) ledger.counts.missing += 1;
    } else if (entry.ackedSinceCheck > 0) {
      if (count === (entry.settled ?? 0)) ledger.counts.verified += 1;
      else ledger.counts.overwritten += 1;
    }
    if (entry.ackedSinceCheck > 1) ledger.counts.overwritten += entry.ackedSinceCheck - 1;
    entry.settled = count;
    entry.inDoubt = [];
    entry.ackedSinceCheck = 0;
  }
  return perTopic;
}

/** Posts and comments: acknowledged ones present as written, no phantoms, comment counts exact. */
async function checkBoard(
  db: Db,
  scenario: CrashScenario,
  ledger: CrashLedger,
  failures: string[]
): Promise<void> {
  const posts = await db.kysely
    .selectFrom('posts')
    .select(['id', 'title', 'author_id', 'status', 'comment_count'])
    .where('group_id', '=', scenario.groupId)
    .execute();
  const comments = await db.kysely
    .selectFrom('post_comments as c')
    .innerJoin('posts as p', 'p.id', 'c.post_id')
    .select(['c.id', 'c.post_id', 'c.body', 'c.author_id', 'c.status'])
    .where('p.group_id', '=', scenario.groupId)
    .execute();
  const byMarker = new Map<
    string,
    { id: string; authorId: string | null; postId: string | null }
  >();
  for (const p of posts) byMarker.set(p.title, { id: p.id, authorId: p.author_id, postId: null });
  for (const c of comments) {
    byMarker.set(c.body, { id: c.id, authorId: c.author_id, postId: c.post_id });
  }

  for (const write of ledger.creates.values()) {
    const found = byMarker.get(write.marker);
    const label = `${write.kind} "${write.marker}"`;
    if (write.state === 'acked' || write.state === 'found') {
      let problem: string | null = null;
      if (!found) problem = `${label} (${write.state}, id ${String(write.id)}) is gone`;
      else if (found.id !== write.id)
        problem = `${label} has id ${found.id}, not ${String(write.id)}`;
      else if (found.authorId !== write.authorId || found.postId !== write.postId) {
        problem = `${label} is stored under another author or post: ${show(found)}`;
      }
      if (problem) failures.push(problem);
      if (write.state === 'acked' && !write.counted) {
        write.counted = true;
        if (problem) ledger.counts.missing += 1;
        else ledger.counts.verified += 1;
      }
    } else if (write.state === 'inDoubt') {
      write.state = found ? 'found' : 'absent';
      write.id = found?.id ?? null;
    } else if (found) {
      failures.push(`${label} was absent after an earlier restart, and is there now`);
    }
  }
  for (const marker of byMarker.keys()) {
    if (!ledger.creates.has(marker)) failures.push(`a post or comment nobody sent: "${marker}"`);
  }

  const counted = new Map<string, number>();
  for (const c of comments) {
    if (c.status !== 'removed') counted.set(c.post_id, (counted.get(c.post_id) ?? 0) + 1);
  }
  for (const p of posts) {
    const n = counted.get(p.id) ?? 0;
    if (p.comment_count !== n) {
      failures.push(`post "${p.title}": comment_count is ${p.comment_count}, ${n} comments stored`);
    }
  }
}

/** The API, asked by a member, serves the numbers the rows hold. */
async function checkApi(
  base: string,
  scenario: CrashScenario,
  expected: { goingSeats: number; waitlistCount: number; perTopic: Map<string, number> },
  failures: string[]
): Promise<void> {
  const headers = { authorization: `Bearer ${scenario.members[0]?.token ?? ''}` };
  const event = (await (
    await fetch(`${base}/api/v1/events/${scenario.eventId}`, { headers })
  ).json()) as { seats?: { taken: number; waiting: number } };
  if (
    event.seats?.taken !== expected.goingSeats ||
    event.seats.waiting !== expected.waitlistCount
  ) {
    failures.push(
      `GET /events/:id says seats ${show(event.seats)}, the database ${expected.goingSeats} taken, ${expected.waitlistCount} waiting`
    );
  }
  const round = (await (
    await fetch(`${base}/api/v1/rounds/${scenario.roundId}`, { headers })
  ).json()) as { tally?: { topicId: string; votes: number }[] | null };
  for (const topicId of scenario.topicIds) {
    const shown = round.tally?.find((t) => t.topicId === topicId)?.votes;
    const rows = expected.perTopic.get(topicId) ?? 0;
    if (shown !== rows)
      failures.push(`the tally shows ${String(shown)} dots on ${topicId}, the rows ${rows}`);
  }
}

/**
 * Runs every check on `db` (a connection of the harness's own, while the restarted server is idle)
 * and, when `base` is given, through the server's API. Settles the ledger to what is stored, so the
 * next round starts from known state. Returns one message per failure.
 *
 * @example
 * const failures = await checkCrashState(db, scenario, ledger, server.base);
 */
export async function checkCrashState(
  db: Db,
  scenario: CrashScenario,
  ledger: CrashLedger,
  base?: string
): Promise<string[]> {
  const failures: string[] = [];
  await checkSqliteFile(db, failures);
  const seats = await checkRsvps(db, scenario, ledger, failures);
  const perTopic = await checkVotes(db, scenario, ledger, failures);
  await checkBoard(db, scenario, ledger, failures);
  if (base) await checkApi(base, scenario, { ...seats, perTopic }, failures);
  return failures;
}
