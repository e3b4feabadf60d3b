import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/eventually.ts';
import { RecordingQueue } from '../../test/test-app.ts';
import { ACTIVITIES_QUEUE, dispatchInProcess, nudgeActivities } from './activity.service.ts';

describe('nudgeActivities', () => {
  it('enqueues a job when no dispatcher runs in this process', async () => {
    const queue = new RecordingQueue();
    nudgeActivities(queue);
    await eventually(() => queue.payloads(ACTIVITIES_QUEUE).length === 1, 2000);
  });

  it('runs the local dispatcher instead, coalescing nudges that come during a run', async () => {
    const queue = new RecordingQueue();
    let runs = 0;
    let release: (() => void) | undefined;
    const stop = dispatchInProcess(queue, async () => {
      runs += 1;
      await new Promise<void>((resolve) => (release = resolve));
    });
    for (let i = 0; i < 100; i++) nudgeActivities(queue); // one burst: one run
    await eventually(() => runs === 1, 2000);
    for (let i = 0; i < 50; i++) nudgeActivities(queue); // during the run: one more run after it
    release?.();
    await eventually(() => runs === 2, 2000);
    release?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBe(2);
    expect(queue.payloads(ACTIVITIES_QUEUE)).toHaveLength(0);
    stop();
  });

  it('keeps going after a failed run, and stops when told', async () => {
    const queue = new RecordingQueue();
    let runs = 0;
    const stop = dispatchInProcess(queue, () => {
      runs += 1;
      return Promise.reject(new Error('database closed'));
    });
    nudgeActivities(queue);
    await eventually(() => runs === 1, 2000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    nudgeActivities(queue);
    await eventually(() => runs === 2, 2000);
    stop();
    nudgeActivities(queue); // no dispatcher any more: a job for whoever runs the queue
    await eventually(() => queue.payloads(ACTIVITIES_QUEUE).length === 1, 2000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).toBe(2);
  });
});
