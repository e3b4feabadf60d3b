// What the crash harness knows about every write it sent, and so what the database may hold.
//
// Each write ends one of three ways: acknowledged (a 2xx arrived: it was committed and must
// survive any crash), refused (a 4xx: nothing of it may be stored), or in doubt (no answer — the
// server was killed, the database stopped, a 5xx: it may or may not be stored, both are fine).
// RSVPs and votes are "set" writes (the last applied one wins) and every member writes one at a
// time, so what may be stored for a key is the last acknowledged value or any in-doubt value sent
// after it. After each check the ledger adopts what the database holds, so doubts never pile up.

/** A member's RSVP as they asked for it. */
export interface RsvpIntent {
  going: boolean;
  guests: number;
  /** The answer said "going" (a seat taken is never taken away; the waitlisted may move up). */
  seated: boolean;
}

/** What may be stored for one key (a member's RSVP, or their dots on one topic). */
interface SetKey<T> {
  /** Known to be stored: acknowledged or seen at the last check; null: no row yet. */
  settled: T | null;
  /** Sent after `settled` without an answer. */
  inDoubt: T[];
  /** Acknowledged writes since the last check (all but the last were overwritten by the member). */
  ackedSinceCheck: number;
}

/** A post or comment the harness sent, found again by its unique marker (title or body). */
export interface CreateWrite {
  kind: 'post' | 'comment';
  marker: string;
  authorId: string;
  /** For comments: the post commented on. */
  postId: string | null;
  /** Known once acknowledged, or once found after a doubt. */
  id: string | null;
  state: 'acked' | 'inDoubt' | 'found' | 'absent';
  /** Counted once, as verified or missing. */
  counted: boolean;
}

/** The harness's counts, summed over rounds. */
export interface LedgerCounts {
  sent: number;
  acknowledged: number;
  refused: number;
  inDoubt: number;
  /** 5xx answers (in doubt too); only expected while the database is down. */
  serverErrors: number;
  /** Acknowledged writes whose effect a check after a restart found in the database. */
  verified: number;
  /**
   * Acknowledged RSVPs and votes the same member overwrote before the next check (by a later
   * acknowledged write, or by a later one in doubt that was applied): what must hold for them is
   * the later value, and that is checked.
   */
  overwritten: number;
  /** Acknowledged writes a check did not find (each is also a failure). */
  missing: number;
}

/** Every write of one run, by key. */
export class CrashLedger {
  readonly rsvps = new Map<string, SetKey<RsvpIntent>>();
  /** Key: `${userId} ${topicId}`. */
  readonly votes = new Map<string, SetKey<number>>();
  readonly creates = new Map<string, CreateWrite>();
  readonly counts: LedgerCounts = {
    sent: 0,
    acknowledged: 0,
    refused: 0,
    inDoubt: 0,
    serverErrors: 0,
    verified: 0,
    overwritten: 0,
    missing: 0
  };

  /** Posts acknowledged or found, to comment on. */
  knownPosts(): string[] {
    const ids: string[] = [];
    for (const write of this.creates.values()) {
      if (write.kind === 'post' && write.id && write.state !== 'absent') ids.push(write.id);
    }
    return ids;
  }

  /** Records the outcome of an RSVP write. */
  rsvp(userId: string, intent: RsvpIntent, outcome: Outcome): void {
    this.#set(this.rsvps, userId, intent, outcome);
  }

  /** Records the outcome of a vote (the member's dots on one topic). */
  vote(userId: string, topicId: string, count: number, outcome: Outcome): void {
    this.#set(this.votes, `${userId} ${topicId}`, count, outcome);
  }

  /** Records the outcome of a post or comment; `id` comes with an acknowledgement. */
  create(write: Omit<CreateWrite, 'id' | 'state' | 'counted'>, outcome: Outcome, id?: string) {
    this.#count(outcome);
    if (outcome === 'refused' || outcome === 'unreached') return;
    this.creates.set(write.marker, {
      ...write,
      id: outcome === 'acked' ? (id ?? null) : null,
      state: outcome === 'acked' ? 'acked' : 'inDoubt',
      counted: false
    });
  }

  #count(outcome: Outcome): void {
    if (outcome === 'unreached') return;
    this.counts.sent += 1;
    if (outcome === 'acked') this.counts.acknowledged += 1;
    else if (outcome === 'refused') this.counts.refused += 1;
    else {
      this.counts.inDoubt += 1;
      if (outcome === 'serverError') this.counts.serverErrors += 1;
    }
  }

  #set<T>(map: Map<string, SetKey<T>>, key: string, value: T, outcome: Outcome): void {
    this.#count(outcome);
    const entry = map.get(key) ?? { settled: null, inDoubt: [], ackedSinceCheck: 0 };
    map.set(key, entry);
    if (outcome === 'acked') {
      entry.settled = value;
      entry.inDoubt = [];
      entry.ackedSinceCheck += 1;
    } else if (outcome === 'lost' || outcome === 'serverError') {
      entry.inDoubt.push(value);
    }
  }
}

/**
 * How a write ended: in doubt when no answer came (`lost`) or a 5xx did (`serverError`);
 * `unreached` when the connection was refused (no server listened: nothing was sent).
 */
export type Outcome = 'acked' | 'refused' | 'lost' | 'serverError' | 'unreached';
