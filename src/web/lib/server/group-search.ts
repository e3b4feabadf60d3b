/** The search form's inputs, as in the page's query string. */
export interface GroupQuery {
  q: string;
  tags: string;
  kind: string;
  online: boolean;
  /** A city name ("München", "Munich"); the API finds its coordinates. */
  city: string;
  lat: string;
  lng: string;
  radiusKm: string;
  sort: string;
}

/** Reads the search form from `/groups?…`. */
export function readGroupQuery(params: URLSearchParams): GroupQuery {
  return {
    q: params.get('q') ?? '',
    tags: params.get('tags') ?? '',
    kind: params.get('kind') ?? '',
    online: params.get('online') === 'true',
    city: params.get('city') ?? '',
    lat: params.get('lat') ?? '',
    lng: params.get('lng') ?? '',
    radiusKm: params.get('radiusKm') ?? '',
    sort: params.get('sort') ?? ''
  };
}

/** The query string for the API (and for links to the next page): empty inputs left out. */
export function groupQueryString(query: GroupQuery, cursor?: string | null): string {
  const params = new URLSearchParams();
  const put = (name: string, value: string): void => {
    const trimmed = value.trim();
    if (trimmed !== '') params.set(name, trimmed);
  };
  put('q', query.q);
  put('tags', query.tags);
  put('kind', query.kind);
  if (query.online) params.set('online', 'true');
  put('city', query.city);
  put('lat', query.lat.replace(',', '.'));
  put('lng', query.lng.replace(',', '.'));
  // The radius only means something around a place: a city or coordinates.
  if ([query.city, query.lat, query.lng].some((part) => part.trim() !== '')) {
    put('radiusKm', query.radiusKm);
  }
  put('sort', query.sort);
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}
