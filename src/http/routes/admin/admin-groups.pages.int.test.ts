import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { buildMeeting } from '../../../test/factories.ts';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import { testDialects } from '../../../test/test-database.ts';

// The pages of a group an admin hid from the instance, served from the web UI's build: a 404 to
// visitors and outsiders (the anonymous page cache included), the group page with the reason for
// its members and admins, and gone from the group search page.

const buildDir = path.resolve('build');
const built = existsSync(path.join(buildDir, 'handler.js'));
// `npm test` builds before this tier; under CI a missing build is a failure, not a skip.
const ci = process.env.CI === 'true' || process.env.CI === '1';

for (const dialect of testDialects()) {
  describe.skipIf(!built && !ci)(`pages of a group hidden from the instance (${dialect})`, () => {
    let t: TestApp;
    const cookies: Record<'admin' | 'member' | 'outsider', string> = {
      admin: '',
      member: '',
      outsider: ''
    };
    let meeting: Meeting;
    const slug = 'hidden-pages';
    const name = 'Quantum Gardening';

    beforeAll(async () => {
      if (!built) throw new Error(`no web UI build in ${buildDir}: run \`npx vite build\` first`);
      t = await createTestApp(dialect, undefined, { webBuildDir: buildDir });
      const admin = await t.buildUser({ name: 'Ada Admin' }); // the first account is the admin
      const member = await t.buildUser({ name: 'Mia Member' });
      const outsider = await t.buildUser({ name: 'Oskar Outsider' });
      cookies.admin = await t.logIn(admin.email);
      cookies.member = await t.logIn(member.email);
      cookies.outsider = await t.logIn(outsider.email);
      const group = await createGroup(t.testDb.db, member.id, {
        slug,
        name,
        kind: 'meetup',
        description: 'Seeds in superposition',
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      meeting = await buildMeeting(
        t.testDb.db,
        t.queue,
        { groupId: group.id, ownerId: member.id },
        'Planting qubits'
      );
    });

    afterAll(async () => {
      await t.close();
    });

    const page = (url: string, who?: keyof typeof cookies) =>
      t.request({ method: 'GET', url, ...(who ? { cookie: cookies[who] } : {}) });
    const admin = (action: 'hide' | 'unhide') =>
      t.request({
        method: 'POST',
        url: `/api/v1/admin/groups/${slug}/${action}`,
        cookie: cookies.admin,
        ...(action === 'hide' ? { body: { reason: 'Sells snake oil' } } : {})
      });
    /** The group's pages: its page, members, board and a meeting. */
    const urls = () => [
      `/groups/${slug}`,
      `/groups/${slug}/members`,
      `/groups/${slug}/board`,
      `/groups/${slug}/events/${meeting.id}`
    ];

    it('is a 404 page to visitors and outsiders, and the group page tells members why', async () => {
      for (const url of urls()) {
        expect((await page(url)).statusCode, `${url} before`).toBe(200); // now in the page cache
      }
      expect((await page('/groups?q=quantum')).body).toContain(name);

      expect((await admin('hide')).statusCode).toBe(204);
      for (const url of urls()) {
        expect((await page(url)).statusCode, `${url} anonymous`).toBe(404);
        expect((await page(url, 'outsider')).statusCode, `${url} outsider`).toBe(404);
        expect((await page(url, 'member')).statusCode, `${url} member`).toBe(200);
        expect((await page(url, 'admin')).statusCode, `${url} admin`).toBe(200);
      }
      for (const who of [undefined, 'outsider', 'member'] as const) {
        expect((await page('/groups?q=quantum', who)).body, who).not.toContain(name);
      }
      const seen = await page(`/groups/${slug}`, 'member');
      expect(seen.body).toContain('An administrator has hidden this group from this instance');
      expect(seen.body).toContain('Reason: Sells snake oil');
      const german = await t.request({
        method: 'GET',
        url: `/groups/${slug}`,
        cookie: `${cookies.member}; guildhall_lang=de`
      });
      expect(german.body).toContain('Die Administration hat diese Gruppe auf dieser Instanz');
      expect(german.body).toContain('Begründung: Sells snake oil');

      expect((await admin('unhide')).statusCode).toBe(204);
      const shown = await page(`/groups/${slug}`);
      expect(shown.statusCode).toBe(200);
      expect(shown.body).not.toContain('Reason: Sells snake oil');
      expect((await page('/groups?q=quantum')).body).toContain(name);
    });
  });
}
