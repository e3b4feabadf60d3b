import { beforeAll, describe, expect, it } from 'vitest';
import { createGroup, type Group } from '../../../services/group.service.ts';
import { joinGroup } from '../../../services/membership.service.ts';
import {
  makeUnsubscribeToken,
  type UnsubscribeKind
} from '../../../services/unsubscribe.service.ts';
import { insertUser } from '../../../test/factories.ts';
import { describeWithApp } from '../../../test/test-app.ts';
import { UNSUBSCRIBE_LIMIT } from './unsubscribe.routes.ts';

const URL_ = '/api/v1/unsubscribe';

describeWithApp('unsubscribe', (app) => {
  let group: Group;
  const token = (kind: UnsubscribeKind, userId = 'ada', scope?: string) =>
    makeUnsubscribeToken(app().config.secret, { userId, kind, scope: scope ?? group.id });
  const db = () => app().testDb.db;

  async function meetingMail(userId: string): Promise<string | undefined> {
    const row = await db()
      .kysely.selectFrom('memberships')
      .select('meeting_mail')
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.meeting_mail;
  }

  async function optOuts(userId: string): Promise<{ kind: string; scope: string }[]> {
    return db()
      .kysely.selectFrom('mail_opt_outs')
      .select(['kind', 'scope'])
      .where('user_id', '=', userId)
      .orderBy('kind')
      .execute();
  }

  beforeAll(async () => {
    await insertUser(db(), 'olga');
    await insertUser(db(), 'ada', { name: 'Ada Lovelace' });
    await insertUser(db(), 'bert');
    group = await createGroup(db(), 'olga', {
      slug: 'rust-berlin',
      name: 'Rust Berlin',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    await joinGroup(db(), group, 'ada', []);
    await joinGroup(db(), group, 'bert', []);
  });

  describe('GET', () => {
    it('says what a token would stop, without logging in', async () => {
      const res = await app().request({
        method: 'GET',
        url: `${URL_}?token=${token('remind')}`
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toEqual({
        kind: 'remind',
        groupName: 'Rust Berlin',
        email: 'a***@example.org',
        stopped: false
      });
      expect(await optOuts('ada')).toEqual([]);
    });

    it('answers 400 with a field error for a missing, forged or altered token', async () => {
      const good = token('remind');
      const [payload = '', signature = ''] = good.split('.');
      const otherUser = Buffer.from(JSON.stringify(['bert', 'remind', group.id])).toString(
        'base64url'
      );
      const flipped = `${signature.slice(0, 3)}${signature[3] === 'Q' ? 'R' : 'Q'}${signature.slice(4)}`;
      const forgedSecret = makeUnsubscribeToken('y'.repeat(40), {
        userId: 'ada',
        kind: 'remind',
        scope: group.id
      });
      for (const bad of [
        `${otherUser}.${signature}`,
        `${payload}.${flipped}`,
        forgedSecret,
        'not-a-token',
        token('remind', 'nobody'),
        token('remind', 'ada', 'no-such-group')
      ]) {
        const res = await app().request({
          method: 'GET',
          url: `${URL_}?token=${encodeURIComponent(bad)}`
        });
        expect(res.statusCode, bad).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json().errors).toEqual([
          {
            field: 'token',
            message:
              'This unsubscribe link is not valid. Use the link from your most recent mail, or change your mail settings in your profile.'
          }
        ]);
      }
      const missing = await app().request({ method: 'GET', url: URL_ });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors).toEqual([{ field: 'token', message: expect.any(String) }]);
    });
  });

  describe('POST', () => {
    it('stores an opt-out for remind, changed and promoted (one click, form body)', async () => {
      for (const kind of ['remind', 'changed', 'promoted'] as const) {
        // As a mail provider's server sends it: no cookie, no Origin.
        const res = await app().app.inject({
          method: 'POST',
          url: `${URL_}?token=${token(kind)}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'List-Unsubscribe=One-Click'
        });
        expect(res.statusCode, kind).toBe(200);
        expect(res.json()).toMatchObject({ kind, stopped: true });
      }
      expect(await optOuts('ada')).toEqual([
        { kind: 'changed', scope: group.id },
        { kind: 'promoted', scope: group.id },
        { kind: 'remind', scope: group.id }
      ]);
      expect(await meetingMail('ada')).toBe('all');
      const seen = await app().request({ method: 'GET', url: `${URL_}?token=${token('remind')}` });
      expect(seen.json().stopped).toBe(true);
    });

    it('is idempotent', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await app().request({
          method: 'POST',
          url: `${URL_}?token=${token('remind')}`,
          body: {}
        });
        expect(res.statusCode).toBe(200);
      }
      expect((await optOuts('ada')).filter((o) => o.kind === 'remind')).toHaveLength(1);
    });

    it('sets the membership to no meeting mail for announce (token in a JSON body)', async () => {
      const res = await app().request({
        method: 'POST',
        url: URL_,
        body: { token: token('announce', 'bert') }
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        kind: 'announce',
        groupName: 'Rust Berlin',
        email: 'b***@example.org',
        stopped: true
      });
      expect(await meetingMail('bert')).toBe('none');
      expect(await meetingMail('ada')).toBe('all');
      expect(await optOuts('bert')).toEqual([]);
    });

    it('takes the token from a multipart form, as RFC 8058 recommends', async () => {
      await insertUser(db(), 'cleo');
      await joinGroup(db(), group, 'cleo', []);
      const boundary = '----guildhall-test';
      const body = [
        `--${boundary}`,
        'Content-Disposition: form-data; name="List-Unsubscribe"',
        '',
        'One-Click',
        `--${boundary}`,
        'Content-Disposition: form-data; name="token"',
        '',
        token('changed', 'cleo'),
        `--${boundary}--`,
        ''
      ].join('\r\n');
      const res = await app().app.inject({
        method: 'POST',
        url: URL_,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: body
      });
      expect(res.statusCode).toBe(200);
      expect(await optOuts('cleo')).toEqual([{ kind: 'changed', scope: group.id }]);
    });

    it('refuses a bad or missing token with a field error, storing nothing', async () => {
      const forged = makeUnsubscribeToken('z'.repeat(40), {
        userId: 'olga',
        kind: 'remind',
        scope: group.id
      });
      const res = await app().app.inject({
        method: 'POST',
        url: `${URL_}?token=${forged}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click'
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ field: 'token', message: expect.any(String) }]);
      expect(await optOuts('olga')).toEqual([]);

      const missing = await app().request({ method: 'POST', url: URL_, body: {} });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors).toEqual([
        { field: 'token', message: 'This field is required.' }
      ]);
      const plain = await app().app.inject({
        method: 'POST',
        url: URL_,
        headers: { 'content-type': 'text/plain' },
        payload: 'token'
      });
      expect(plain.statusCode).toBe(415);
    });
  });

  it('is documented in OpenAPI as public', async () => {
    const res = await app().request({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = res.json();
    const path = doc.paths['/api/v1/unsubscribe'];
    expect(path.get.security).toEqual([]);
    expect(path.post.security).toEqual([]);
    expect(Object.keys(path.post.requestBody.content).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data'
    ]);
    expect(path.get.responses['400']).toBeDefined();
    expect(path.post.responses['429']).toBeDefined();
  });

  it(`is rate limited per client (${UNSUBSCRIBE_LIMIT.max} a minute)`, async () => {
    const url = `${URL_}?token=${token('remind')}`;
    for (let i = 0; i < UNSUBSCRIBE_LIMIT.max; i++) {
      const res = await app().request({ method: 'GET', url, ip: '203.0.113.9' });
      expect(res.statusCode).toBe(200);
    }
    const limited = await app().request({ method: 'GET', url, ip: '203.0.113.9' });
    expect(limited.statusCode).toBe(429);
    const other = await app().request({ method: 'GET', url, ip: '203.0.113.10' });
    expect(other.statusCode).toBe(200);
  });
});
