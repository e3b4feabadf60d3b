// What `npm run soak` runs: a list of named suites, each of which tries many cases against the real
// server and reports one row per target (a database, a mode). To add a suite (say "fuzz"), write
// an object of this shape in its own file and add it to SUITES in run.ts.

/** The sizes and seed of one soak run, from the command line. */
export interface SoakContext {
  /** Rounds that end in a crash, per target (`--kills`). */
  kills: number;
  /** Concurrent writers (`--writers`). */
  writers: number;
  /** Generated requests per API operation (`--fuzz-cases`). */
  fuzzCases: number;
  /** The crash moment, in ms after a round's first acknowledged write (`--crash-after 300-3000`). */
  crashAfterMs: [number, number];
  /** Databases to run on (`--databases sqlite,postgres`). */
  databases: ('sqlite' | 'postgres')[];
  /** The run's seed; printed, and `--seed` repeats it. */
  seed: number;
  /** With CI=true, a target that cannot run fails instead of being skipped. */
  ci: boolean;
  /** Prints a progress line. */
  log: (line: string) => void;
}

/**
 * One line of the summary table. Suites fill what applies to them; the table shows "–" for the
 * rest (a fuzz suite has cases and failures, but no kills).
 */
export interface SoakRow {
  suite: string;
  /** What ran: a database and mode, e.g. "postgres, app + database stopped". */
  target: string;
  /** Cases tried (crash rounds, fuzzed requests, …). */
  cases: number;
  /** Crashes of the app (SIGKILL) survived. */
  kills?: number;
  /** Immediate stops of the database server survived. */
  databaseStops?: number;
  acknowledged?: number;
  verified?: number;
  /** Acknowledged writes the same member overwrote before a check. */
  overwritten?: number;
  /** Writes without an answer (either outcome is fine). */
  inDoubt?: number;
  /** One message per failed check; any makes the soak exit non-zero. */
  failures: string[];
  /** Set when the target could not run at all (the row then counts no cases). */
  skipped?: string;
  /** The seed to repeat this row with. */
  seed?: number;
}

/** A named suite of the soak. */
export interface SoakSuite {
  name: string;
  /** One line for `--help`. */
  description: string;
  run(context: SoakContext): Promise<SoakRow[]>;
}
