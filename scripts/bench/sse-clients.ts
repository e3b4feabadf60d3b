// A child process of `npm run bench` (scripts/bench/room-fanout.ts): opens `count` Server-Sent
// Event streams to one URL and, for every `poll` event, notes when each stream first saw each
// ballot count. Running the clients in their own process keeps their parsing out of the server's
// event loop and out of its memory figures.
//
// Messages: parent → { type: 'report' } | { type: 'stop' }; child → { type: 'ready', connected }
// once all streams have their snapshot, { type: 'report', arrivals } with arrivals[ballotCount] =
// the epoch milliseconds (fractional) at which each stream saw it.
import http from 'node:http';

const [url, countArg] = process.argv.slice(2);
if (!url || !countArg) throw new Error('usage: sse-clients.ts <url> <count>');
const count = Number(countArg);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const arrivals = new Map<number, number[]>();
const requests: http.ClientRequest[] = [];
let ready = 0;

const now = () => performance.timeOrigin + performance.now();

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url as string,
      { agent, headers: { accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream answered ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        let seen = -1;
        res.on('data', (chunk: string) => {
          const at = now();
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            if (block.includes('event: snapshot')) {
              ready += 1;
              resolve();
              continue;
            }
            if (!block.includes('event: poll')) continue;
            const match = /"ballotCount":(\d+)/.exec(block);
            const n = match ? Number(match[1]) : -1;
            if (n <= seen) continue;
            seen = n;
            let list = arrivals.get(n);
            if (!list) arrivals.set(n, (list = []));
            list.push(at);
          }
        });
        res.on('error', () => undefined);
      }
    );
    req.on('error', reject);
    requests.push(req);
  });
}

// Connect in batches so the listen backlog never overflows.
for (let i = 0; i < count; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, count - i) }, () => open()));
}
process.send?.({ type: 'ready', connected: ready });

process.on('message', (message: { type: string }) => {
  if (message.type === 'report') {
    process.send?.({ type: 'report', arrivals: Object.fromEntries(arrivals) });
  } else if (message.type === 'stop') {
    for (const req of requests) req.destroy();
    process.exit(0);
  }
});
