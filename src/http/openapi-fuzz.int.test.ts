import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCLUDED_OPERATIONS, fuzzOpenApi } from '../test/openapi-fuzz.ts';
import { createTestApp, type TestApp } from '../test/test-app.ts';
import { testDialects } from '../test/test-database.ts';

/** Requests per operation at `npm test` size (about 200 operations): low thousands per dialect. */
const QUICK = Number(process.env.GUILDHALL_FUZZ_CASES ?? 10);

for (const dialect of testDialects()) {
  describe(`API fuzzing from the OpenAPI document (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(async () => {
      await t.close();
    });

    it('answers generated valid and broken requests to every operation as documented', async () => {
      const started = performance.now();
      const seed = process.env.GUILDHALL_FUZZ_SEED
        ? Number(process.env.GUILDHALL_FUZZ_SEED)
        : undefined;
      const result = await fuzzOpenApi(t, {
        casesPerOperation: QUICK,
        ...(seed !== undefined ? { seed } : {})
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `OpenAPI fuzz (${dialect}): ${result.cases} cases over ${result.operations} operations in ${seconds} s, seed ${result.seed}; ` +
          `answers ${JSON.stringify(result.statuses)}; ` +
          `excluded: ${Object.keys(EXCLUDED_OPERATIONS).join(', ')}`
      );
      expect(result.operations).toBeGreaterThan(150);
      expect(result.failures, result.failures.join('\n\n')).toEqual([]);
    }, 180_000);
  });
}
