import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedRoutes } from '../permission-matrix.ts';
import { createTestApp, type TestApp } from '../test-app.ts';
import { testDialects } from '../test-database.ts';
import { askCell, expectedOf, isFeed, isPage, pageRoutes } from './access-run.ts';
import { ACCESS_TABLE } from './access-table.ts';
import { buildWorld, ROLES, type World } from './access-world.ts';

// The pages come from the SvelteKit build (`npx vite build`, which `npm test` runs first).
const buildDir = path.resolve('build');
const built = existsSync(path.join(buildDir, 'handler.js'));
const ci = process.env.CI === 'true' || process.env.CI === '1';

for (const dialect of testDialects()) {
  describe.skipIf(!built && !ci)(`access table (${dialect})`, () => {
    let t: TestApp;
    let w: World;

    beforeAll(async () => {
      if (!built) throw new Error(`no web UI build in ${buildDir}: run \`npx vite build\` first`);
      t = await createTestApp(dialect, undefined, { webBuildDir: buildDir });
      w = await buildWorld(t);
    }, 120_000);

    afterAll(async () => {
      await t.close();
    });

    it('has one entry per route served (API, feeds, pages) and no entry for a route not served', () => {
      const fastify = servedRoutes(t.app);
      const served = [...fastify, ...pageRoutes()];
      const entries = Object.keys(ACCESS_TABLE);
      expect(served.filter((r) => !(r in ACCESS_TABLE)).sort(), 'routes without an entry').toEqual(
        []
      );
      expect(entries.filter((r) => !served.includes(r)).sort(), 'entries of no route').toEqual([]);
    });

    it('has one status per role in every entry', () => {
      const bad = Object.entries(ACCESS_TABLE).filter(
        ([, entry]) =>
          expectedOf(entry).length !== ROLES.length ||
          !expectedOf(entry).every((s) => /^[1-5]\d\d$/.test(s))
      );
      expect(bad.map(([route]) => route)).toEqual([]);
    });

    for (const [route, entry] of Object.entries(ACCESS_TABLE)) {
      it(`${route}: every role gets the status of the table`, async () => {
        const got: string[] = [];
        const wrong: string[] = [];
        for (const role of ROLES) {
          const cell = await askCell(w, route, entry, role);
          got.push(String(cell.status));
          if (cell.wrong) wrong.push(`${role}: ${cell.wrong}`);
        }
        if (process.env.ACCESS_TABLE_DUMP) {
          appendFileSync(
            process.env.ACCESS_TABLE_DUMP,
            `${dialect}\t${route}\t${got.join(' ')}\t${wrong.join(' | ')}\n`
          );
        }
        expect({ got: got.join(' '), wrong }).toEqual({
          got: expectedOf(entry).join(' '),
          wrong: []
        });
      });
    }

    it('counts', () => {
      const routes = Object.keys(ACCESS_TABLE);
      console.log({
        pages: routes.filter(isPage).length,
        feeds: routes.filter(isFeed).length,
        api: routes.filter((r) => !isPage(r) && !isFeed(r)).length
      });
    });
  });
}
