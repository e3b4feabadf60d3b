import { beforeAll, expect, it } from 'vitest';
import { describeWithApp } from '../../test/test-app.ts';
import { makeUnsubscribeToken } from '../unsubscribe.service.ts';

describeWithApp('notification unsubscribe', (app) => {
  let user = { id: '', email: '' };
  let cookie = '';
  const token = (kind: 'notify-mention' | 'digest-daily' | 'digest-weekly') =>
    makeUnsubscribeToken(app().config.secret, { userId: user.id, kind, scope: '*' });
  const prefs = async () =>
    (
      await app().request({ method: 'GET', url: '/api/v1/me/notification-preferences', cookie })
    ).json<Record<string, string>>();

  beforeAll(async () => {
    user = await app().buildUser();
    cookie = await app().logIn(user.email);
  });

  it('describes a notification link without a group', async () => {
    const res = await app().request({
      method: 'GET',
      url: `/api/v1/unsubscribe?token=${token('notify-mention')}`
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'notify-mention', groupName: '', stopped: false });
  });

  it('one click stops the mails of a kind; the notifications stay in the app', async () => {
    // As a mail provider's server sends it: no cookie, no Origin.
    const res = await app().app.inject({
      method: 'POST',
      url: `/api/v1/unsubscribe?token=${token('notify-mention')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click'
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'notify-mention', stopped: true });
    expect(await prefs()).toMatchObject({ mention: 'in_app', reply: 'email' });
  });

  it('stops a digest: every kind on it moves to the app', async () => {
    await app().request({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      cookie,
      body: { meeting: 'daily', round: 'weekly' }
    });
    const res = await app().app.inject({
      method: 'POST',
      url: '/api/v1/unsubscribe',
      payload: { token: token('digest-daily') }
    });
    expect(res.json()).toMatchObject({ kind: 'digest-daily', stopped: true });
    expect(await prefs()).toMatchObject({ post: 'in_app', meeting: 'in_app', round: 'weekly' });
    const again = await app().request({
      method: 'GET',
      url: `/api/v1/unsubscribe?token=${token('digest-daily')}`
    });
    expect(again.json()).toMatchObject({ stopped: true });
  });
});
