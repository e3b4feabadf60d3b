// `npm run soak`: the long runs that do not fit in `npm test`. Runs a list of named suites (for
// now: crash) at large sizes and prints a summary table — cases tried, kills survived, writes
// acknowledged and verified, failures — per suite and database. Exits non-zero on any failure.
//
//   npm run soak -- --kills 50 --writers 24 --databases sqlite,postgres --seed 1234
//
// Run it alone on the machine: it starts and kills servers for many minutes, and on PostgreSQL
// makes (and stops) a throw-away cluster of its own.
import { parseArgs } from 'node:util';
import { crashSuite } from './crash-suite.ts';
import { fuzzSuite } from './fuzz-suite.ts';
import type { SoakContext, SoakRow, SoakSuite } from './suite.ts';

/** Every suite the soak knows, in the order they run. Add new suites here. */
const SUITES: SoakSuite[] = [crashSuite, fuzzSuite];

const HELP = `npm run soak -- [options]

  --suites a,b         suites to run (default: all): ${SUITES.map((s) => s.name).join(', ')}
  --kills N            crash rounds per database target (default 50)
  --writers N          members writing at once (default 24)
  --fuzz-cases N       generated requests per API operation (default 100)
  --crash-after A-B    a round's crash comes A..B ms after its first acknowledged write (default 300-3000)
  --databases a,b      sqlite, postgres (default both)
  --seed N             repeat a run's writes and crash moments (default: random, printed)

Suites:
${SUITES.map((s) => `  ${s.name.padEnd(8)} ${s.description}`).join('\n')}`;

const { values } = parseArgs({
  options: {
    suites: { type: 'string' },
    kills: { type: 'string', default: '50' },
    writers: { type: 'string', default: '24' },
    'fuzz-cases': { type: 'string', default: '100' },
    'crash-after': { type: 'string', default: '300-3000' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' }
  }
});

function fail(message: string): never {
  console.error(`✗ ${message}\n\n${HELP}`);
  process.exit(2);
}

const positive = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number above 0`);
  return n;
};

/** The run's settings from the command line. */
function contextFromArgs(): SoakContext {
  const range = /^(\d+)-(\d+)$/.exec(values['crash-after']);
  if (!range || Number(range[1]) > Number(range[2])) fail('--crash-after must be like 300-3000');
  const databases = values.databases.split(',').map((d) => d.trim());
  for (const d of databases) {
    if (d !== 'sqlite' && d !== 'postgres') fail(`--databases: unknown database "${d}"`);
  }
  return {
    kills: positive('kills', values.kills),
    writers: positive('writers', values.writers),
    fuzzCases: positive('fuzz-cases', values['fuzz-cases']),
    crashAfterMs: [Number(range[1]), Number(range[2])],
    databases: databases as SoakContext['databases'],
    seed:
      values.seed === undefined
        ? Math.floor(Math.random() * 2 ** 31)
        : positive('seed', values.seed),
    ci: process.env.CI === 'true' || process.env.CI === '1',
    log: (line) => {
      console.log(line);
    }
  };
}

/** The summary table, one line per row, "–" where a suite has no such figure. */
function table(rows: SoakRow[]): string {
  const heads = [
    'suite',
    'target',
    'cases',
    'kills',
    'db stops',
    'acknowledged',
    'verified',
    'overwritten',
    'in doubt',
    'failures'
  ];
  const cell = (n: number | undefined) => (n === undefined ? '–' : String(n));
  const lines = rows.map((r) => [
    r.suite,
    r.skipped ? `${r.target} (SKIPPED)` : r.target,
    cell(r.cases),
    cell(r.kills),
    cell(r.databaseStops),
    cell(r.acknowledged),
    cell(r.verified),
    cell(r.overwritten),
    cell(r.inDoubt),
    String(r.failures.length)
  ]);
  const widths = heads.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [
    format(heads),
    `|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...lines.map(format)
  ].join('\n');
}

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const context = contextFromArgs();
const wanted = values.suites?.split(',').map((s) => s.trim()) ?? SUITES.map((s) => s.name);
for (const name of wanted)
  if (!SUITES.some((s) => s.name === name)) fail(`unknown suite "${name}"`);

console.log(
  `soak: seed ${context.seed}, ${context.kills} crash rounds per target, ${context.writers} writers, crash ${context.crashAfterMs.join('-')} ms after a round's first acknowledged write`
);
const started = Date.now();
const rows: SoakRow[] = [];
for (const suite of SUITES.filter((s) => wanted.includes(s.name))) {
  console.log(`\n▶ ${suite.name}: ${suite.description}`);
  rows.push(...(await suite.run(context)));
}

console.log(
  `\nsoak summary (seed ${context.seed}, ${Math.round((Date.now() - started) / 1000)} s)\n`
);
console.log(table(rows));
for (const row of rows.filter((r) => r.skipped)) {
  console.log(`! ${row.suite} · ${row.target} SKIPPED: ${row.skipped}`);
}
const failures = rows.flatMap((r) => r.failures.map((f) => `${r.suite} · ${r.target}: ${f}`));
if (failures.length > 0) {
  console.error(`\n✗ ${failures.length} failures (repeat with --seed ${context.seed}):`);
  for (const failure of failures.slice(0, 50)) console.error(`  - ${failure}`);
  if (failures.length > 50) console.error(`  … and ${failures.length - 50} more`);
  process.exit(1);
}
console.log('\n✓ soak passed');
