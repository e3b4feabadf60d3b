/** Mean Earth radius in km (IUGG). */
export const EARTH_RADIUS_KM = 6371.0088;

const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * Great-circle distance in km (haversine).
 *
 * @example
 * distanceKm({ lat: 48.137, lng: 11.575 }, { lat: 53.551, lng: 9.994 }); // ≈ 612 (Munich–Hamburg)
 */
export function distanceKm(
  a: { lat: number; lng: number },
  b: { lat: number; lng: number }
): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * A latitude/longitude box that contains every point within `radiusKm` of `center`, for an index
 * range scan before the exact distance check. Near the poles or across the antimeridian the
 * longitude range is the whole circle (`minLng` -180, `maxLng` 180).
 */
export function boundingBox(center: { lat: number; lng: number }, radiusKm: number) {
  const dLat = (radiusKm / EARTH_RADIUS_KM) * (180 / Math.PI);
  const minLat = Math.max(-90, center.lat - dLat);
  const maxLat = Math.min(90, center.lat + dLat);
  const cosLat = Math.cos(rad(Math.max(Math.abs(minLat), Math.abs(maxLat))));
  const dLng = cosLat > 1e-9 ? dLat / cosLat : 360;
  const minLng = center.lng - dLng;
  const maxLng = center.lng + dLng;
  if (dLng >= 180 || minLng < -180 || maxLng > 180)
    return { minLat, maxLat, minLng: -180, maxLng: 180 };
  return { minLat, maxLat, minLng, maxLng };
}

/**
 * Turns what a person typed into search terms: words of letters and digits, lower case, at most
 * eight, each used as a prefix. Operators and quotes are never passed through.
 *
 * @example
 * searchTerms('Kubernetes & "Azure"!'); // ['kubernetes', 'azure']
 */
export function searchTerms(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, 8);
}
