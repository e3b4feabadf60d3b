// Server-Sent Event streams: the response head, a heartbeat, and ending every open stream when
// the server closes (else closing would wait on them). Also what `/metrics` reads: how many
// streams a server has open, and which requests became streams.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Open streams per server. Route plugins are encapsulated instances of one app; `app.server` is
 * the one thing they share (also when the app never listens), so it keys the count of the app.
 */
const openByServer = new WeakMap<object, { count: number }>();

/** Requests that were turned into event streams (their duration is the stream's lifetime). */
const streamRequests = new WeakSet<FastifyRequest>();

/**
 * How many event streams `app` (or any plugin of it) has open right now.
 *
 * @example
 * new Gauge({ name: 'guildhall_sse_clients', help: '…', collect() { this.set(openEventStreams(app)); } });
 */
export function openEventStreams(app: FastifyInstance): number {
  return openByServer.get(app.server)?.count ?? 0;
}

/**
 * Whether `request` was answered with an event stream, so request-latency metrics can leave out
 * responses that last as long as the client stays.
 *
 * @example
 * if (!isEventStream(request)) histogram.observe(labels, reply.elapsedTime / 1000);
 */
export function isEventStream(request: FastifyRequest): boolean {
  return streamRequests.has(request);
}

/** How often an idle stream sends a comment line, so proxies keep it open. */
export const STREAM_HEARTBEAT_MS = 25_000;

/** One open event stream. */
export interface EventStream {
  /** The raw response to write frames to. */
  res: ServerResponse;
  /** Whether the stream has ended (the client went away, or `end` was called). */
  ended(): boolean;
  /** Runs `cleanup` when the stream ends (at once if it already has). */
  onEnd(cleanup: () => void): void;
  end(): void;
}

/**
 * The event streams of one route plugin. `open` takes over the reply: it sends the SSE head with
 * the headers set so far (security headers, request id), the reconnect delay, and a comment line
 * every 25 s; the stream ends when the client goes away or the server closes.
 *
 * @example
 * const streams = eventStreams(app);
 * app.get('/things/stream', (request, reply) => {
 *   const stream = streams.open(request, reply, 3000);
 *   stream.onEnd(realtime.subscribe('things', () => stream.res.write('data: changed\n\n')));
 * });
 */
export function eventStreams(app: FastifyInstance): {
  open(request: FastifyRequest, reply: FastifyReply, retryMs: number): EventStream;
} {
  const open = new Set<() => void>();
  let counter = openByServer.get(app.server);
  if (!counter) {
    counter = { count: 0 };
    openByServer.set(app.server, counter);
  }
  const serverStreams = counter;
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  return {
    open(request, reply, retryMs) {
      reply.hijack();
      streamRequests.add(request);
      const res = reply.raw;
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) res.setHeader(name, value);
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        connection: 'keep-alive'
      });
      res.write(`retry: ${retryMs}\n\n`);
      let ended = false;
      const cleanups: (() => void)[] = [];
      const heartbeat = setInterval(() => {
        res.write(': keep-alive\n\n');
      }, STREAM_HEARTBEAT_MS);
      heartbeat.unref();
      const end = (): void => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        open.delete(end);
        serverStreams.count -= 1;
        for (const cleanup of cleanups.splice(0)) cleanup();
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      serverStreams.count += 1;
      res.on('close', end);
      request.raw.on('close', end);
      return {
        res,
        ended: () => ended || res.writableEnded,
        onEnd(cleanup) {
          if (ended) cleanup();
          else cleanups.push(cleanup);
        },
        end
      };
    }
  };
}
