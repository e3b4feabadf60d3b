import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  etagMatches,
  freshNonce,
  PageCache,
  pageCacheKey,
  pageEncoding,
  type PageRequest,
  renderPage,
  templatePage
} from './page-cache.ts';

const NONCE = 'AbCdEfGhIjKlMnOpQrStUv==';
const CSP = `default-src 'self'; script-src 'self' 'nonce-${NONCE}'; style-src 'self'`;

function html(nonce: string, filler = ''): Buffer {
  return Buffer.from(
    `<!doctype html><html><head><script nonce="${nonce}">start()</script></head>` +
      `<body>${filler}<p>Meetup</p><script nonce="${nonce}">hydrate()</script></body></html>`
  );
}

function page(filler = '') {
  const stored = templatePage(200, { 'content-type': 'text/html' }, html(NONCE, filler), CSP);
  if (!stored) throw new Error('not storable');
  return stored;
}

function nonceOf(csp: string | undefined): string | undefined {
  return /'nonce-([^']+)'/.exec(csp ?? '')?.[1];
}

describe('templatePage and renderPage', () => {
  it('gives every answer a fresh nonce, the same in body and CSP header', () => {
    const stored = page();
    const first = renderPage(stored, freshNonce(), undefined);
    const second = renderPage(stored, freshNonce(), undefined);
    const firstNonce = nonceOf(first.csp);
    const secondNonce = nonceOf(second.csp);
    expect(firstNonce).toBeDefined();
    expect(firstNonce).not.toBe(secondNonce);
    expect(firstNonce).not.toBe(NONCE);
    for (const answer of [first, second]) {
      const body = answer.body.toString();
      const nonce = nonceOf(answer.csp) ?? 'none';
      expect(body).not.toContain(NONCE);
      expect(body.split(`nonce="${nonce}"`)).toHaveLength(3);
      expect(body).toBe(html(nonce).toString());
    }
  });

  it('refuses a page whose body uses a nonce the CSP header does not name', () => {
    expect(templatePage(200, {}, html(NONCE), "default-src 'self'")).toBeNull();
    expect(templatePage(200, {}, Buffer.from('<p>no scripts</p>'), undefined)).not.toBeNull();
  });

  it('has one ETag per template, whatever nonce the render carried', () => {
    const a = templatePage(
      200,
      {},
      html('n1n1n1n1n1n1n1n1n1n1'),
      CSP.replace(NONCE, 'n1n1n1n1n1n1n1n1n1n1')
    );
    const b = templatePage(
      200,
      {},
      html('n2n2n2n2n2n2n2n2n2n2'),
      CSP.replace(NONCE, 'n2n2n2n2n2n2n2n2n2n2')
    );
    const c = templatePage(
      200,
      {},
      html('n2n2n2n2n2n2n2n2n2n2', 'x'),
      CSP.replace(NONCE, 'n2n2n2n2n2n2n2n2n2n2')
    );
    expect(a?.etag).toMatch(/^W\/".+"$/);
    expect(a?.etag).toBe(b?.etag);
    expect(c?.etag).not.toBe(a?.etag);
  });

  it('stitches a valid gzip body that decompresses to the page with the fresh nonce', () => {
    const stored = page('<p>padding</p>'.repeat(500));
    for (const nonce of [freshNonce(), freshNonce()]) {
      const gz = renderPage(stored, nonce, 'gzip');
      expect(gz.encoding).toBe('gzip');
      const plain = renderPage(stored, nonce, undefined).body;
      expect(gz.body.length).toBeLessThan(plain.length / 5);
      expect(zlib.gunzipSync(gz.body).equals(plain)).toBe(true);
      expect(nonceOf(gz.csp)).toBe(nonce);
    }
  });

  it('compresses with brotli when only brotli is accepted, and not below 1 KiB', () => {
    const stored = page('<p>padding</p>'.repeat(500));
    const nonce = freshNonce();
    const br = renderPage(stored, nonce, 'br');
    expect(br.encoding).toBe('br');
    expect(
      zlib.brotliDecompressSync(br.body).equals(renderPage(stored, nonce, undefined).body)
    ).toBe(true);
    expect(renderPage(page(), nonce, 'gzip').encoding).toBeUndefined();
  });
});

describe('pageEncoding', () => {
  it('prefers gzip, honours q=0 and the wildcard', () => {
    expect(pageEncoding(undefined)).toBeUndefined();
    expect(pageEncoding('identity')).toBeUndefined();
    expect(pageEncoding('gzip, deflate, br')).toBe('gzip');
    expect(pageEncoding('br')).toBe('br');
    expect(pageEncoding('gzip;q=0, br;q=0.5')).toBe('br');
    expect(pageEncoding('*')).toBe('gzip');
    expect(pageEncoding('*, gzip;q=0, br;q=0')).toBeUndefined();
    expect(pageEncoding('x-gzip')).toBe('gzip');
  });
});

