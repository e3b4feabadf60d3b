import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkExplain,
  type ExplainResult,
  fullIndexScans,
  type PlanNode,
  seqScans
} from '../../scripts/check-explain.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../test/test-database.ts';

// The EXPLAIN check (scripts/check-explain.ts) on PostgreSQL only: query plans, enable_seqscan and
// EXPLAIN's JSON are PostgreSQL's; SQLite's plans are checked where its queries are tuned.
const serverUrl = process.env.GUILDHALL_TEST_PG_URL;
const onPostgres = testDialects().includes('postgres') && serverUrl !== undefined;

describe.skipIf(!onPostgres)('EXPLAIN check (postgres)', () => {
  let results: ExplainResult[] = [];
  let ok = false;
  let warnings: string[] = [];

  beforeAll(async () => {
    if (!serverUrl) return;
    ({ results, ok, warnings } = await checkExplain({ serverUrl }));
  }, 300_000);

  it('explains the hot paths, every request of them answered', () => {
    const sources = new Set(results.map((r) => r.source));
    for (const source of [
      'search text+tag+radius',
      'search tag by members',
      'group page',
      'upcoming meetings',
      'event page',
      'RSVP write',
      'my meetings',
      'notifications',
      'board',
      'topic list',
      'health dashboard',
      'group calendar',
      'personal calendar',
      'session lookup',
      'job: activity dispatch',
      'job: webhook delivery claim'
    ]) {
      expect(sources, source).toContain(source);
    }
    // The current voting round is a 404 until a round opens; every other path must have worked,
    // and every known sequential scan must still be found (else its entry is stale).
    expect(warnings.filter((w) => !w.startsWith('voting round:'))).toEqual([]);
  });

  it('finds no sequential scan on a large table but the known ones, each still there', () => {
    const offenders = results
      .filter((r) => r.seqScans.length > 0 && r.known === undefined)
      .map((r) => `${r.source}: Seq Scan on ${r.seqScans.join(', ')} in ${r.sql}`);
    expect(offenders).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe.skipIf(!onPostgres)('plan reading (postgres)', () => {
  let t: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    client = new pg.Client({ connectionString: t.url });
    await client.connect();
    await client.query('SET enable_seqscan = off');
  });

  afterAll(async () => {
    await client.end();
    await t.dispose();
  });

  const plan = async (query: string): Promise<PlanNode> => {
    const res = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${query}`
    );
    const first = res.rows[0]?.['QUERY PLAN'][0].Plan;
    if (!first) throw new Error('no plan');
    return first;
  };

  it('reports a filter no index serves as a sequential scan, even with seq scans priced out', async () => {
    const found = await plan("select id from groups where description = 'x'");
    expect(seqScans(found)).toEqual(['groups']);
  });

  it('accepts an index lookup', async () => {
    const found = await plan("select id from groups where slug = 'x'");
    expect(seqScans(found)).toEqual([]);
    expect(fullIndexScans(found)).toEqual([]);
  });

  it('leaves out small tables', () => {
    expect(seqScans({ 'Node Type': 'Seq Scan', 'Relation Name': 'schema_migrations' })).toEqual([]);
  });

  it('notes a whole index read unless a Limit stops it before any sort', () => {
    const scan: PlanNode = {
      'Node Type': 'Index Scan',
      'Relation Name': 'groups',
      'Index Name': 'groups_member_count_idx'
    };
    expect(fullIndexScans(scan)).toEqual(['groups']);
    expect(fullIndexScans({ 'Node Type': 'Limit', Plans: [scan] })).toEqual([]);
    expect(
      fullIndexScans({ 'Node Type': 'Limit', Plans: [{ 'Node Type': 'Sort', Plans: [scan] }] })
    ).toEqual(['groups']);
  });
});
