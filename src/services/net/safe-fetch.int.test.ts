import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  forbiddenUrls,
  startRedirector,
  startServer,
  type TestServer
} from './net-test-support.ts';
import { normalizeAllowEntry, safeFetch, safeFetchAsFetch, SafeFetchError } from './safe-fetch.ts';

async function failure(promise: Promise<unknown>): Promise<SafeFetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SafeFetchError) return error;
    throw error;
  }
  throw new Error('expected a SafeFetchError');
}

describe('safe fetch', () => {
  let tripwire: TestServer;
  let receiver: TestServer;
  let redirector: TestServer;

  beforeAll(async () => {
    tripwire = await startServer();
    receiver = await startServer((req, res) => {
      if (req.url === '/big') res.end('x'.repeat(5000));
      else if (req.url === '/500') res.writeHead(500).end('no');
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 2000);
      else res.end(`hello ${req.method}`);
    });
    redirector = await startRedirector(`http://127.0.0.1:${tripwire.port}/`);
  });
  afterAll(async () => {
    for (const s of [tripwire, receiver, redirector]) await s.close();
  });

  it('refuses loopback, private, link-local, CGNAT, unique-local, mapped and unspecified addresses', async () => {
    for (const url of forbiddenUrls(tripwire.port)) {
      const error = await failure(safeFetch(url, { allow: [receiver.hostPort] }));
      expect(error.kind, url).toBe('refused');
    }
    expect(tripwire.connections()).toBe(0);
  });

  it('refuses a redirect from an allowlisted server to a loopback listener that is not', async () => {
    const error = await failure(safeFetch(`${redirector.url}/`, { allow: [redirector.hostPort] }));
    expect(error.kind).toBe('refused');
    expect(redirector.received).toHaveLength(1);
    expect(tripwire.connections()).toBe(0);
  });

  it('lets through exactly the allowlisted host and port', async () => {
    const res = await safeFetch(`${receiver.url}/x`, { allow: [receiver.hostPort] });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello GET');
    // another port of the same host, or the same port under another name, stays refused
    expect(
      (await failure(safeFetch(`${tripwire.url}/`, { allow: [receiver.hostPort] }))).kind
    ).toBe('refused');
    expect(
      (
        await failure(
          safeFetch(`http://localhost:${receiver.port}/`, { allow: [receiver.hostPort] })
        )
      ).kind
    ).toBe('refused');
    expect(tripwire.connections()).toBe(0);
  });

  it('types its failures: too large, bad status, timeout, bad URL, too many redirects', async () => {
    const allow = [receiver.hostPort];
    expect((await failure(safeFetch(`${receiver.url}/big`, { allow, maxBytes: 100 }))).kind).toBe(
      'too_large'
    );
    const cut = await safeFetch(`${receiver.url}/big`, { allow, maxBytes: 100, truncate: true });
    expect([cut.body.length, cut.truncated]).toEqual([100, true]);
    const bad = await failure(safeFetch(`${receiver.url}/500`, { allow }));
    expect([bad.kind, bad.status]).toEqual(['bad_status', 500]);
    expect((await failure(safeFetch(`${receiver.url}/slow`, { allow, timeoutMs: 200 }))).kind).toBe(
      'timeout'
    );
    for (const url of ['ftp://example.com/', 'http://user:pw@example.com/', 'nonsense']) {
      expect((await failure(safeFetch(url))).kind, url).toBe('invalid_url');
    }
    const loop = await startRedirector('/again');
    try {
      const error = await failure(safeFetch(`${loop.url}/`, { allow: [loop.hostPort] }));
      expect(error.kind).toBe('too_many_redirects');
      expect(loop.received).toHaveLength(6);
    } finally {
      await loop.close();
    }
    const noFollow = await failure(
      safeFetch(`${redirector.url}/`, { allow: [redirector.hostPort], maxRedirects: 0 })
    );
    expect([noFollow.kind, noFollow.status]).toEqual(['bad_status', 302]);
    expect(tripwire.connections()).toBe(0);
  });

  it('offers the fetch shape for code written against fetch', async () => {
    const safe = safeFetchAsFetch([receiver.hostPort]);
    const ok = await safe(`${receiver.url}/x`, { method: 'POST', body: '{}' });
    expect([ok.status, await ok.text()]).toEqual([200, 'hello POST']);
    expect((await safe(`${receiver.url}/500`, { method: 'POST' })).status).toBe(500);
    await expect(safe(`${tripwire.url}/`, { method: 'POST' })).rejects.toMatchObject({
      kind: 'refused'
    });
    expect(tripwire.connections()).toBe(0);
  });

  it('normalizes allowlist entries like URLs', () => {
    expect(normalizeAllowEntry('127.1:80')).toBe('127.0.0.1:80');
    expect(normalizeAllowEntry('Hooks.Example:8443')).toBe('hooks.example:8443');
    expect(normalizeAllowEntry('[::1]:9000')).toBe('[::1]:9000');
    expect(normalizeAllowEntry('example.com')).toBeNull();
    expect(normalizeAllowEntry('x:0')).toBeNull();
  });
});
