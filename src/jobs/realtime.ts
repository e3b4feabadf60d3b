import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Dialect } from '../db/database.ts';
import { lazyPackage } from '../lazy-package.ts';

/** node-postgres, loaded only when the database is PostgreSQL. */
const pgModule = lazyPackage<typeof pg>('pg');

/** Receives one message published on a channel. */
export type RealtimeListener = (data: string) => void;

/**
 * Fan-out of small messages to everyone listening on a channel (live tallies over Server-Sent
 * Events). Messages are hints that something changed — a round id, not the tally — so each
 * listener re-reads the state it shows; a lost or duplicated message costs one extra read.
 * Publish only after the change is committed.
 */
export interface Realtime {
  /** Sends `data` to every subscriber of `channel`, on every app node. */
  publish(channel: string, data: string): Promise<void>;
  /** Calls `listener` for each message on `channel` until the returned function is called. */
  subscribe(channel: string, listener: RealtimeListener): () => void;
  /** Stops listening and drops all subscribers; publishing afterwards does nothing. */
  close(): Promise<void>;
}

/** Whether a channel name is one we send: short, printable, no spaces. */
function checkChannel(channel: string): void {
  if (!/^[\w:.-]{1,200}$/.test(channel)) throw new RangeError(`bad realtime channel ${channel}`);
}

/**
 * Realtime inside one process (SQLite: one node). Listeners run on the next tick, never inside
 * `publish`, so a slow or throwing listener does not hold up the publisher.
 *
 * @example
 * const realtime = new InProcessRealtime();
 * const stop = realtime.subscribe('round:r1', (data) => console.log(data));
 * await realtime.publish('round:r1', 'r1');
 * stop();
 */
