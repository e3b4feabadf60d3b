import { beforeAll, expect, it } from 'vitest';
import { distanceKm } from '../../../domain/geo.ts';
import { createGroup, type GroupInput } from '../../../services/group.service.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const MUNICH = { lat: 48.137, lng: 11.575 };
const KM_PER_DEGREE = (2 * Math.PI * 6371.0088) / 360;

describeWithApp('group search', (app) => {
  let t: TestApp;
  let ownerId: string;
  let memberCookie: string;

  const make = async (slug: string, extra: Partial<GroupInput> = {}, members = 0) => {
    const g = await createGroup(t.testDb.db, ownerId, {
      slug,
      name: slug,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open',
      ...extra
    });
    await t.testDb.db.kysely
      .updateTable('groups')
      .set({ member_count: 1 + members })
      .where('id', '=', g.id)
      .execute();
    return g;
  };
  const search = async (query: string, cookie?: string) => {
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/groups?${query}`,
      ...(cookie ? { cookie } : {})
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      items: {
        slug: string;
        distanceKm: number | null;
        memberCount: number | null;
        tags: string[];
      }[];
      nextCursor: string | null;
    }>();
  };
  const slugs = (r: { items: { slug: string }[] }) => r.items.map((i) => i.slug);

  beforeAll(async () => {
    t = app();
    ownerId = (await t.buildUser({ name: 'Search Owner' })).id;
    const member = await t.buildUser({ name: 'Hidden Member' });
    memberCookie = await t.logIn(member.email);
    await make(
      'azure-munich',
      {
        name: 'Azure Meetup Munich',
        description: 'Cloud talks in München',
        tags: ['azure', 'devops'],
        latitude: MUNICH.lat,
        longitude: MUNICH.lng,
        city: 'München'
      },
      40
    );
    await make(
      'k8s-north-49',
      {
        name: 'Kubernetes North',
        description: 'Containers and clusters',
        tags: ['kubernetes'],
        latitude: MUNICH.lat + 49 / KM_PER_DEGREE,
        longitude: MUNICH.lng
      },
      10
    );
    await make(
      'k8s-north-51',
      {
        name: 'Kubernetes Far North',
        description: 'More clusters',
        tags: ['kubernetes', 'devops'],
        latitude: MUNICH.lat + 51 / KM_PER_DEGREE,
        longitude: MUNICH.lng
      },
      30
    );
    await make(
      'data-cop',
      {
        name: 'Data Engineering Guild',
        kind: 'practice',
        description: 'Pipelines, Spark and dbt',
        tags: ['data-engineering'],
        onlineOnly: true
      },
      20
    );
    await make('secret-cop', {
      name: 'Secret Azure Circle',
      description: 'Invitation only',
      tags: ['azure'],
      visibility: 'hidden',
      joinPolicy: 'invitation',
      latitude: MUNICH.lat,
      longitude: MUNICH.lng
    });
    await make(
      'private-azure',
      {
        name: 'Private Azure Club',
        description: 'Members talk about azure costs',
        tags: ['azure', 'finops'],
        visibility: 'private',
        joinPolicy: 'approval',
        latitude: MUNICH.lat,
        longitude: MUNICH.lng + 0.1
      },
      5
    );
    const hidden = await t.testDb.db.kysely
      .selectFrom('groups')
      .select('id')
      .where('slug', '=', 'secret-cop')
      .executeTakeFirstOrThrow();
    const at = new Date().toISOString();
    await t.testDb.db.kysely
      .insertInto('memberships')
      .values({
        group_id: hidden.id,
        user_id: member.id,
        role: 'member',
        status: 'active',
        created_at: at,
        updated_at: at
      })
      .execute();
  });

  it('checks the test geometry: 49 km and 51 km from Munich', () => {
    expect(
      distanceKm(MUNICH, { lat: MUNICH.lat + 49 / KM_PER_DEGREE, lng: MUNICH.lng })
    ).toBeCloseTo(49, 3);
    expect(
      distanceKm(MUNICH, { lat: MUNICH.lat + 51 / KM_PER_DEGREE, lng: MUNICH.lng })
    ).toBeCloseTo(51, 3);
  });

  it('finds by full text over name, description and tags, with prefixes and diacritics', async () => {
    expect(slugs(await search('q=kubernetes'))).toEqual(
      expect.arrayContaining(['k8s-north-49', 'k8s-north-51'])
    );
    expect(slugs(await search('q=kubernetes'))).toHaveLength(2);
    expect(slugs(await search('q=pipel'))).toEqual(['data-cop']);
    expect(slugs(await search('q=azure')).sort()).toEqual(['azure-munich', 'private-azure']);
    expect(slugs(await search('q=cloud%20m%C3%BCnchen'))).toEqual(['azure-munich']);
    expect(slugs(await search('q=%22%20OR%20*'))).toEqual([]); // operators are never passed through
  });

  it('filters by tags (all must match), kind and online', async () => {
    expect(slugs(await search('tags=devops&sort=name'))).toEqual(['azure-munich', 'k8s-north-51']);
    expect(slugs(await search('tags=kubernetes,devops'))).toEqual(['k8s-north-51']);
    expect(slugs(await search('tags=DevOps&kind=meetup&sort=name'))).toEqual([
      'azure-munich',
      'k8s-north-51'
    ]);
    expect(slugs(await search('kind=practice'))).toEqual(['data-cop']);
    expect(slugs(await search('online=true'))).toEqual(['data-cop']);
  });

  it('finds groups within a radius: 49 km is in a 50 km search, 51 km is not', async () => {
    const r = await search(`lat=${MUNICH.lat}&lng=${MUNICH.lng}&radiusKm=50`);
    expect(slugs(r)).toEqual(['azure-munich', 'private-azure', 'k8s-north-49']);
    expect(r.items[2]?.distanceKm).toBeCloseTo(49, 0);
    expect(
      slugs(await search(`lat=${MUNICH.lat}&lng=${MUNICH.lng}&radiusKm=52&sort=members`))
    ).toEqual(['azure-munich', 'k8s-north-51', 'k8s-north-49', 'private-azure']);
  });

  it('keeps hidden groups to their members and private details to insiders', async () => {
    expect(slugs(await search('q=secret'))).toEqual([]);
    expect(slugs(await search('q=secret', memberCookie))).toEqual(['secret-cop']);
    const priv = (await search('q=club')).items[0];
    expect(priv).toMatchObject({
      slug: 'private-azure',
      tags: [],
      memberCount: null,
      distanceKm: null
    });
  });

  it('sorts by members, name and relevance', async () => {
    expect(slugs(await search('sort=members'))).toEqual([
      'azure-munich',
      'k8s-north-51',
      'data-cop',
      'k8s-north-49',
      'private-azure'
    ]);
    expect(slugs(await search('sort=name'))).toEqual([
      'azure-munich',
      'data-cop',
      'k8s-north-51',
      'k8s-north-49',
      'private-azure'
    ]);
    // A word in the name weighs more than the same word in a description.
    await make('rust-in-description', {
      name: 'Systems Club',
      description: 'We sometimes talk about Rust'
    });
    await make('rust-in-name', { name: 'Rust Meetup', description: 'Systems programming' });
    expect(slugs(await search('q=rust&sort=relevance'))).toEqual([
      'rust-in-name',
      'rust-in-description'
    ]);
  });

  it('pages through every result exactly once, whatever the sort', async () => {
    for (let i = 0; i < 23; i++)
      await make(
        `bulk-${String(i).padStart(2, '0')}`,
        { tags: ['bulk'], latitude: 50 + (i % 5) * 0.01, longitude: 8 },
        i % 4
      );
    for (const sort of ['members', 'name', 'distance', 'relevance']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await search(
          `tags=bulk&q=bulk&lat=50&lng=8&radiusKm=100&sort=${sort}&limit=5${cursor ? `&cursor=${cursor}` : ''}`
        );
        seen.push(...slugs(page));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      expect(seen, sort).toHaveLength(23);
      expect(new Set(seen).size, sort).toBe(23);
      expect(pages, sort).toBe(5);
    }
    const bad = await t.request({ method: 'GET', url: '/api/v1/groups?cursor=not-a-cursor' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'cursor', message: 'This value is not valid.' }]);
  });

  it('refuses half a coordinate and out-of-range values per field', async () => {
    const res = await t.request({
      method: 'GET',
      url: '/api/v1/groups?lat=91&limit=500&sort=random'
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort()
    ).toEqual(['lat', 'limit', 'sort']);
    const half = await t.request({ method: 'GET', url: '/api/v1/groups?lat=48' });
    expect(half.statusCode).toBe(400);
    expect(half.json().errors[0].field).toBe('lng');
  });

  it('searches around a city by any common spelling, within 50 km unless told otherwise', async () => {
    await make('cloud-berlin', { name: 'Cloud Berlin', latitude: 52.52, longitude: 13.405 }, 3);
    for (const city of ['Munich', 'M%C3%BCnchen', 'muenchen']) {
      const res = await t.request({ method: 'GET', url: `/api/v1/groups?city=${city}` });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{
        items: { slug: string }[];
        place: { name: string; country: string; latitude: number; longitude: number };
      }>();
      expect(slugs(body), city).toEqual(['azure-munich', 'private-azure', 'k8s-north-49']);
      expect(body.place).toEqual({
        name: 'Munich',
        country: 'DE',
        latitude: expect.closeTo(MUNICH.lat, 2) as number,
        longitude: expect.closeTo(MUNICH.lng, 2) as number
      });
    }
    expect(slugs(await search('city=Munich&country=DE&radiusKm=52&sort=members'))).toEqual([
      'azure-munich',
      'k8s-north-51',
      'k8s-north-49',
      'private-azure'
    ]);
    expect(slugs(await search('city=Berlin&q=cloud'))).toEqual(['cloud-berlin']);
    expect((await search('q=cloud')).items.map((i) => i.slug)).toContain('cloud-berlin');
    expect((await t.request({ method: 'GET', url: '/api/v1/groups' })).json().place).toBeNull();
  });

  it('refuses an unknown city, a city with coordinates, and a country without a city', async () => {
    const unknown = await t.request({
      method: 'GET',
      url: '/api/v1/groups?city=Nowhere-upon-Nothing'
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.json().errors).toEqual([
      {
        field: 'city',
        message:
          'No place called “Nowhere-upon-Nothing” is known. Check the spelling, or give coordinates instead.'
      }
    ]);
    const german = await t.request({
      method: 'GET',
      url: '/api/v1/groups?city=M%C3%BCnchen&country=AT',
      headers: { 'accept-language': 'de' }
    });
    expect(german.statusCode).toBe(400);
    expect(german.json().errors).toEqual([
      {
        field: 'city',
        message:
          'Kein Ort namens „München“ ist bekannt. Prüfe die Schreibweise oder gib stattdessen Koordinaten an.'
      }
    ]);
    const both = await t.request({
      method: 'GET',
      url: `/api/v1/groups?city=Munich&lat=${MUNICH.lat}&lng=${MUNICH.lng}`
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().errors).toEqual([
      { field: 'city', message: 'Give a city or coordinates, not both.' }
    ]);
    const countryOnly = await t.request({ method: 'GET', url: '/api/v1/groups?country=DE' });
    expect(countryOnly.statusCode).toBe(400);
    expect(countryOnly.json().errors).toEqual([
      { field: 'city', message: 'This field is required.' }
    ]);
    const short = await t.request({ method: 'GET', url: '/api/v1/groups?city=M&country=XX' });
    expect(short.json().errors).toEqual([
      { field: 'city', message: 'Must be at least 2 characters.' },
      { field: 'country', message: 'Use a two-letter country code such as DE or US.' }
    ]);
  });

  it('lists my groups', async () => {
    const mine = (
      await t.request({ method: 'GET', url: '/api/v1/me/groups', cookie: memberCookie })
    ).json();
    expect(mine.items).toEqual([
      expect.objectContaining({ slug: 'secret-cop', role: 'member', status: 'active' })
    ]);
    expect((await t.request({ method: 'GET', url: '/api/v1/me/groups' })).statusCode).toBe(401);
  });
});
