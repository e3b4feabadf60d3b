import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedRoutes } from '../permission-matrix.ts';
import { createTestApp, type RequestOptions, type TestApp } from '../test-app.ts';
import { testDialects } from '../test-database.ts';
import { askCell, expectedOf, isFeed, isPage, pageRoutes, requestOf } from './access-run.ts';
import { ACCESS_TABLE } from './access-table.ts';
import {
  type Account,
  buildWorld,
  type Credentials,
  type GroupWorld,
  ROLES,
  type World
} from './access-world.ts';

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
      // The route tree and the pages were read (227 Fastify routes, 8 of them feeds, 65 pages).
      expect(served.filter(isPage).length).toBeGreaterThanOrEqual(60);
      expect(served.filter(isFeed).length).toBeGreaterThanOrEqual(8);
      expect(served.filter((r) => !isPage(r)).length).toBeGreaterThanOrEqual(200);
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
        // The cells of a row run at once: none shares what it changes (see access-table.ts).
        const cells = await Promise.all(ROLES.map((role) => askCell(w, route, entry, role)));
        const got = cells.map((cell) => String(cell.status));
        const wrong = cells.flatMap((cell, i) =>
          cell.wrong ? [`${ROLES[i]}: ${cell.wrong}`] : []
        );
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

    /**
     * Access ends the moment it is taken away: a session, a token and a page that answered a
     * moment ago get the deny answer on their next request (no cache in between). Covered
     * elsewhere: suspension (admin.int.test.ts), a revoked token (tokens.int.test.ts), an ended
     * session and "log out everywhere else" (sessions.int.test.ts), a changed password
     * (me.int.test.ts), a deleted account (privacy.int.test.ts).
     */
    const REVOCATIONS: {
      what: string;
      role: 'member' | 'organizer';
      /** What the account may do before and no longer after: [route of the table, after]. */
      probes: [string, number][];
      revoke: (g: GroupWorld, who: Account) => RequestOptions;
    }[] = [
      {
        what: 'a member removed by an organizer',
        role: 'member',
        probes: [
          ['GET /api/v1/events/:id', 404],
          ['PUT /api/v1/events/:id/rsvp', 404],
          ['GET /groups/[slug]/events/[id]', 404]
        ],
        revoke: (g, who) => ({ method: 'DELETE', url: `${g.api}/members/${who.id}` })
      },
      {
        what: 'a member banned',
        role: 'member',
        probes: [
          ['GET /api/v1/groups/:slug/topics', 404],
          ['POST /api/v1/groups/:slug/topics', 404],
          ['GET /groups/[slug]/topics', 404]
        ],
        revoke: (g, who) => ({ method: 'POST', url: `${g.api}/members/${who.id}/ban` })
      },
      {
        what: 'an organizer made a member',
        role: 'organizer',
        probes: [
          ['GET /api/v1/groups/:slug/requests', 403],
          ['POST /api/v1/groups/:slug/venues', 403],
          ['GET /groups/[slug]/requests', 403]
        ],
        revoke: (g, who) => ({
          method: 'PATCH',
          url: `${g.api}/members/${who.id}`,
          body: { role: 'member' }
        })
      }
    ];

    for (const { what, role, probes, revoke } of REVOCATIONS) {
      it(`ends access at once for ${what}: session, token and page`, async () => {
        const g = await w.freshGroup();
        const who = await w.freshAccount(role, g);
        if (!who) throw new Error('no account');
        const token = await t.buildToken(who.id, 'write');
        const ask = async (route: string, credentials: Credentials) => {
          const entry = ACCESS_TABLE[route] ?? '';
          const request = await requestOf(route, entry, { g, w, as: who });
          return (await t.request({ ...request, ...credentials })).statusCode;
        };
        const answers = async () => {
          const got: string[] = [];
          for (const [route] of probes) {
            const ways = isPage(route) ? [who.credentials] : [who.credentials, { token }];
            for (const credentials of ways) got.push(`${route} ${await ask(route, credentials)}`);
          }
          return got;
        };
        const before = await answers();
        expect(
          before.every((a) => /\s[23]\d\d$/.test(a)),
          before.join(', ')
        ).toBe(true);
        const done = await t.request({ ...revoke(g, who), ...w.accounts.owner.credentials });
        expect(done.statusCode).toBeLessThan(300);
        const expected = probes.flatMap(([route, status]) =>
          (isPage(route) ? [1] : [1, 2]).map(() => `${route} ${status}`)
        );
        expect(await answers()).toEqual(expected);
      });
    }
  });
}
