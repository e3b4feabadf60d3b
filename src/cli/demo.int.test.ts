import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../test/test-database.ts';
import { DEMO_GROUPS, DEMO_PEOPLE, seedDemo } from './demo.ts';

for (const dialect of testDialects()) {
  describe(`demo data (${dialect})`, () => {
    let testDb: TestDatabase;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await testDb.dispose();
    });

    it('seeds people, a dozen groups with roles and the Azure Meetups network, and can run twice', async () => {
      const config = loadConfig({
        DATA_DIR: testDb.dataDir,
        BASE_URL: 'http://localhost:3000',
        SECRET: 'd'.repeat(40)
      });
      const logger = pino({ level: 'silent' });
      const first = await seedDemo(config, testDb.db, logger);
      const second = await seedDemo(config, testDb.db, logger);
      expect(first).toEqual(second);
      expect(first).toHaveLength(DEMO_PEOPLE.length);
      const k = testDb.db.kysely;
      expect(await k.selectFrom('users').select('id').execute()).toHaveLength(DEMO_PEOPLE.length);
      const groups = await k
        .selectFrom('groups')
        .select(['slug', 'kind', 'visibility', 'member_count', 'network_id'])
        .execute();
      expect(groups).toHaveLength(DEMO_GROUPS.length);
      expect(DEMO_GROUPS.length).toBeGreaterThanOrEqual(12);
      expect(new Set(groups.map((g) => g.kind))).toEqual(new Set(['meetup', 'practice']));
      expect(
        groups
          .filter((g) => g.network_id !== null)
          .map((g) => g.slug)
          .sort()
      ).toEqual(['azure-berlin', 'azure-hamburg', 'azure-munich']);
      expect(groups.find((g) => g.slug === 'devops-cloud-cop')).toMatchObject({
        visibility: 'private',
        member_count: 3
      });
      const roles = await k.selectFrom('memberships').select('role').execute();
      expect(roles.filter((r) => r.role === 'owner')).toHaveLength(DEMO_GROUPS.length);
      expect(roles.filter((r) => r.role === 'organizer')).toHaveLength(DEMO_GROUPS.length);
    });
  });
}
