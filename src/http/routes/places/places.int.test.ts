import { beforeAll, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { PLACES_LIMIT } from './places.routes.ts';

describeWithApp('places', (app) => {
  let t: TestApp;
  beforeAll(() => {
    t = app();
  });
  const places = (query: string, headers?: Record<string, string>, ip?: string) =>
    t.request({
      method: 'GET',
      url: `/api/v1/places?${query}`,
      ...(headers ? { headers } : {}),
      ...(ip ? { ip } : {})
    });

  it('finds places by any common spelling, for anyone', async () => {
    for (const q of ['Munich', 'M%C3%BCnchen', 'Muenchen']) {
      const res = await places(`q=${q}&limit=1`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        items: [
          {
            id: '2867714',
            name: 'Munich',
            country: 'DE',
            latitude: expect.closeTo(48.137, 2) as number,
            longitude: expect.closeTo(11.575, 2) as number,
            timeZone: 'Europe/Berlin',
            population: expect.any(Number) as number
          }
        ]
      });
    }
    const frankfurt = (await places('q=frankfurt&country=de')).json<{
      items: { name: string; country: string }[];
    }>();
    expect(frankfurt.items.map((p) => p.name).slice(0, 2)).toEqual([
      'Frankfurt am Main',
      'Frankfurt (Oder)'
    ]);
    expect(frankfurt.items.every((p) => p.country === 'DE')).toBe(true);
    const wien = (await places('q=Wien&limit=1')).json<{ items: { name: string }[] }>();
    expect(wien.items.map((p) => p.name)).toEqual(['Vienna']);
    expect((await places('q=Atlantis-on-Sea')).json()).toEqual({ items: [] });
  });

  it('refuses bad input per field, in the caller’s language', async () => {
    const missing = await places('');
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json().errors).toEqual([{ field: 'q', message: 'This field is required.' }]);
    const bad = await places(`q=M&country=XX&limit=51`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'q', message: 'Must be at least 2 characters.' },
        { field: 'country', message: 'Use a two-letter country code such as DE or US.' },
        { field: 'limit', message: 'Must be at most 50.' }
      ])
    );
    const long = await places(`q=${'a'.repeat(101)}`, { 'accept-language': 'de' });
    expect(long.json().errors).toEqual([
      { field: 'q', message: 'Darf höchstens 100 Zeichen lang sein.' }
    ]);
    const unknown = await places('q=Munich&lat=1');
    expect(unknown.json().errors).toEqual([
      { field: 'lat', message: 'This field is not allowed here.' }
    ]);
  });

  it('is rate limited per client', async () => {
    const first = await places('q=Berlin', undefined, '10.9.0.1');
    expect(first.headers['x-ratelimit-limit']).toBe(String(PLACES_LIMIT.max));
    const statuses: number[] = [];
    for (let i = 1; i <= PLACES_LIMIT.max; i++) {
      statuses.push((await places('q=Berlin', undefined, '10.9.0.1')).statusCode);
    }
    expect(statuses.at(-2)).toBe(200);
    expect(statuses.at(-1)).toBe(429);
    expect((await places('q=Berlin', undefined, '10.9.0.2')).statusCode).toBe(200);
  });

  it('is documented in OpenAPI', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const op = doc.paths['/api/v1/places'].get;
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['q', 'country', 'limit'])
    );
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '429']));
    expect(doc.components.schemas.Place.required).toEqual(
      expect.arrayContaining(['id', 'name', 'country', 'latitude', 'longitude', 'timeZone'])
    );
  });
});
