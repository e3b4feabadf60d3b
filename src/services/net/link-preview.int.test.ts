import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../test/test-app.ts';
import { insertPost, makeGroup } from '../webhook/webhook-test-support.ts';
import { fetchLinkPreview } from './link-preview.ts';
import { startServer, type TestServer } from './net-test-support.ts';

const PAGES: Record<string, { type: string; body: string | Buffer; status?: number }> = {
  '/og': {
    type: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><title>Plain title</title>
      <meta property="og:title" content="  Open   Graph &amp; friends ">
      <meta name="description" content="Plain description">
      <meta property="og:description" content="OG &quot;description&quot; &#x1F600;">
      </head><body><svg><title>icon</title></svg></body></html>`
  },
  '/plain': {
    type: 'text/html',
    body: `<html><head><svg><title>not this</title></svg><TITLE>Caf&eacute;
      talk</TITLE><meta name="Description" content="${'d'.repeat(900)}"></head></html>`
  },
  '/latin1': {
    type: 'text/html; charset=iso-8859-1',
    body: Buffer.from('<title>M\u00fcnchen</title>', 'latin1')
  },
  '/long': { type: 'text/html', body: `<title>${'t'.repeat(400)}</title>` },
  '/pdf': { type: 'application/pdf', body: '%PDF-1.4' },
  '/missing': { type: 'text/html', body: '<title>Not found</title>', status: 404 },
  '/empty': { type: 'text/html', body: '<p>no head</p>' }
};

describeWithApp('link previews', (app) => {
  let t: TestApp;
  let site: TestServer;
  let groupId: string;

  beforeAll(async () => {
    t = app();
    site = await startServer((req, res) => {
      const page = PAGES[req.url] ?? { type: 'text/plain', body: 'nope', status: 404 };
      res.writeHead(page.status ?? 200, { 'content-type': page.type });
      res.end(page.body);
    });
    const owner = await t.buildUser();
    groupId = (await makeGroup(t.testDb.db, owner.id)).id;
  });
  afterAll(() => site.close());

  async function preview(path: string) {
    const db = t.testDb.db;
    const id = await insertPost(db, groupId, `${site.url}${path}`);
    const result = await fetchLinkPreview(db, id, { allow: [site.hostPort] });
    const row = await db.kysely
      .selectFrom('posts')
      .select(['link_status', 'link_title', 'link_description'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.link_status).toBe(result);
    return row;
  }

  it('prefers Open Graph, decodes entities and collapses white space', async () => {
    expect(await preview('/og')).toEqual({
      link_status: 'ok',
      link_title: 'Open Graph & friends',
      link_description: 'OG "description" 😀'
    });
  });

  it('falls back to <title> and meta description, capped at 200 and 500 characters', async () => {
    const row = await preview('/plain');
    expect(row.link_title).toBe('Café talk');
    expect(Array.from(row.link_description ?? '')).toHaveLength(500);
    expect(Array.from((await preview('/long')).link_title ?? '')).toHaveLength(200);
    expect((await preview('/latin1')).link_title).toBe('München');
  });

  it('marks pages it cannot use as failed, without throwing', async () => {
    for (const path of ['/pdf', '/missing', '/empty']) {
      expect(await preview(path), path).toEqual({
        link_status: 'failed',
        link_title: null,
        link_description: null
      });
    }
    // an address nobody listens on
    const db = t.testDb.db;
    const id = await insertPost(db, groupId, 'http://127.0.0.1:1/');
    expect(await fetchLinkPreview(db, id, { allow: ['127.0.0.1:1'] })).toBe('failed');
  });
});
