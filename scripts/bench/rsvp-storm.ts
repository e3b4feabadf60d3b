// The RSVP storm of `npm run bench`: a fresh meeting with `seats` seats in a large public group;
// every member (each with their own write token) says "going" at the same moment. Afterwards the
// seat and waitlist counts must be exact: `seats` going, the rest waitlisted 1…n, nothing lost.
import type { Db } from '../../src/db/database.ts';
import { benchId, type GeneratedGroup, insertBenchMeeting } from './generate.ts';

interface Answer {
  ms: number;
  status: number;
  said: string | null;
}

/**
 * Runs the RSVP storm against `base`. `secrets[i]` is the write token of a member of `group`.
 *
 * @example
 * const storm = await rsvpStorm(db, base, group, secrets, 100);
 * storm.exact; // true when the counts match the answers
 */
export async function rsvpStorm(
  db: Db,
  base: string,
  group: GeneratedGroup,
  secrets: readonly string[],
  seats: number
) {
  const stormEventId = benchId(4, 0);
  await insertBenchMeeting(db, group, {
    id: stormEventId,
    title: 'RSVP storm',
    description: 'A popular talk: everyone wants a seat.',
    minutesFromNow: 7 * 1440,
    minutes: 120,
    capacity: seats
  });
  const {
    answers,
    totalMs: stormMs,
    p50Ms,
    p99Ms,
    maxMs
  } = await burst(
    secrets.map((secret) => ({
      url: `${base}/api/v1/events/${stormEventId}/rsvp`,
      authorization: `Bearer ${secret}`
    }))
  );
  const stormErrors = answers.filter((a) => a.status !== 200).length;
  const byStatus = await db.kysely
    .selectFrom('rsvps')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('event_id', '=', stormEventId)
    .groupBy('status')
    .execute();
  const counted = (status: string) => Number(byStatus.find((r) => r.status === status)?.n ?? 0);
  const queue_ = await db.kysely
    .selectFrom('rsvps')
    .select((eb) => [
      eb.fn.count<number | string>('queue_no').distinct().as('distinct'),
      eb.fn.min('queue_no').as('first'),
      eb.fn.max('queue_no').as('last')
    ])
    .where('event_id', '=', stormEventId)
    .where('status', '=', 'waitlisted')
    .executeTakeFirstOrThrow();
  const stormEvent = await db.kysely
    .selectFrom('events')
    .select(['going_seats', 'waitlist_count'])
    .where('id', '=', stormEventId)
    .executeTakeFirstOrThrow();
  const storm = {
    requests: secrets.length,
    seats: seats,
    groupMembers: group.memberCount,
    totalMs: stormMs,
    p50Ms,
    p99Ms,
    maxMs,
    errors: stormErrors,
    going: counted('going'),
    waitlisted: counted('waitlisted'),
    notGoing: counted('not_going'),
    toldGoing: answers.filter((a) => a.said === 'going').length,
    toldWaitlisted: answers.filter((a) => a.said === 'waitlisted').length,
    goingSeats: stormEvent.going_seats,
    waitlistCount: stormEvent.waitlist_count,
    waitlistQueue: {
      distinct: Number(queue_.distinct),
      first: queue_.first ?? 0,
      last: queue_.last ?? 0
    }
  };
  const waiting = secrets.length - seats;
  const stormExact =
    storm.errors === 0 &&
    storm.going === seats &&
    storm.waitlisted === waiting &&
    storm.notGoing === 0 &&
    storm.toldGoing === seats &&
    storm.toldWaitlisted === waiting &&
    storm.goingSeats === seats &&
    storm.waitlistCount === waiting &&
    storm.waitlistQueue.distinct === waiting &&
    storm.waitlistQueue.first === 1 &&
    storm.waitlistQueue.last === waiting;
  return { ...storm, exact: stormExact };
}

/**
 * The storm's floor: as many bare PUTs of the same answer to the floor process (one JSON body
 * parsed, one row written, no auth, no rules), all in flight at once over new connections, as the
 * storm sends to Guildhall. What the machine itself allows for a burst of this size.
 *
 * @example
 * const floor = await stormFloor(floorUrl, 2000); // { p50Ms, p99Ms, totalMs, errors, … }
 */
export async function stormFloor(floorUrl: string, requests: number) {
  const { answers, ...times } = await burst(
    Array.from({ length: requests }, (_, i) => ({ url: `${floorUrl}/floor/answers/u${i}` }))
  );
  return { ...times, errors: answers.filter((a) => a.status !== 200).length };
}

/**
 * Sends one PUT `{"status":"going"}` per request, all at once, and times each answer (until its
 * JSON body is read) and the whole burst. A request that fails to connect counts as status 0.
 */
async function burst(requests: readonly { url: string; authorization?: string }[]) {
  const body = JSON.stringify({ status: 'going' });
  const t0 = performance.now();
  const answers = await Promise.all(
    requests.map(async ({ url, authorization }): Promise<Answer> => {
      const start = performance.now();
      try {
        const res = await fetch(url, {
          method: 'PUT',
          headers: {
            ...(authorization ? { authorization } : {}),
            'content-type': 'application/json'
          },
          body
        });
        const json = (await res.json()) as { myRsvp?: { status?: string } | null };
        return {
          ms: performance.now() - start,
          status: res.status,
          said: json.myRsvp?.status ?? null
        };
      } catch {
        return { ms: performance.now() - start, status: 0, said: null };
      }
    })
  );
  const totalMs = Math.round(performance.now() - t0);
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(latencies[Math.ceil(p * latencies.length) - 1] ?? 0);
  return {
    answers,
    totalMs,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    maxMs: Math.round(latencies.at(-1) ?? 0)
  };
}