describe('etagMatches', () => {
  it('compares weakly, in lists, and with *', () => {
    expect(etagMatches('W/"a"', 'W/"a"')).toBe(true);
    expect(etagMatches('"a"', 'W/"a"')).toBe(true);
    expect(etagMatches('"b", W/"a"', 'W/"a"')).toBe(true);
    expect(etagMatches('*', 'W/"a"')).toBe(true);
    expect(etagMatches('W/"b"', 'W/"a"')).toBe(false);
    expect(etagMatches(undefined, 'W/"a"')).toBe(false);
  });
});

describe('pageCacheKey', () => {
  const base: PageRequest = {
    method: 'GET',
    url: '/groups/rust/events/1?tab=talks',
    protocol: 'https',
    host: 'example.org',
    headers: { 'accept-language': 'de-DE,de;q=0.9' },
    cookies: {}
  };
  const negotiate = (header: string | undefined) => (header?.startsWith('de') ? 'de' : 'en');
  const key = (changes: Partial<PageRequest>) => pageCacheKey({ ...base, ...changes }, negotiate);

  it('holds origin, path and query, the negotiated language and the time zone', () => {
    const plain = key({});
    expect(plain).toContain('https://example.org/groups/rust/events/1?tab=talks');
    expect(key({ url: '/groups/rust/events/1' })).not.toBe(plain);
    expect(key({ host: 'other.example' })).not.toBe(plain);
    expect(key({ protocol: 'http' })).not.toBe(plain);
    expect(key({ headers: { 'accept-language': 'en-US' } })).not.toBe(plain);
    // Two headers that negotiate to the same language share a copy.
    expect(key({ headers: { 'accept-language': 'de' } })).toBe(plain);
    // The language cookie wins over the header; an unknown value is ignored, as the hook does.
    expect(key({ cookies: { guildhall_lang: 'en' } })).toBe(
      key({ headers: { 'accept-language': 'en' } })
    );
    expect(key({ cookies: { guildhall_lang: 'fr' } })).toBe(plain);
    expect(key({ cookies: { guildhall_tz: 'Europe/Berlin' } })).not.toBe(plain);
  });

  it('is null for writes, credentials and any cookie that might identify someone', () => {
    expect(key({ method: 'POST' })).toBeNull();
    expect(key({ url: '/unsubscribe?token=abc' })).toBeNull();
    expect(key({ method: 'HEAD' })).not.toBeNull();
    expect(key({ headers: { authorization: 'Bearer gh_x' } })).toBeNull();
    expect(key({ cookies: { 'guildhall.session_token': 'abc' } })).toBeNull();
    expect(key({ cookies: { '__Host-guildhall.session_token': 'abc' } })).toBeNull();
    expect(key({ cookies: { 'guildhall.session_data': 'abc' } })).toBeNull();
    expect(key({ cookies: { tracking: '1', guildhall_lang: 'de' } })).toBeNull();
    expect(key({ cookies: { guildhall_tz: 'x'.repeat(65) } })).toBeNull();
  });
});

describe('PageCache', () => {
  function sized(bytes: number) {
    const stored = templatePage(200, {}, Buffer.alloc(bytes - 512, 'a'), undefined);
    if (!stored) throw new Error('not storable');
    return stored;
  }

  it('serves a copy fresh for its TTL, stale for as long again, then forgets it', () => {
    let now = 1000;
    const cache = new PageCache({ maxBytes: 1_000_000, ttlMs: 5000, now: () => now });
    const stored = sized(2000);
    expect(cache.set('k', stored, cache.generation)).toBe(true);
    now += 4999;
    expect(cache.get('k')).toEqual({ page: stored, fresh: true });
    now += 1;
    expect(cache.get('k')).toEqual({ page: stored, fresh: false });
    now += 4999;
    expect(cache.get('k')?.fresh).toBe(false);
    now += 1;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('evicts the least recently used copies to stay within its byte budget', () => {
    const cache = new PageCache({ maxBytes: 10_000, ttlMs: 60_000 });
    cache.set('a', sized(1000), 0);
    cache.set('b', sized(1000), 0);
    cache.set('c', sized(1000), 0);
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    for (let i = 0; i < 8; i += 1) cache.set(`x${i}`, sized(1000), 0);
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    // A page over an eighth of the budget is never stored.
    expect(cache.set('big', sized(1300), 0)).toBe(false);
  });

  it('does not store a render that began before a clear()', () => {
    const cache = new PageCache({ maxBytes: 100_000, ttlMs: 60_000 });
    cache.set('k', sized(1000), cache.generation);
    const before = cache.generation;
    cache.clear();
    expect(cache.get('k')).toBeUndefined();
    expect(cache.bytes).toBe(0);
    expect(cache.set('k', sized(1000), before)).toBe(false);
    expect(cache.set('k', sized(1000), cache.generation)).toBe(true);
  });

  it('lets concurrent misses share one render', async () => {
    const cache = new PageCache({ maxBytes: 100_000, ttlMs: 60_000 });
    let renders = 0;
    let finish: (value: null) => void = () => undefined;
    const leader = cache.lead('k', () => {
      renders += 1;
      return new Promise<null>((resolve) => {
        finish = resolve;
      });
    });
    const waiter = cache.pending('k');
    expect(waiter).toBe(leader);
    finish(null);
    expect(await waiter).toBeNull();
    expect(renders).toBe(1);
    expect(cache.pending('k')).toBeUndefined();
  });
});
