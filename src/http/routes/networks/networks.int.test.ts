import { beforeAll, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

describeWithApp('networks', (app) => {
  let t: TestApp;
  let admin: string;
  let member: string;
  beforeAll(async () => {
    t = app();
    admin = await t.logIn((await t.buildUser({ name: 'Admin' })).email);
    member = await t.logIn((await t.buildUser({ name: 'Member' })).email);
    for (const [slug, city, visibility, joinPolicy] of [
      ['azure-munich', 'München', 'public', 'open'],
      ['azure-hamburg', 'Hamburg', 'private', 'approval'],
      ['azure-secret', 'Berlin', 'hidden', 'invitation']
    ] as const) {
      await t.request({
        method: 'POST',
        url: '/api/v1/groups',
        cookie: member,
        body: {
          slug,
          name: `Azure ${city}`,
          kind: 'meetup',
          timeZone: 'Europe/Berlin',
          visibility,
          joinPolicy,
          city,
          country: 'DE'
        }
      });
    }
  });

  it('lets only admins create networks and attach chapters; anyone sees the chapters they may know of', async () => {
    const body = {
      slug: 'azure-meetups',
      name: 'Azure Meetups',
      description: 'Azure user groups in Germany'
    };
    expect((await t.request({ method: 'POST', url: '/api/v1/networks', body })).statusCode).toBe(
      401
    );
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/networks', cookie: member, body }))
        .statusCode
    ).toBe(403);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/networks', cookie: admin, body })).statusCode
    ).toBe(201);
    const dup = await t.request({ method: 'POST', url: '/api/v1/networks', cookie: admin, body });
    expect(dup.json().errors).toEqual([{ field: 'slug', message: 'This address is taken.' }]);

    for (const g of ['azure-munich', 'azure-hamburg', 'azure-secret']) {
      expect(
        (
          await t.request({
            method: 'PUT',
            url: `/api/v1/networks/azure-meetups/chapters/${g}`,
            cookie: member
          })
        ).statusCode
      ).toBe(403);
      expect(
        (
          await t.request({
            method: 'PUT',
            url: `/api/v1/networks/azure-meetups/chapters/${g}`,
            cookie: admin
          })
        ).statusCode
      ).toBe(204);
    }
    const anonymous = (
      await t.request({ method: 'GET', url: '/api/v1/networks/azure-meetups' })
    ).json();
    expect(anonymous.network).toMatchObject({ name: 'Azure Meetups' });
    expect(anonymous.chapters).toEqual([
      {
        slug: 'azure-hamburg',
        name: 'Azure Hamburg',
        city: null,
        country: null,
        visibility: 'private',
        memberCount: null,
        nextMeeting: null
      },
      {
        slug: 'azure-munich',
        name: 'Azure München',
        city: 'München',
        country: 'DE',
        visibility: 'public',
        memberCount: 1,
        nextMeeting: null
      }
    ]);
    // A chapter's next published meeting shows on the network page; the group names its network.
    const meeting = await t.request({
      method: 'POST',
      url: '/api/v1/groups/azure-munich/events',
      cookie: member,
      body: {
        title: 'Azure Functions deep dive',
        startsAt: '2030-02-12T19:00',
        endsAt: '2030-02-12T21:00',
        publish: true
      }
    });
    expect(meeting.statusCode).toBe(201);
    const withMeeting = (
      await t.request({ method: 'GET', url: '/api/v1/networks/azure-meetups' })
    ).json<{ chapters: { slug: string; nextMeeting: unknown }[] }>();
    expect(withMeeting.chapters.find((c) => c.slug === 'azure-munich')?.nextMeeting).toEqual({
      id: meeting.json<{ id: string }>().id,
      title: 'Azure Functions deep dive',
      startsAt: '2030-02-12T18:00:00.000Z',
      timeZone: 'Europe/Berlin'
    });
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/groups/azure-munich' })).json()
    ).toMatchObject({ network: { slug: 'azure-meetups', name: 'Azure Meetups' } });
    const insider = (
      await t.request({ method: 'GET', url: '/api/v1/networks/azure-meetups', cookie: member })
    ).json();
    expect(insider.chapters.map((c: { slug: string }) => c.slug)).toEqual([
      'azure-secret',
      'azure-hamburg',
      'azure-munich'
    ]);

    expect(
      (
        await t.request({
          method: 'DELETE',
          url: '/api/v1/networks/azure-meetups/chapters/azure-munich',
          cookie: admin
        })
      ).statusCode
    ).toBe(204);
    expect(
      (
        await t.request({
          method: 'DELETE',
          url: '/api/v1/networks/azure-meetups/chapters/azure-munich',
          cookie: admin
        })
      ).statusCode
    ).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/v1/networks' })).json().items).toHaveLength(
      1
    );
    expect((await t.request({ method: 'GET', url: '/api/v1/networks/nope' })).statusCode).toBe(404);
  });
});
