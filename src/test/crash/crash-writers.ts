// The load of the crash harness: every member writes over HTTP with their token, one request at a
// time (so their own writes never race each other), all members at once — RSVPs (going with
// guests, not going), dots on topics, board posts and comments — until told to stop. Every answer
// goes into the ledger.
import type { CrashLedger, Outcome } from './crash-ledger.ts';
import type { CrashScenario } from './crash-seed.ts';
import { prng, type Prng } from './prng.ts';

/** A request that takes longer than this has no answer: in doubt. */
const REQUEST_TIMEOUT_MS = 15_000;

/** Switched on to stop the writers after their current request. */
export interface StopSignal {
  stopped: boolean;
}

/** What one HTTP write came back with. */
interface Answer {
  outcome: Outcome;
  body: unknown;
}

async function send(
  base: string,
  token: string,
  method: 'PUT' | 'POST',
  url: string,
  body: unknown
): Promise<Answer> {
  try {
    const res = await fetch(`${base}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) {
      // A 2xx whose body was cut off by the kill is still committed; without its body the harness
      // cannot know what it stored, so it counts as in doubt (which allows "stored").
      try {
        return { outcome: 'acked', body: JSON.parse(text) as unknown };
      } catch {
        return { outcome: 'lost', body: null };
      }
    }
    if (res.status >= 400 && res.status < 500) return { outcome: 'refused', body: null };
    // A 5xx (the database is down): wait a moment rather than hammer the server.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { outcome: 'serverError', body: text };
  } catch (error) {
    // Refused at connect: the request never reached a server (it died meanwhile).
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { outcome: 'unreached', body: null };
    }
    return { outcome: 'lost', body: null };
  }
}

/** One member's loop: a random write, its answer into the ledger, again, until stopped. */
async function writer(
  base: string,
  scenario: CrashScenario,
  ledger: CrashLedger,
  member: CrashScenario['members'][number],
  random: Prng,
  tag: string,
  stop: StopSignal,
  onServerError: (detail: string) => void
): Promise<void> {
  for (let n = 0; !stop.stopped; n++) {
    const roll = random.next();
    if (roll < 0.4) {
      const going = random.next() < 0.65;
      const guests = going ? random.int(0, scenario.guestLimit) : 0;
      const answer = await send(base, member.token, 'PUT', `/events/${scenario.eventId}/rsvp`, {
        status: going ? 'going' : 'not_going',
        guests
      });
      const said = (answer.body as { myRsvp?: { status?: string } } | null)?.myRsvp?.status;
      ledger.rsvp(member.id, { going, guests, seated: said === 'going' }, answer.outcome);
      if (answer.outcome === 'serverError') onServerError(String(answer.body));
    } else if (roll < 0.75) {
      const topicId = random.pick(scenario.topicIds);
      const count = random.int(0, scenario.votesPerTopic);
      const answer = await send(
        base,
        member.token,
        'PUT',
        `/rounds/${scenario.roundId}/votes/${topicId}`,
        { count }
      );
      ledger.vote(member.id, topicId, count, answer.outcome);
      if (answer.outcome === 'serverError') onServerError(String(answer.body));
    } else {
      const posts = ledger.knownPosts();
      const marker = `crash ${tag} ${member.id.slice(-6)} #${n}`;
      if (roll < 0.85 || posts.length === 0) {
        const answer = await send(
          base,
          member.token,
          'POST',
          `/groups/${scenario.groupSlug}/posts`,
          {
            kind: 'discussion',
            title: marker,
            body: `Written by the crash harness (${marker}).`
          }
        );
        const id = (answer.body as { id?: string } | null)?.id;
        ledger.create(
          { kind: 'post', marker, authorId: member.id, postId: null },
          answer.outcome,
          id
        );
        if (answer.outcome === 'serverError') onServerError(String(answer.body));
      } else {
        const postId = random.pick(posts);
        const answer = await send(base, member.token, 'POST', `/posts/${postId}/comments`, {
          body: marker
        });
        const id = (answer.body as { id?: string } | null)?.id;
        ledger.create({ kind: 'comment', marker, authorId: member.id, postId }, answer.outcome, id);
        if (answer.outcome === 'serverError') onServerError(String(answer.body));
      }
    }
  }
}

/**
 * Starts one writer per member against `base`; resolves when all have stopped (after `stop` is
 * set, each finishes or loses its current request). `seed` and `round` pick the writes.
 *
 * @example
 * const stop = { stopped: false };
 * const done = runWriters(server.base, scenario, ledger, { seed, round, stop, onServerError });
 * stop.stopped = true; await done;
 */
export async function runWriters(
  base: string,
  scenario: CrashScenario,
  ledger: CrashLedger,
  options: { seed: number; round: number; stop: StopSignal; onServerError: (d: string) => void }
): Promise<void> {
  await Promise.all(
    scenario.members.map((member, i) =>
      writer(
        base,
        scenario,
        ledger,
        member,
        prng(options.seed, options.round, i),
        `r${options.round}`,
        options.stop,
        options.onServerError
      )
    )
  );
}
