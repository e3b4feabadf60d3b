import { describe, expect, it } from 'vitest';
import { findPlaces, resolvePlace } from './place.service.ts';

// Reads the GeoNames file of the cities15000 package (no database, no network).
describe('place lookup', () => {
  const first = async (query: string, country?: string) =>
    (await findPlaces(query, { country, limit: 5 }))[0];

  it('finds a city by its names in any common spelling', async () => {
    for (const name of ['Munich', 'München', 'Muenchen', 'Munchen', 'münchen', 'MUNICH']) {
      expect(await first(name), name).toMatchObject({
        id: '2867714',
        name: 'Munich',
        country: 'DE',
        timeZone: 'Europe/Berlin'
      });
    }
    for (const name of ['Köln', 'Koeln', 'Cologne']) {
      expect((await first(name))?.name, name).toBe('Köln');
    }
    for (const name of ['Wien', 'Vienna']) {
      expect(await first(name), name).toMatchObject({ name: 'Vienna', country: 'AT' });
    }
    expect((await first('Garmisch Partenkirchen'))?.name).toBe('Garmisch-Partenkirchen');
  });

  it('puts exact names first, then prefixes, each by population, every city once', async () => {
    const frankfurt = await findPlaces('Frankfurt', { limit: 10 });
    expect(frankfurt.map((p) => p.name).slice(0, 2)).toEqual([
      'Frankfurt am Main',
      'Frankfurt (Oder)'
    ]);
    expect(new Set(frankfurt.map((p) => p.id)).size).toBe(frankfurt.length);
    const ber = await findPlaces('Ber', { country: 'DE', limit: 10 });
    expect(ber[0]?.name).toBe('Berlin');
    expect(ber.every((p) => p.country === 'DE')).toBe(true);
    const populations = ber.map((p) => p.population);
    expect(populations).toEqual([...populations].sort((a, b) => b - a));
    // "Haar" near Munich is a place of its own: the exact match beats the larger "Haarlem".
    expect((await findPlaces('Haar', { limit: 2 })).map((p) => p.name)).toEqual([
      'Haar',
      'Haarlem'
    ]);
    expect(await findPlaces('Munich', { limit: 0 })).toEqual([]);
    expect(await findPlaces('  ', { limit: 5 })).toEqual([]);
  });

  it('filters by country', async () => {
    expect(await first('Vienna', 'US')).toMatchObject({ name: 'Vienna', country: 'US' });
    expect(await findPlaces('München', { country: 'AT', limit: 5 })).toEqual([]);
  });

  it('resolves a name to the most populous place of exactly that name, or null', async () => {
    expect((await resolvePlace('Frankfurt'))?.name).toBe('Frankfurt am Main');
    expect((await resolvePlace('Frankfurt', 'DE'))?.name).toBe('Frankfurt am Main');
    expect((await resolvePlace('Muenchen', 'DE'))?.name).toBe('Munich');
    expect((await resolvePlace('Portland'))?.population).toBeGreaterThan(500_000);
    expect(await resolvePlace('Munich', 'FR')).toBeNull();
    expect(await resolvePlace('Ber')).toBeNull(); // a prefix is not a place
    expect(await resolvePlace('Atlantis-on-Sea')).toBeNull();
  });
});
