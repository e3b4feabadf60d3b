import { describe, expect, it } from 'vitest';
import { createRealtime, InProcessRealtime } from './realtime.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InProcessRealtime', () => {
  it('delivers a message to every subscriber of the channel, and to nobody else', async () => {
    const realtime = new InProcessRealtime();
    const a: string[] = [];
    const b: string[] = [];
    const other: string[] = [];
    realtime.subscribe('round:1', (d) => a.push(d));
    realtime.subscribe('round:1', (d) => b.push(d));
    realtime.subscribe('round:2', (d) => other.push(d));
    await realtime.publish('round:1', 'r1');
    // Listeners run after publish returns, never inside it.
    expect(a).toEqual([]);
    await tick();
    expect({ a, b, other }).toEqual({ a: ['r1'], b: ['r1'], other: [] });
  });

  it('stops delivering after unsubscribe and after close', async () => {
    const realtime = new InProcessRealtime();
    const got: string[] = [];
    const stop = realtime.subscribe('round:1', (d) => got.push(d));
    expect(realtime.listenerCount('round:1')).toBe(1);
    stop();
    expect(realtime.listenerCount('round:1')).toBe(0);
    await realtime.publish('round:1', 'x');
    realtime.subscribe('round:1', (d) => got.push(d));
    await realtime.close();
    await realtime.publish('round:1', 'y');
    await tick();
    expect(got).toEqual([]);
  });

  it('keeps delivering to the others when one listener throws', async () => {
    const realtime = new InProcessRealtime();
    const got: string[] = [];
    realtime.subscribe('c', () => {
      throw new Error('boom');
    });
    realtime.subscribe('c', (d) => got.push(d));
    await realtime.publish('c', 'ok');
    await tick();
    expect(got).toEqual(['ok']);
  });

  it('refuses channel names that are not ours', async () => {
    const realtime = new InProcessRealtime();
    await expect(realtime.publish('has space', 'x')).rejects.toThrow(RangeError);
    expect(() => realtime.subscribe('', () => undefined)).toThrow(RangeError);
  });

  it('is what SQLite gets', async () => {
    const realtime = await createRealtime({ dialect: 'sqlite', databaseUrl: ':memory:' });
    expect(realtime).toBeInstanceOf(InProcessRealtime);
    await realtime.close();
  });
});
