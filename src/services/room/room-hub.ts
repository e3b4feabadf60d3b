// The live fan-out of a meeting room on one app node. Each room with watchers here has one hub:
// it listens on the room's realtime channel, reads new log entries once for all its watchers,
// folds them into the room's state and writes each watcher the entries it may see, as SSE.
// Every watcher carries a cursor (the last seq it was given) and gets only entries after it, so
// whatever arrives twice — a replay and a live entry, a repeated announcement — is sent once.
import type { Db } from '../../db/database.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import {
  emptyFold,
  foldEvent,
  type PresentedEvent,
  presentEvent,
  presentFold,
  type RoomEvent,
  type RoomFold,
  type RoomView,
  type RoomViewer,
  sharedPresentation
} from './room-event-types.ts';
import { loadRoomFold, roomChannel, roomEventsSince } from './room-log.service.ts';

/** One open event stream. */
export interface RoomWatcher {
  viewer: RoomViewer;
  /** Writes a chunk of the SSE stream; false when the client is gone or too slow. */
  write(chunk: string): boolean;
}

/** An SSE frame: `id`, `event` and one line of JSON data. */
export function sseFrame(
  seq: number,
  presented: PresentedEvent | { event: 'snapshot'; data: RoomView }
): string {
  return `id: ${seq}\nevent: ${presented.event}\ndata: ${JSON.stringify(presented.data)}\n\n`;
}

interface Entry {
  watcher: RoomWatcher;
  cursor: number;
}

class RoomHub {
  readonly watchers = new Set<Entry>();
  /** Streams still attaching: the hub stays while any is on its way. */
  pending = 0;
  state: RoomFold = emptyFold();
  #loaded = false;
  #tail: Promise<void> = Promise.resolve();
  readonly #db: Db;
  readonly #eventId: string;
  readonly unsubscribe: () => void;

  constructor(db: Db, realtime: Realtime, eventId: string, onError: (error: unknown) => void) {
    this.#db = db;
    this.#eventId = eventId;
    this.unsubscribe = realtime.subscribe(roomChannel(eventId), () => {
      void this.run(() => this.pull()).catch(onError);
    });
  }

  /** Runs `work` after everything queued before it: reads and sends never interleave. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.then(
      () => undefined,
      () => undefined
    );
    return result;
  }

  /** Reads the entries after the hub's cursor, folds them and sends them on. */
  async pull(): Promise<void> {
    if (!this.#loaded) {
      this.state = await loadRoomFold(this.#db, this.#eventId);
      this.#loaded = true;
      return;
    }
    const entries = await roomEventsSince(this.#db, this.#eventId, this.state.seq);
    const now = new Date();
    for (const { seq, event } of entries) {
      foldEvent(this.state, seq, event);
      this.#send(seq, event, now);
    }
  }

  #send(seq: number, event: RoomEvent, now: Date): void {
    const shared = sharedPresentation(event);
    const frames = new Map<boolean, string | null>();
    for (const entry of this.watchers) {
      if (entry.cursor >= seq) continue;
      entry.cursor = seq;
      let frame: string | null | undefined = shared
        ? frames.get(entry.watcher.viewer.hosts)
        : undefined;
      if (frame === undefined) {
        const presented = presentEvent(event, entry.watcher.viewer, now);
        frame = presented ? sseFrame(seq, presented) : null;
        if (shared) frames.set(entry.watcher.viewer.hosts, frame);
      }
      if (frame !== null && !entry.watcher.write(frame)) this.watchers.delete(entry);
    }
  }

  /**
   * Adds a watcher. With `lastEventId` it first gets every entry after it it may see (a reconnect
   * after a drop); without, one `snapshot` of the room as of the latest entry. Live entries follow.
   */
  async attach(watcher: RoomWatcher, lastEventId: number | null): Promise<Entry> {
    await this.pull();
    const entry: Entry = { watcher, cursor: this.state.seq };
    const now = new Date();
    if (lastEventId === null) {
      watcher.write(
        sseFrame(this.state.seq, {
          event: 'snapshot',
          data: presentFold(this.state, watcher.viewer, now)
        })
      );
    } else if (lastEventId < this.state.seq) {
      for (const { seq, event } of await roomEventsSince(
        this.#db,
        this.#eventId,
        lastEventId,
        this.state.seq
      )) {
        const presented = presentEvent(event, watcher.viewer, now);
        if (presented) watcher.write(sseFrame(seq, presented));
      }
    }
    this.watchers.add(entry);
    return entry;
  }
}

/**
 * The room hubs of one app node. Streams attach to a room's hub; the hub goes away with its last
 * watcher.
 *
 * @example
 * const hubs = new RoomHubs(db, realtime);
 * const detach = await hubs.attach(eventId, { viewer, write: (s) => res.write(s) }, null);
 */
export class RoomHubs {
  readonly #db: Db;
  readonly #realtime: Realtime;
  readonly #hubs = new Map<string, RoomHub>();
  readonly #onError: (error: unknown) => void;

  constructor(db: Db, realtime: Realtime, onError: (error: unknown) => void = () => undefined) {
    this.#db = db;
    this.#realtime = realtime;
    this.#onError = onError;
  }

  /** Starts sending the room to `watcher`; call the returned function when the stream ends. */
  async attach(
    eventId: string,
    watcher: RoomWatcher,
    lastEventId: number | null
  ): Promise<() => void> {
    let hub = this.#hubs.get(eventId);
    if (!hub) {
      hub = new RoomHub(this.#db, this.#realtime, eventId, this.#onError);
      this.#hubs.set(eventId, hub);
    }
    const current = hub;
    let entry: Entry | undefined;
    current.pending += 1;
    try {
      entry = await current.run(() => current.attach(watcher, lastEventId));
    } catch (error) {
      current.pending -= 1;
      this.#dropIfIdle(eventId, current);
      throw error;
    }
    current.pending -= 1;
    const attached = entry;
    return () => {
      current.watchers.delete(attached);
      this.#dropIfIdle(eventId, current);
    };
  }

  /** The room as `viewer` sees it now: from the live hub when there is one, else from the log. */
  async view(eventId: string, viewer: RoomViewer, now = new Date()): Promise<RoomView> {
    const hub = this.#hubs.get(eventId);
    if (hub) {
      return hub.run(async () => {
        await hub.pull();
        return presentFold(hub.state, viewer, now);
      });
    }
    return presentFold(await loadRoomFold(this.#db, eventId), viewer, now);
  }

  /** Streams watching rooms on this node (for metrics and tests). */
  watcherCount(eventId?: string): number {
    if (eventId !== undefined) return this.#hubs.get(eventId)?.watchers.size ?? 0;
    let n = 0;
    for (const hub of this.#hubs.values()) n += hub.watchers.size;
    return n;
  }

  #dropIfIdle(eventId: string, hub: RoomHub): void {
    if (hub.watchers.size > 0 || hub.pending > 0 || this.#hubs.get(eventId) !== hub) return;
    this.#hubs.delete(eventId);
    hub.unsubscribe();
  }
}

const byRealtime = new WeakMap<Realtime, RoomHubs>();

/** The room hubs of the node that owns `realtime` (one set per app instance). */
export function roomHubsFor(
  db: Db,
  realtime: Realtime,
  onError?: (error: unknown) => void
): RoomHubs {
  let hubs = byRealtime.get(realtime);
  if (!hubs) {
    hubs = new RoomHubs(db, realtime, onError);
    byRealtime.set(realtime, hubs);
  }
  return hubs;
}
