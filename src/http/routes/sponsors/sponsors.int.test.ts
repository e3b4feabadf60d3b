import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { Visibility } from '../../../domain/group-policy.ts';
import { createGroup } from '../../../services/group.service.ts';
import { findSponsors, sponsorsOfEvent } from '../../../services/sponsor.service.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const contoso = {
  name: 'Contoso',
  url: 'https://contoso.example/community',
  contributions: ['room', 'food']
};

describeWithApp('sponsors', (app) => {
  let t: TestApp;
  let owner: { id: string; cookie: string };
  let member: { id: string; cookie: string };
  let counter = 0;

  beforeAll(async () => {
    t = app();
    await t.buildUser({ name: 'Instance Admin' }); // the first account is the instance admin
    const o = await t.buildUser({ name: 'Olga Owner' });
    owner = { id: o.id, cookie: await t.logIn(o.email) };
    const m = await t.buildUser({ name: 'Mia Member' });
    member = { id: m.id, cookie: await t.logIn(m.email) };
  });

  /** A group owned by `owner`, with `member` as an active member. */
  async function group(visibility: Visibility = 'public'): Promise<{ slug: string; id: string }> {
    counter += 1;
    const created = await createGroup(t.testDb.db, owner.id, {
      slug: `sponsors-${counter}`,
      name: `Sponsors ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility,
      joinPolicy: visibility === 'public' ? 'open' : 'approval'
    });
    const at = new Date().toISOString();
    await t.testDb.db.kysely
      .insertInto('memberships')
      .values({
        group_id: created.id,
        user_id: member.id,
        role: 'member',
        status: 'active',
        created_at: at,
        updated_at: at
      })
      .execute();
    return { slug: created.slug, id: created.id };
  }

  const post = (slug: string, body: unknown, headers?: Record<string, string>) =>
    t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/sponsors`,
      cookie: owner.cookie,
      body,
      ...(headers ? { headers } : {})
    });
  const patch = (slug: string, id: string, body: unknown) =>
    t.request({
      method: 'PATCH',
      url: `/api/v1/groups/${slug}/sponsors/${id}`,
      cookie: owner.cookie,
      body
    });
  const archive = (slug: string, id: string) =>
    t.request({
      method: 'DELETE',
      url: `/api/v1/groups/${slug}/sponsors/${id}`,
      cookie: owner.cookie
    });
  const list = async (slug: string, cookie?: string, query = '') => {
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/sponsors${query}`,
      ...(cookie ? { cookie } : {})
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: { id: string; name: string; archived: boolean }[] }>().items;
  };

  it('creates, reads, lists, changes and archives a sponsor', async () => {
    const { slug } = await group();
    const created = await post(slug, contoso);
    expect(created.statusCode, created.body).toBe(201);
    const sponsor = created.json();
    expect(sponsor).toEqual({
      id: expect.any(String),
      ...contoso,
      archived: false,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updatedAt: sponsor.createdAt
    });
    const one = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/sponsors/${sponsor.id}`
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(sponsor);
    expect(await list(slug)).toEqual([sponsor]); // public credit: anyone may read it

    // Only a name: no link, no contributions.
    const bare = await post(slug, { name: '  acme ' });
    expect(bare.statusCode, bare.body).toBe(201);
    expect(bare.json()).toMatchObject({ name: 'acme', url: null, contributions: [] });
    expect((await list(slug)).map((s) => s.name)).toEqual(['acme', 'Contoso']); // by name, any case

    // Contributions are a set, in a fixed order.
    const changed = await patch(slug, sponsor.id, {
      name: 'Contoso Ltd',
      url: null,
      contributions: ['money', 'speakers', 'money', 'room']
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toEqual({
      ...sponsor,
      name: 'Contoso Ltd',
      url: null,
      contributions: ['room', 'speakers', 'money'],
      updatedAt: expect.any(String)
    });
    const cleared = await patch(slug, sponsor.id, { contributions: [] });
    expect(cleared.json()).toMatchObject({ name: 'Contoso Ltd', contributions: [] });
    const relinked = await patch(slug, sponsor.id, { url: 'http://contoso.example' });
    expect(relinked.json()).toMatchObject({ url: 'http://contoso.example' });

    expect((await archive(slug, sponsor.id)).statusCode).toBe(204);
    expect((await list(slug)).map((s) => s.name)).toEqual(['acme']);

    const audit = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/audit`,
      cookie: owner.cookie
    });
    expect(audit.json().items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['sponsor.created', 'sponsor.updated', 'sponsor.archived'])
    );
  });

  it('leaves archived sponsors out of the lists, but keeps crediting them on meetings', async () => {
    const g = await group();
    const kept = (await post(g.slug, { name: 'Kept', contributions: ['food'] })).json();
    const gone = (await post(g.slug, { name: 'Gone', contributions: ['money'] })).json();
    const other = await group();
    const stranger = (await post(other.slug, { name: 'Stranger' })).json();

    const at = new Date().toISOString();
    const eventId = randomUUID();
    await t.testDb.db.kysely
      .insertInto('events')
      .values({
        id: eventId,
        group_id: g.id,
        title: 'Meetup',
        starts_at: at,
        ends_at: at,
        time_zone: 'Europe/Berlin',
        status: 'published',
        created_at: at,
        updated_at: at
      })
      .execute();
    await t.testDb.db.kysely
      .insertInto('event_sponsors')
      .values([
        { event_id: eventId, sponsor_id: kept.id },
        { event_id: eventId, sponsor_id: gone.id }
      ])
      .execute();

    expect((await archive(g.slug, gone.id)).statusCode).toBe(204);
    expect((await archive(g.slug, gone.id)).statusCode).toBe(204); // archiving again is harmless

    expect((await list(g.slug)).map((s) => s.id)).toEqual([kept.id]);
    expect((await list(g.slug, member.cookie)).map((s) => s.id)).toEqual([kept.id]);
    const all = await list(g.slug, owner.cookie, '?includeArchived=true');
    expect(all.map((s) => [s.name, s.archived])).toEqual([
      ['Gone', true],
      ['Kept', false]
    ]);
    const asMember = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}/sponsors?includeArchived=true`,
      cookie: member.cookie
    });
    expect(asMember.statusCode).toBe(403);

    const credited = await sponsorsOfEvent(t.testDb.db, eventId);
    expect(credited.map((s) => [s.name, s.archived, s.contributions])).toEqual([
      ['Gone', true, ['money']],
      ['Kept', false, ['food']]
    ]);
    expect(credited[0]?.createdAt).toBeInstanceOf(Date);
    expect(await sponsorsOfEvent(t.testDb.db, 'no-such-event')).toEqual([]);

    const found = await findSponsors(t.testDb.db, [stranger.id, gone.id, gone.id, 'nope']);
    expect(found.map((s) => s.name)).toEqual(['Gone', 'Stranger']);
    expect(await findSponsors(t.testDb.db, [])).toEqual([]);

    const one = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}/sponsors/${gone.id}`
    });
    expect(one.json()).toMatchObject({ name: 'Gone', archived: true });
  });

  it('answers 404 for another group’s sponsor addressed through this group', async () => {
    const mine = await group();
    const theirs = await group();
    const foreign = (await post(theirs.slug, { name: 'Theirs' })).json();
    const admin = await t.logIn((await t.buildUser({ admin: true })).email);
    for (const cookie of [owner.cookie, admin]) {
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'Mine now' }],
        ['DELETE', undefined]
      ] as const) {
        const res = await t.request({
          method,
          url: `/api/v1/groups/${mine.slug}/sponsors/${foreign.id}`,
          cookie,
          ...(body ? { body } : {})
        });
        expect(res.statusCode, `${method} ${res.body}`).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect((await patch(mine.slug, 'does-not-exist', { name: 'X' })).statusCode).toBe(404);
    expect(await list(theirs.slug)).toEqual([
      expect.objectContaining({ name: 'Theirs', archived: false })
    ]);
    expect(await list(mine.slug)).toEqual([]);
  });

  it('refuses bad input per field and stores nothing', async () => {
    const { slug } = await group();
    const cases: [Record<string, unknown>, { field: string; message: string }[]][] = [
      [{}, [{ field: 'name', message: 'This field is required.' }]],
      [{ ...contoso, name: '' }, [{ field: 'name', message: 'Must not be empty.' }]],
      [{ ...contoso, name: ' \t ' }, [{ field: 'name', message: 'Must not be empty.' }]],
      [
        { ...contoso, name: 'x'.repeat(121) },
        [{ field: 'name', message: 'Must be at most 120 characters.' }]
      ],
      [
        { ...contoso, url: 'contoso.example' },
        [{ field: 'url', message: 'Enter a valid URL starting with http:// or https://.' }]
      ],
      [
        { ...contoso, url: 'ftp://contoso.example' },
        [{ field: 'url', message: 'Enter a valid URL starting with http:// or https://.' }]
      ],
      [
        { ...contoso, url: 'javascript:alert(1)' },
        [{ field: 'url', message: 'Enter a valid URL starting with http:// or https://.' }]
      ],
      [
        { ...contoso, url: `https://x.example/${'a'.repeat(500)}` },
        [{ field: 'url', message: 'Must be at most 500 characters.' }]
      ],
      [
        { ...contoso, contributions: ['room', 'beer'] },
        [{ field: 'contributions.1', message: 'Must be one of: room, food, speakers, money.' }]
      ],
      [
        { ...contoso, contributions: 'room' },
        [{ field: 'contributions', message: 'Must be a list.' }]
      ],
      [
        { ...contoso, contributions: Array.from({ length: 21 }, () => 'room') },
        [{ field: 'contributions', message: 'Allows at most 20 entries.' }]
      ],
      [
        { ...contoso, logo: 'x.png' },
        [{ field: 'logo', message: 'This field is not allowed here.' }]
      ]
    ];
    for (const [body, errors] of cases) {
      const res = await post(slug, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors, JSON.stringify(body).slice(0, 80)).toEqual(errors);
    }
    expect(await list(slug, owner.cookie, '?includeArchived=true')).toEqual([]);

    const sponsor = (await post(slug, contoso)).json();
    const patches: [Record<string, unknown>, { field: string; message: string }[]][] = [
      [{ name: '' }, [{ field: 'name', message: 'Must not be empty.' }]],
      [
        { contributions: ['drinks'] },
        [{ field: 'contributions.0', message: 'Must be one of: room, food, speakers, money.' }]
      ],
      [{ contributions: null }, [{ field: 'contributions', message: 'Must be a list.' }]],
      [
        { url: 'mailto:x@contoso.example' },
        [{ field: 'url', message: 'Enter a valid URL starting with http:// or https://.' }]
      ],
      [{ archived: false }, [{ field: 'archived', message: 'This field is not allowed here.' }]]
    ];
    for (const [body, errors] of patches) {
      const res = await patch(slug, sponsor.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors, JSON.stringify(body)).toEqual(errors);
    }
    const after = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/sponsors/${sponsor.id}`
    });
    expect(after.json()).toEqual(sponsor);
  });

  it('answers in German, and never with a 500 for malformed requests', async () => {
    const { slug } = await group();
    const de = await post(
      slug,
      { name: '', url: 'nope', contributions: ['beer'] },
      { 'accept-language': 'de' }
    );
    expect(de.statusCode).toBe(400);
    expect(de.json().title).toBe('Deine Eingaben enthalten Fehler');
    expect(de.json().errors).toEqual([
      { field: 'name', message: 'Darf nicht leer sein.' },
      { field: 'url', message: 'Gib eine gültige URL ein, die mit http:// oder https:// beginnt.' },
      {
        field: 'contributions.0',
        message: 'Muss einer dieser Werte sein: room, food, speakers, money.'
      }
    ]);
    for (const payload of ['not json', '[]', 'null', '"x"', '{"name":']) {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${slug}/sponsors`,
        cookie: owner.cookie,
        headers: { 'content-type': 'application/json' },
        body: payload
      });
      expect(res.statusCode, payload).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, payload).toBeLessThan(500);
    }
    expect((await post('no-such-group', contoso)).statusCode).toBe(404);
  });

  it('reads stored contributions defensively', async () => {
    const { slug } = await group();
    const sponsor = (await post(slug, contoso)).json();
    for (const [stored, shown] of [
      ['["money","beer","room","money"]', ['room', 'money']],
      ['not json', []],
      ['{"room":true}', []]
    ] as const) {
      await t.testDb.db.kysely
        .updateTable('sponsors')
        .set({ contributions: stored })
        .where('id', '=', sponsor.id)
        .execute();
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/groups/${slug}/sponsors/${sponsor.id}`
      });
      expect(res.statusCode, stored).toBe(200);
      expect(res.json().contributions, stored).toEqual(shown);
    }
  });

  it('needs a write token to change sponsors; a read token may list them', async () => {
    const { slug } = await group('private');
    const read = await t.buildToken(owner.id, 'read');
    const write = await t.buildToken(owner.id, 'write');
    const byRead = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/sponsors`,
      token: read,
      body: contoso
    });
    expect(byRead.statusCode).toBe(403);
    expect(byRead.json().type).toBe('urn:guildhall:problem:read-only-token');
    const byWrite = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/sponsors`,
      token: write,
      body: contoso
    });
    expect(byWrite.statusCode).toBe(201);
    const listed = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/sponsors`,
      token: read
    });
    expect(listed.json().items).toHaveLength(1);
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/groups/${slug}/sponsors` })).statusCode
    ).toBe(404);
  });

  it('documents the sponsor endpoints in OpenAPI', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(doc.components.schemas.Sponsor.properties.contributions.items.enum).toEqual([
      'room',
      'food',
      'speakers',
      'money'
    ]);
    expect(Object.keys(doc.paths['/api/v1/groups/{slug}/sponsors'])).toEqual(
      expect.arrayContaining(['get', 'post'])
    );
    expect(Object.keys(doc.paths['/api/v1/groups/{slug}/sponsors/{id}'])).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete'])
    );
  });
});
