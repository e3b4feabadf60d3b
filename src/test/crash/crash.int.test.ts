import { describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects } from '../test-database.ts';
import { runCrashHarness } from './crash-harness.ts';

// Crash safety at a quick size: the real server killed with SIGKILL a few times while members
// write, restarted and checked each time (`npm run soak` runs the same harness far longer, and on
// PostgreSQL also stops the database). On PostgreSQL only the app is killed here: the test server
// is shared with every other test file. A failure prints its seed: CRASH_SEED=<seed> repeats its
// writes and crash moments.
const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe.each(testDialects())('crash safety (%s)', (dialect) => {
  it(
    'keeps every acknowledged write and exact counters across SIGKILLs',
    { timeout: 120_000 },
    async () => {
      const testDb = await createTestDatabase(dialect);
      try {
        const report = await runCrashHarness({
          dialect,
          databaseUrl: testDb.url,
          dataDir: testDb.dataDir,
          rounds: 3,
          writers: 8,
          seed,
          crashAfterMs: [150, 900]
        });
        const summary = `seed ${seed}: ${report.cases} cases, ${report.kills} kills, ${report.counts.acknowledged} acknowledged, ${report.counts.verified} verified`;
        expect(report.failures, `${summary}\n${report.serverLog}`).toEqual([]);
        expect(report.kills, summary).toBe(3);
        expect(report.counts.acknowledged, summary).toBeGreaterThan(0);
        expect(report.counts.verified, summary).toBeGreaterThan(0);
      } finally {
        await testDb.dispose();
      }
    }
  );
});
