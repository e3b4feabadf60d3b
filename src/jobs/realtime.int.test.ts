import { afterAll, describe, expect, it } from 'vitest';
import { createRealtime, type Realtime } from './realtime.ts';

const url = process.env.GUILDHALL_TEST_PG_URL;

/** Resolves with the next message `realtime` hears on `channel` (or rejects after a while). */
function next(realtime: Realtime, channel: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`nothing on ${channel}`));
    }, 5000);
    const stop = realtime.subscribe(channel, (data) => {
      clearTimeout(timer);
      stop();
      resolve(data);
    });
  });
}

// Two app nodes over one PostgreSQL database: a message published on one reaches the
// subscribers of both (LISTEN/NOTIFY), the publisher's own node included.
describe.runIf(url)('PostgresRealtime (postgres)', () => {
  const nodes: Realtime[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
  });

  it('fans a message out to every node', async () => {
    const a = await createRealtime({ dialect: 'postgres', databaseUrl: url ?? '' });
    const b = await createRealtime({ dialect: 'postgres', databaseUrl: url ?? '' });
    nodes.push(a, b);
    const channel = `round:fanout-${Date.now()}`;
    const onA = next(a, channel);
    const onB = next(b, channel);
    await a.publish(channel, 'r-42');
    expect(await Promise.all([onA, onB])).toEqual(['r-42', 'r-42']);
  });

  it('keeps channels apart and stops after close', async () => {
    const a = await createRealtime({ dialect: 'postgres', databaseUrl: url ?? '' });
    const b = await createRealtime({ dialect: 'postgres', databaseUrl: url ?? '' });
    nodes.push(a);
    const heard: string[] = [];
    b.subscribe('round:closed-node', (d) => heard.push(d));
    await b.close();
    const other: string[] = [];
    const stop = a.subscribe('round:other', (d) => other.push(d));
    const onMine = next(a, 'round:mine');
    await a.publish('round:closed-node', 'x');
    await a.publish('round:mine', 'mine');
    expect(await onMine).toBe('mine');
    stop();
    expect({ heard, other }).toEqual({ heard: [], other: [] });
    // Publishing on a closed node does nothing.
    await expect(b.publish('round:mine', 'late')).resolves.toBeUndefined();
  });
});