export class InProcessRealtime implements Realtime {
  readonly #emitter = new EventEmitter();
  #closed = false;

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  publish(channel: string, data: string): Promise<void> {
    try {
      checkChannel(channel);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.#closed) return Promise.resolve();
    setImmediate(() => this.#emitter.emit(channel, data));
    return Promise.resolve();
  }

  subscribe(channel: string, listener: RealtimeListener): () => void {
    checkChannel(channel);
    const safe = (data: string) => {
      try {
        listener(data);
      } catch {
        // One listener's failure is its own; the others still hear the message.
      }
    };
    this.#emitter.on(channel, safe);
    return () => {
      this.#emitter.off(channel, safe);
    };
  }

  /** Subscribers on `channel` (tests use it to see a client went away). */
  listenerCount(channel: string): number {
    return this.#emitter.listenerCount(channel);
  }

  /** Delivers a message to this process's subscribers only (the PostgreSQL fan-out uses it). */
  deliver(channel: string, data: string): void {
    if (!this.#closed) this.#emitter.emit(channel, data);
  }

  /** Channels that have subscribers here. */
  channels(): string[] {
    return this.#emitter.eventNames().filter((n): n is string => typeof n === 'string');
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#emitter.removeAllListeners();
    return Promise.resolve();
  }
}

/** The one PostgreSQL NOTIFY channel all our realtime channels travel on. */
export const PG_NOTIFY_CHANNEL = 'guildhall_realtime';
/** NOTIFY payloads must stay under 8000 bytes; ours are far smaller. */
const MAX_PAYLOAD = 7000;
const RECONNECT_MS = 1000;

/**
 * Realtime across app nodes over PostgreSQL: `publish` runs `pg_notify` (through its own
 * connection), one dedicated client per process `LISTEN`s and hands each notification to this
 * process's subscribers — the publisher's own process included, so every node is treated alike.
 * When the listening connection drops it reconnects, and then tells every subscriber to re-read
 * (with an empty message), since notifications sent meanwhile are lost.
 */
export class PostgresRealtime implements Realtime {
  readonly #local = new InProcessRealtime();
  readonly #url: string;
  readonly #logger: Pick<Logger, 'warn'> | undefined;
  #listener: pg.Client | undefined;
  #publisher: pg.Client | undefined;
  #publisherReady: Promise<pg.Client> | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(databaseUrl: string, logger?: Pick<Logger, 'warn'>) {
    this.#url = databaseUrl;
    this.#logger = logger;
  }

  /** Connects the listening client; resolves once `LISTEN` is active. */
  async start(): Promise<void> {
    const client = new (pgModule().Client)({ connectionString: this.#url });
    client.on('notification', (message) => {
      if (message.channel !== PG_NOTIFY_CHANNEL || !message.payload) return;
      try {
        const parsed = JSON.parse(message.payload) as { c?: unknown; d?: unknown };
        if (typeof parsed.c === 'string' && typeof parsed.d === 'string') {
          this.#local.deliver(parsed.c, parsed.d);
        }
      } catch {
        // Not one of ours.
      }
    });
    const lost = (error?: Error) => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      client.removeAllListeners('end');
      void client.end().catch(() => undefined);
      if (this.#closed) return;
      this.#logger?.warn({ err: error }, 'realtime listener lost its connection; reconnecting');
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => {
      lost();
    });
    this.#listener = client;
    await client.connect();
    await client.query(`LISTEN ${PG_NOTIFY_CHANNEL}`);
  }

  #scheduleReconnect(): void {
    clearTimeout(this.#reconnect);
    this.#reconnect = setTimeout(() => {
      this.start().then(
        () => {
          // Whatever was said while we were away is lost: everyone re-reads.
          for (const channel of this.#local.channels()) this.#local.deliver(channel, '');
        },
        (error: unknown) => {
          this.#listener = undefined;
          this.#logger?.warn({ err: error }, 'realtime listener could not reconnect');
          if (!this.#closed) this.#scheduleReconnect();
        }
      );
    }, RECONNECT_MS);
    this.#reconnect.unref();
  }

  async #publisherClient(): Promise<pg.Client> {
    this.#publisherReady ??= (async () => {
      const client = new (pgModule().Client)({ connectionString: this.#url });
      const forget = () => {
        if (this.#publisher === client) {
          this.#publisher = undefined;
          this.#publisherReady = undefined;
        }
      };
      client.on('error', forget);
      client.on('end', forget);
      this.#publisher = client;
      try {
        await client.connect();
      } catch (error) {
        forget();
        throw error;
      }
      return client;
    })();
    return this.#publisherReady;
  }

  async publish(channel: string, data: string): Promise<void> {
    checkChannel(channel);
    if (this.#closed) return;
    const payload = JSON.stringify({ c: channel, d: data });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD)
      throw new RangeError('realtime message too large');
    // One query at a time on the publishing connection, in publish order.
    const run = this.#tail.then(async () => {
      const client = await this.#publisherClient();
      await client.query('SELECT pg_notify($1, $2)', [PG_NOTIFY_CHANNEL, payload]);
    });
    this.#tail = run.catch(() => undefined);
    await run;
  }

  subscribe(channel: string, listener: RealtimeListener): () => void {
    return this.#local.subscribe(channel, listener);
  }

  /** Subscribers on `channel` in this process. */
  listenerCount(channel: string): number {
    return this.#local.listenerCount(channel);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnect);
    await this.#local.close();
    const listener = this.#listener;
    this.#listener = undefined;
    const publisher = this.#publisher;
    this.#publisher = undefined;
    this.#publisherReady = undefined;
    await Promise.all([
      listener?.end().catch(() => undefined),
      publisher?.end().catch(() => undefined)
    ]);
  }
}

/**
 * The realtime fan-out for a database: in-process on SQLite (one node), LISTEN/NOTIFY on
 * PostgreSQL (several nodes). Resolves once it listens.
 *
 * @example
 * const realtime = await createRealtime({ dialect: 'postgres', databaseUrl: config.databaseUrl });
 * await realtime.close();
 */
export async function createRealtime(options: {
  dialect: Dialect;
  databaseUrl: string;
  logger?: Pick<Logger, 'warn'>;
}): Promise<Realtime> {
  if (options.dialect === 'sqlite') return new InProcessRealtime();
  const realtime = new PostgresRealtime(options.databaseUrl, options.logger);
  try {
    await realtime.start();
  } catch (error) {
    await realtime.close();
    throw error;
  }
  return realtime;
}
