import { beforeAll, expect, it } from 'vitest';
import type { Visibility } from '../../../domain/group-policy.ts';
import { createGroup } from '../../../services/group.service.ts';
import { findVenues } from '../../../services/venue.service.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const campus = {
  name: 'Contoso Campus',
  address: 'Walter-Gropius-Straße 5, 80807 München',
  room: 'Ground floor, room Isar',
  capacity: 80,
  accessibility: 'Step-free entrance on the north side.\nLift to every floor.',
  host: 'Contoso',
  latitude: 48.177,
  longitude: 11.592
};

describeWithApp('venues', (app) => {
  let t: TestApp;
  let owner: { id: string; cookie: string };
  let member: { id: string; cookie: string };
  let counter = 0;

  beforeAll(async () => {
    t = app();
    await t.buildUser({ name: 'Instance Admin' }); // the first account is the instance admin
    for (const [name, set] of [
      ['Olga Owner', (u: typeof owner) => (owner = u)],
      ['Mia Member', (u: typeof owner) => (member = u)]
    ] as const) {
      const u = await t.buildUser({ name });
      set({ id: u.id, cookie: await t.logIn(u.email) });
    }
  });

  /** A group owned by `owner`, with `member` as an active member. */
  async function group(visibility: Visibility = 'public'): Promise<string> {
    counter += 1;
    const created = await createGroup(t.testDb.db, owner.id, {
      slug: `venues-${counter}`,
      name: `Venues ${counter}`,
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
    return created.slug;
  }

  const post = (slug: string, body: unknown, headers?: Record<string, string>) =>
    t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/venues`,
      cookie: owner.cookie,
      body,
      ...(headers ? { headers } : {})
    });
  const patch = (slug: string, id: string, body: unknown) =>
    t.request({
      method: 'PATCH',
      url: `/api/v1/groups/${slug}/venues/${id}`,
      cookie: owner.cookie,
      body
    });
  const list = async (slug: string, cookie?: string, query = '') => {
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/venues${query}`,
      ...(cookie ? { cookie } : {})
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: { id: string; name: string; archived: boolean }[] }>().items;
  };

  it('creates, reads, lists, changes and archives a venue', async () => {
    const slug = await group();
    const created = await post(slug, campus);
    expect(created.statusCode, created.body).toBe(201);
    const venue = created.json();
    expect(venue).toEqual({
      id: expect.any(String),
      ...campus,
      archived: false,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updatedAt: venue.createdAt
    });

    const one = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/venues/${venue.id}`
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(venue);
    expect(await list(slug)).toEqual([venue]); // anyone may read a public group's venues

    // Only the required fields: the optional ones read as empty.
    const bare = await post(slug, { name: '  Altes Rathaus ', address: 'Marienplatz 15' });
    expect(bare.statusCode, bare.body).toBe(201);
    expect(bare.json()).toMatchObject({
      name: 'Altes Rathaus',
      room: null,
      capacity: null,
      accessibility: '',
      host: null,
      latitude: null,
      longitude: null
    });
    expect((await list(slug)).map((v) => v.name)).toEqual(['Altes Rathaus', 'Contoso Campus']);

    const changed = await patch(slug, venue.id, {
      name: 'Contoso Tower',
      room: null,
      capacity: 120,
      latitude: null,
      longitude: null
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toEqual({
      ...venue,
      name: 'Contoso Tower',
      room: null,
      capacity: 120,
      latitude: null,
      longitude: null,
      updatedAt: expect.any(String)
    });
    const blankRoom = await patch(slug, venue.id, { room: '  ', host: '' });
    expect(blankRoom.json()).toMatchObject({ room: null, host: null });
    const noNotes = await patch(slug, venue.id, { accessibility: null });
    expect(noNotes.json()).toMatchObject({ accessibility: '' });
    const unchanged = await patch(slug, venue.id, {});
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json()).toMatchObject({ name: 'Contoso Tower', capacity: 120 });

    const archived = await t.request({
      method: 'DELETE',
      url: `/api/v1/groups/${slug}/venues/${venue.id}`,
      cookie: owner.cookie
    });
    expect(archived.statusCode).toBe(204);
    expect(archived.body).toBe('');

    const audit = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/audit`,
      cookie: owner.cookie
    });
    expect(audit.json().items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['venue.created', 'venue.updated', 'venue.archived'])
    );
  });

  it('leaves archived venues out of the lists, but keeps them readable for meetings', async () => {
    const slug = await group();
    const kept = (await post(slug, { name: 'Kept', address: 'Main Street 1' })).json();
    const gone = (await post(slug, { name: 'Gone', address: 'Side Street 2' })).json();
    const del = () =>
      t.request({
        method: 'DELETE',
        url: `/api/v1/groups/${slug}/venues/${gone.id}`,
        cookie: owner.cookie
      });
    expect((await del()).statusCode).toBe(204);
    expect((await del()).statusCode).toBe(204); // archiving again is harmless

    expect((await list(slug)).map((v) => v.id)).toEqual([kept.id]);
    expect((await list(slug, member.cookie)).map((v) => v.id)).toEqual([kept.id]);
    expect((await list(slug, owner.cookie, '?includeArchived=false')).map((v) => v.id)).toEqual([
      kept.id
    ]);
    const all = await list(slug, owner.cookie, '?includeArchived=true');
    expect(all.map((v) => [v.name, v.archived])).toEqual([
      ['Gone', true],
      ['Kept', false]
    ]);

    // A meeting that used the venue still shows it: by id over HTTP, and through findVenues.
    const one = await t.request({ method: 'GET', url: `/api/v1/groups/${slug}/venues/${gone.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ name: 'Gone', archived: true });
    const found = await findVenues(t.testDb.db, [gone.id, null, kept.id, gone.id, 'nope']);
    expect(found.map((v) => [v.name, v.archived])).toEqual([
      ['Gone', true],
      ['Kept', false]
    ]);
    expect(found[0]?.createdAt).toBeInstanceOf(Date);
    expect(await findVenues(t.testDb.db, [])).toEqual([]);

    // An archived venue can still be corrected.
    const fixed = await patch(slug, gone.id, { address: 'Side Street 3' });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json()).toMatchObject({ address: 'Side Street 3', archived: true });

    // Members may not ask for the archive; a bad flag is a field error.
    const asMember = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/venues?includeArchived=true`,
      cookie: member.cookie
    });
    expect(asMember.statusCode).toBe(403);
    const anonymous = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/venues?includeArchived=true`
    });
    expect(anonymous.statusCode).toBe(401);
    const bad = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/venues?includeArchived=yes`,
      cookie: owner.cookie
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      { field: 'includeArchived', message: 'Must be one of: true, false.' }
    ]);
  });

  it('answers 404 for another group’s venue addressed through this group', async () => {
    const mine = await group();
    const theirs = await group();
    const foreign = (await post(theirs, { name: 'Theirs', address: 'Elsewhere 1' })).json();
    const admin = await t.logIn((await t.buildUser({ admin: true })).email);
    for (const cookie of [owner.cookie, admin]) {
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'Mine now' }],
        ['DELETE', undefined]
      ] as const) {
        const res = await t.request({
          method,
          url: `/api/v1/groups/${mine}/venues/${foreign.id}`,
          cookie,
          ...(body ? { body } : {})
        });
        expect(res.statusCode, `${method} ${res.body}`).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    for (const id of ['does-not-exist', '00000000-0000-0000-0000-000000000000']) {
      const res = await patch(mine, id, { name: 'X' });
      expect(res.statusCode).toBe(404);
    }
    // Nothing changed over there.
    expect(await list(theirs)).toEqual([expect.objectContaining({ name: 'Theirs' })]);
    expect(await list(mine)).toEqual([]);
  });

  it('stores coordinates too close to zero for a 4-byte float as 0 (was a 500 on PostgreSQL)', async () => {
    const slug = await group();
    const res = await post(slug, { ...campus, latitude: -6.4e-323, longitude: 1e-40 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ latitude: 0, longitude: 0 });
    const rounded = await post(slug, { ...campus, latitude: 48.1374321987, longitude: 11.5 });
    expect(rounded.json()).toMatchObject({ latitude: 48.137432, longitude: 11.5 });
  });

  it('refuses bad input per field and stores nothing', async () => {
    const slug = await group();
    const cases: [Record<string, unknown>, { field: string; message: string }[]][] = [
      [
        {},
        [
          { field: 'name', message: 'This field is required.' },
          { field: 'address', message: 'This field is required.' }
        ]
      ],
      [{ ...campus, name: '' }, [{ field: 'name', message: 'Must not be empty.' }]],
      [{ ...campus, name: '   ' }, [{ field: 'name', message: 'Must not be empty.' }]],
      [
        { ...campus, name: 'x'.repeat(121) },
        [{ field: 'name', message: 'Must be at most 120 characters.' }]
      ],
      [{ ...campus, address: '' }, [{ field: 'address', message: 'Must not be empty.' }]],
      [
        { ...campus, address: 'x'.repeat(301) },
        [{ field: 'address', message: 'Must be at most 300 characters.' }]
      ],
      [
        { ...campus, room: 'x'.repeat(121) },
        [{ field: 'room', message: 'Must be at most 120 characters.' }]
      ],
      [{ ...campus, capacity: 0 }, [{ field: 'capacity', message: 'Must be at least 1.' }]],
      [{ ...campus, capacity: -5 }, [{ field: 'capacity', message: 'Must be at least 1.' }]],
      [
        { ...campus, capacity: 100_001 },
        [{ field: 'capacity', message: 'Must be at most 100000.' }]
      ],
      [{ ...campus, capacity: 2.5 }, [{ field: 'capacity', message: 'Must be a whole number.' }]],
      [{ ...campus, capacity: '80' }, [{ field: 'capacity', message: 'Must be a number.' }]],
      [
        { ...campus, accessibility: 'x'.repeat(1001) },
        [{ field: 'accessibility', message: 'Must be at most 1000 characters.' }]
      ],
      [{ ...campus, accessibility: 42 }, [{ field: 'accessibility', message: 'Must be text.' }]],
      [
        { ...campus, host: 'x'.repeat(121) },
        [{ field: 'host', message: 'Must be at most 120 characters.' }]
      ],
      [
        { name: 'A', address: 'B', latitude: 48.1 },
        [{ field: 'longitude', message: 'Give both latitude and longitude, or neither.' }]
      ],
      [
        { name: 'A', address: 'B', longitude: 11.5 },
        [{ field: 'longitude', message: 'Give both latitude and longitude, or neither.' }]
      ],
      [
        { name: 'A', address: 'B', latitude: 48.1, longitude: null },
        [{ field: 'longitude', message: 'Give both latitude and longitude, or neither.' }]
      ],
      [{ ...campus, latitude: 91 }, [{ field: 'latitude', message: 'Must be at most 90.' }]],
      [{ ...campus, longitude: -181 }, [{ field: 'longitude', message: 'Must be at least -180.' }]],
      [
        { ...campus, website: 'https://x.example' },
        [{ field: 'website', message: 'This field is not allowed here.' }]
      ]
    ];
    for (const [body, errors] of cases) {
      const res = await post(slug, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors, JSON.stringify(body).slice(0, 80)).toEqual(errors);
    }
    expect(await list(slug, owner.cookie, '?includeArchived=true')).toEqual([]);

    const venue = (await post(slug, campus)).json();
    const patches: [Record<string, unknown>, { field: string; message: string }[]][] = [
      [{ name: '' }, [{ field: 'name', message: 'Must not be empty.' }]],
      [{ name: null }, [{ field: 'name', message: 'Must be text.' }]],
      [{ capacity: 0 }, [{ field: 'capacity', message: 'Must be at least 1.' }]],
      [
        { latitude: 1 },
        [{ field: 'longitude', message: 'Give both latitude and longitude, or neither.' }]
      ],
      [
        { latitude: null },
        [{ field: 'longitude', message: 'Give both latitude and longitude, or neither.' }]
      ],
      [{ archived: false }, [{ field: 'archived', message: 'This field is not allowed here.' }]]
    ];
    for (const [body, errors] of patches) {
      const res = await patch(slug, venue.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors, JSON.stringify(body)).toEqual(errors);
    }
    const after = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/venues/${venue.id}`
    });
    expect(after.json()).toEqual(venue);
  });

  it('answers in German, and never with a 500 for malformed requests', async () => {
    const slug = await group();
    const de = await post(
      slug,
      { name: '', address: 'A', capacity: 0, latitude: 1 },
      { 'accept-language': 'de' }
    );
    expect(de.statusCode).toBe(400);
    expect(de.json().title).toBe('Deine Eingaben enthalten Fehler');
    expect(de.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'Darf nicht leer sein.' },
        { field: 'capacity', message: 'Muss mindestens 1 sein.' }
      ])
    );

    for (const payload of ['not json', '[]', 'null', '42', '{"name":']) {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${slug}/venues`,
        cookie: owner.cookie,
        headers: { 'content-type': 'application/json' },
        body: payload
      });
      expect(res.statusCode, payload).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, payload).toBeLessThan(500);
    }
    const longId = await patch(slug, 'x'.repeat(101), { name: 'A' }); // no route takes such ids
    expect(longId.statusCode).toBe(404);
    const unknownGroup = await post('no-such-group', campus);
    expect(unknownGroup.statusCode).toBe(404);
  });

  it('needs a write token to change venues; a read token may list them', async () => {
    const slug = await group('private');
    const read = await t.buildToken(owner.id, 'read');
    const write = await t.buildToken(owner.id, 'write');
    const byRead = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/venues`,
      token: read,
      body: campus
    });
    expect(byRead.statusCode).toBe(403);
    expect(byRead.json().type).toBe('urn:guildhall:problem:read-only-token');
    const byWrite = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/venues`,
      token: write,
      body: campus
    });
    expect(byWrite.statusCode).toBe(201);
    const listed = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/venues`,
      token: read
    });
    expect(listed.json().items).toHaveLength(1);
    // A private group's venues are 404 to outsiders, like the group's other content.
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/groups/${slug}/venues` })).statusCode
    ).toBe(404);
  });

  it('documents the venue endpoints in OpenAPI', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(doc.components.schemas.Venue.properties).toHaveProperty('accessibility');
    expect(Object.keys(doc.paths['/api/v1/groups/{slug}/venues'])).toEqual(
      expect.arrayContaining(['get', 'post'])
    );
    expect(Object.keys(doc.paths['/api/v1/groups/{slug}/venues/{id}'])).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete'])
    );
  });
});
