// Loopback servers for outbound-request tests: a receiver that records what it gets, a tripwire
// that counts every TCP connection it accepts (at the socket level), and a redirector.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobHandler } from '../../jobs/job-queue.ts';
import { RecordingQueue } from '../../test/recording-queue.ts';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TestServer {
  port: number;
  /** `127.0.0.1:<port>`, for an allowlist. */
  hostPort: string;
  url: string;
  received: Received[];
  /** TCP connections accepted so far (every interface it listens on). */
  connections: () => number;
  close(): Promise<void>;
}

async function listen(server: http.Server, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * An HTTP server on 127.0.0.1 (and ::1 on the same port, when the machine has IPv6 loopback)
 * answering with `respond` (default 200 "ok").
 */
export async function startServer(
  respond: (req: Received, res: http.ServerResponse) => void = (_req, res) => res.end('ok')
): Promise<TestServer> {
  const received: Received[] = [];
  let connections = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8')
      };
      received.push(r);
      respond(r, res);
    });
  };
  const v4 = http.createServer(handler);
  const v6 = http.createServer(handler);
  for (const s of [v4, v6]) {
    s.on('connection', () => {
      connections += 1;
    });
  }
  const port = await listen(v4, '127.0.0.1');
  let v6Listening = false;
  try {
    await listen(v6, '::1', port);
    v6Listening = true;
  } catch {
    // no IPv6 loopback here
  }
  const close = (s: http.Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => {
        resolve();
      });
    });
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    async close() {
      await close(v4);
      if (v6Listening) await close(v6);
    }
  };
}

/** A server that answers every request with a redirect to `location`. */
export function startRedirector(location: string, status = 302): Promise<TestServer> {
  return startServer((_req, res) => {
    res.writeHead(status, { location });
    res.end();
  });
}

/** The addresses an SSRF check must refuse; `port` is the tripwire's, where one is reachable. */
export function forbiddenUrls(port: number): string[] {
  return [
    `http://127.0.0.1:${port}/`,
    `http://127.1:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://localhost:${port}/`,
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fc00::1]/',
    'http://[fe80::1]/'
  ];
}

/** A queue that keeps the handlers registered on it, so a test can run a job's real handler. */
export class HandlerQueue extends RecordingQueue {
  readonly handlers = new Map<string, JobHandler>();
  override work(queue: string, handler: JobHandler): void {
    this.handlers.set(queue, handler);
  }
  /** Nothing runs on its own here: jobs wait until a test runs them. */
  override depth(): Promise<number> {
    return Promise.resolve(this.jobs.length);
  }
  /** Runs the handler of `queue` with `payload`. */
  async run(queue: string, payload: unknown = {}): Promise<void> {
    const handler = this.handlers.get(queue);
    if (!handler) throw new Error(`no handler for ${queue}`);
    await handler(payload);
  }
}
