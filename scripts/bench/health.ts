// The community-health part of `npm run bench`: one group with 50,000 members and 500 past
// meetings over ten years (scripts/bench/generate-health.ts) on top of the instance the main
// generator made. It times the health rollup twice — the first run over all history (every group
// of the instance, not only this one), then an incremental run as the job does every ten minutes —
// and gives back what the load generator should request, as an organizer with a read token.
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { dbBool } from '../../src/db/values.ts';
import { type RollupResult, rollUpHealth } from '../../src/services/health/health-rollup.ts';
import { createToken } from '../../src/services/token.service.ts';
import { generateHealthGroup, type HealthGroup } from './generate-health.ts';

export interface HealthBench {
  group: HealthGroup;
  /** The first rollup (all history) and the second one (incremental), in milliseconds. */
  firstRollupMs: number;
  secondRollupMs: number;
  firstRollup: RollupResult;
  secondRollup: RollupResult;
  /** Aggregate rows of the group after the rollup. */
  aggregates: { signals: number; days: number; meetings: number; members: number; quiet: number };
  /** An organizer's read token (Authorization: Bearer …). */
  token: string;
  paths: { dashboard: string; quiet: string; page: string };
}

/** The health group as the data set holds it, with the first rollup over all history. */
export interface HealthData {
  group: HealthGroup;
  firstRollupMs: number;
  firstRollup: RollupResult;
}

/**
 * Generates the health group and runs the first rollup (all history of every group); part of
 * making a bench data set.
 *
 * @example
 * const data = await generateHealthData(db, { members: 50_000, meetings: 500, seed: 42 });
 */
export async function generateHealthData(
  db: Db,
  options: { members: number; meetings: number; seed: number; log?: (line: string) => void }
): Promise<HealthData> {
  const cacheSize: unknown = db.sqlite?.pragma('cache_size', { simple: true });
  db.sqlite?.pragma('cache_size = -524288');
  const group = await generateHealthGroup(db, options);
  db.sqlite?.pragma(`cache_size = ${Number(cacheSize)}`);
  options.log?.(`  health group generated in ${group.seconds.toFixed(1)} s`);

  const t0 = performance.now();
  const firstRollup = await rollUpHealth(db);
  const firstRollupMs = Math.round(performance.now() - t0);
  options.log?.(
    `  first rollup (all history, every group): ${firstRollupMs} ms — ${firstRollup.signals} signal rows, ${firstRollup.meetings} meetings, ${firstRollup.members} member rows`
  );
  // Fresh statistics for the aggregate tables, as a long-running instance would have.
  const tables = [
    'membership_log',
    'health_signals',
    'health_days',
    'health_meetings',
    'health_members',
    'health_weeks',
    'health_state'
  ];
  if (db.sqlite) for (const table of tables) db.sqlite.exec(`analyze ${table}`);
  else await sql`analyze ${sql.raw(tables.join(', '))}`.execute(db.kysely);
  return { group, firstRollupMs, firstRollup };
}

/**
 * Runs the incremental rollup (as the job does every ten minutes), counts the group's aggregates
 * and makes an organizer's read token for the requests.
 *
 * @example
 * const health = await prepareHealthBench(db, data);
 */
export async function prepareHealthBench(
  db: Db,
  data: HealthData,
  log?: (line: string) => void
): Promise<HealthBench> {
  const { group, firstRollupMs, firstRollup } = data;
  const t0 = performance.now();
  const secondRollup = await rollUpHealth(db);
  const secondRollupMs = Math.round(performance.now() - t0);
  log?.(
    `  second rollup (incremental, from ${secondRollup.from}): ${secondRollupMs} ms — ${secondRollup.members} member rows recomputed`
  );

  const k = db.kysely;
  const count = async (
    table: 'health_signals' | 'health_days' | 'health_meetings' | 'health_members'
  ) =>
    Number(
      (
        await k
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('group_id', '=', group.id)
          .executeTakeFirstOrThrow()
      ).n
    );
  const quiet = await k
    .selectFrom('health_members')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('group_id', '=', group.id)
    .where('quiet', '=', dbBool(db, true))
    .executeTakeFirstOrThrow();
  const aggregates = {
    signals: await count('health_signals'),
    days: await count('health_days'),
    meetings: await count('health_meetings'),
    members: await count('health_members'),
    quiet: Number(quiet.n)
  };
  const { secret } = await createToken(db, group.organizerId, {
    name: 'bench health',
    scope: 'read'
  });
  return {
    group,
    firstRollupMs,
    secondRollupMs,
    firstRollup,
    secondRollup,
    aggregates,
    token: secret,
    paths: {
      dashboard: `/api/v1/groups/${group.slug}/health`,
      quiet: `/api/v1/groups/${group.slug}/health/quiet`,
      page: `/groups/${group.slug}/health`
    }
  };
}
