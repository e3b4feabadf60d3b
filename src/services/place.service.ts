import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setImmediate } from 'node:timers/promises';
import { isLatinPlaceName, normalizePlaceName } from '../domain/places.ts';

/** A city from GeoNames (cities with at least 15,000 inhabitants; data CC BY, geonames.org). */
export interface Place {
  /** The GeoNames id. */
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  latitude: number;
  longitude: number;
  /** IANA time zone. */
  timeZone: string;
  population: number;
}

/**
 * Every name of every place, normalized, in buckets by their first two characters: a query scans
 * only the bucket its own first two characters name. Building needs no sort, so the index is ready
 * sooner, and it is built in slices that let the event loop serve requests in between.
 */
export interface PlaceIndex {
  places: Place[];
  /** Normalized names (main, ASCII and Latin-script alternate names) and the places they name. */
  buckets: Map<string, NameBucket>;
}

interface NameBucket {
  keys: string[];
  /** `refs[i]` is the position in `places` of the place named `keys[i]`. */
  refs: number[];
}

export interface PlaceQuery {
  /** Only places in this country (ISO 3166-1 alpha-2). */
  country?: string | undefined;
  limit: number;
}

export const PLACES_FILE = createRequire(import.meta.url).resolve('cities15000/cities15000.txt');

// Columns of the GeoNames dump (see the cities15000 package's index.js).
const ID = 0;
const NAME = 1;
const ASCII_NAME = 2;
const ALTERNATE_NAMES = 3;
const LATITUDE = 4;
const LONGITUDE = 5;
const COUNTRY = 8;
const POPULATION = 14;
const TIME_ZONE = 17;

/**
 * A copy of `text` that does not share memory with the string it was cut from, so the whole data
 * file is not kept alive by the few names taken from it.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

const LINES_PER_SLICE = 1000;

/**
 * Builds the index from the text of a GeoNames dump (tab-separated, one place a line). Keeps only
 * names, coordinates, country, time zone and population. Every thousand lines it waits for the
 * event loop, so building never blocks requests for long.
 *
 * @example
 * const index = await buildPlaceIndex(await readFile(PLACES_FILE, 'utf8'));
 * searchPlaceIndex(index, 'Muenchen', { limit: 1 })[0]?.name; // 'Munich'
 */
export async function buildPlaceIndex(text: string): Promise<PlaceIndex> {
  const index: PlaceIndex = { places: [], buckets: new Map() };
  const zones = new Map<string, string>();
  const lines = text.split('\n');
  for (let start = 0; start < lines.length; start += LINES_PER_SLICE) {
    if (start > 0) await setImmediate();
    for (const line of lines.slice(start, start + LINES_PER_SLICE)) {
      const f = line.split('\t');
      if (f.length <= TIME_ZONE) continue;
      const latitude = Number(f[LATITUDE]);
      const longitude = Number(f[LONGITUDE]);
      const name = f[NAME] ?? '';
      if (!name || !Number.isFinite(latitude) || !Number.isFinite(longitude)) continue;
      const zone = f[TIME_ZONE] ?? '';
      let timeZone = zones.get(zone);
      if (timeZone === undefined) {
        timeZone = detached(zone);
        zones.set(zone, timeZone);
      }
      const ref = index.places.length;
      index.places.push({
        id: detached(f[ID] ?? ''),
        name: detached(name),
        country: detached(f[COUNTRY] ?? ''),
        latitude,
        longitude,
        timeZone,
        population: Number(f[POPULATION]) || 0
      });
      const keys = new Set([normalizePlaceName(name), normalizePlaceName(f[ASCII_NAME] ?? '')]);
      for (const alternate of (f[ALTERNATE_NAMES] ?? '').split(',')) {
        if (isLatinPlaceName(alternate)) keys.add(normalizePlaceName(alternate));
      }
      for (const key of keys) {
        if (!key) continue;
        const bucketKey = key.slice(0, 2);
        let bucket = index.buckets.get(bucketKey);
        if (!bucket) {
          bucket = { keys: [], refs: [] };
          index.buckets.set(bucketKey, bucket);
        }
        bucket.keys.push(key);
        bucket.refs.push(ref);
      }
    }
  }
  return index;
}

/** Larger places first; equal populations by id, so results are stable. */
function placeOrder(a: Place, b: Place): number {
  return b.population - a.population || Number(a.id) - Number(b.id);
}

/**
 * Places whose name (or a Latin-script alternate name) equals the normalized query, then those
 * whose name starts with it; each group by population, largest first, every place once. With
 * `exactOnly`, only the former.
 */
export function searchPlaceIndex(
  index: PlaceIndex,
  query: string,
  options: PlaceQuery & { exactOnly?: boolean }
): Place[] {
  const key = normalizePlaceName(query);
  if (!key || options.limit < 1) return [];
  const buckets =
    key.length >= 2
      ? [index.buckets.get(key.slice(0, 2))]
      : [...index.buckets].filter(([k]) => k.startsWith(key)).map(([, bucket]) => bucket);
  const exact = new Set<Place>();
  const prefix = new Set<Place>();
  for (const bucket of buckets) {
    if (!bucket) continue;
    for (const [i, name] of bucket.keys.entries()) {
      if (name !== key && (options.exactOnly || !name.startsWith(key))) continue;
      const place = index.places[bucket.refs[i] ?? -1];
      if (!place || (options.country && place.country !== options.country)) continue;
      (name === key ? exact : prefix).add(place);
    }
  }
  const exactOnes = [...exact].sort(placeOrder);
  const prefixOnes = [...prefix].filter((p) => !exact.has(p)).sort(placeOrder);
  return [...exactOnes, ...prefixOnes].slice(0, options.limit);
}

let loading: Promise<PlaceIndex> | undefined;

/** The index over the bundled GeoNames file, read on first use and kept for the process. */
export function placeIndex(): Promise<PlaceIndex> {
  loading ??= readFile(PLACES_FILE, 'utf8')
    .then(buildPlaceIndex)
    .catch((error: unknown) => {
      loading = undefined; // let the next call try again
      throw error;
    });
  return loading;
}

/**
 * Places for what a person typed: exact name matches first, then names starting with the query,
 * each by population (largest first). Case, diacritics, umlaut spellings, hyphens and spaces do
 * not matter.
 *
 * @example
 * (await findPlaces('Köln', { limit: 5 }))[0]?.name; // 'Köln' (also for 'Koeln' and 'Cologne')
 */
export async function findPlaces(query: string, options: PlaceQuery): Promise<Place[]> {
  return searchPlaceIndex(await placeIndex(), query, options);
}

/**
 * The place a name most likely means: the most populous place with exactly that name (or
 * alternate name), in `country` when given; null when no place has that name. Prefixes do not
 * count, so a small town missing from the data never resolves to a larger place that merely starts
 * the same way.
 *
 * @example
 * (await resolvePlace('Frankfurt', 'DE'))?.name; // 'Frankfurt am Main'
 */
export async function resolvePlace(name: string, country?: string | null): Promise<Place | null> {
  const [best] = searchPlaceIndex(await placeIndex(), name, {
    country: country ?? undefined,
    limit: 1,
    exactOnly: true
  });
  return best ?? null;
}
