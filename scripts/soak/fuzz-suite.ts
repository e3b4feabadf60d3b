// The fuzz suite of `npm run soak`: the OpenAPI fuzzer (src/test/openapi-fuzz.ts) at a large size,
// on a fresh database per dialect — every operation asked `--fuzz-cases` times.
import { runOpenApiFuzz } from '../../src/test/openapi-fuzz.ts';
import type { SoakContext, SoakRow, SoakSuite } from './suite.ts';

const SHARED_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

export const fuzzSuite: SoakSuite = {
  name: 'fuzz',
  description:
    'generated valid and broken requests to every API operation, checked against the document',
  async run(context: SoakContext): Promise<SoakRow[]> {
    // The fuzzer makes its own databases on the server the tests use.
    process.env.GUILDHALL_TEST_PG_URL ??= SHARED_PG;
    const rows: SoakRow[] = [];
    for (const dialect of context.databases) {
      const started = Date.now();
      const result = await runOpenApiFuzz(dialect, {
        casesPerOperation: context.fuzzCases,
        seed: context.seed
      });
      context.log(
        `  ${dialect}: ${result.cases} cases over ${result.operations} operations in ${Math.round((Date.now() - started) / 1000)} s, answers ${JSON.stringify(result.statuses)}`
      );
      rows.push({
        suite: 'fuzz',
        target: dialect,
        cases: result.cases,
        failures: result.failures,
        seed: result.seed
      });
    }
    return rows;
  }
};
