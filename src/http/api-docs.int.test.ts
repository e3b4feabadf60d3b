import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/test-app.ts';
import { testDialects } from '../test/test-database.ts';

for (const dialect of testDialects()) {
  describe(`API reference at /api/docs (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(async () => {
      await t.close();
    });

    it('serves the page, its script and the redirect, loading the bundle once for concurrent first requests', async () => {
      const [page, script] = await Promise.all([
        t.request({ method: 'GET', url: '/api/docs/' }),
        t.request({ method: 'GET', url: '/api/docs/js/scalar.js' })
      ]);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('js/scalar.js');
      expect(page.body).toContain('/api/v1/openapi.json');
      expect(page.body).toContain('Guildhall API');
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toBe('application/javascript; charset=utf-8');
      expect(script.body.length).toBeGreaterThan(1_000_000);

      const redirect = await t.request({ method: 'GET', url: '/api/docs?x=1' });
      expect(redirect.statusCode).toBe(301);
      expect(redirect.headers.location).toBe('/api/docs/');
    });

    it('documents a 400 on every operation that validates its input, as it answers one', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/events//questions' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ errors: [{ field: 'id' }] });
      const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
        paths: Record<
          string,
          Record<
            string,
            { parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }
          >
        >;
      }>();
      expect(
        Object.keys(doc.paths['/api/v1/events/{id}/questions']?.get?.responses ?? {})
      ).toContain('400');
      const without = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => (op.parameters?.length || op.requestBody) && !('400' in op.responses))
          .map(([method]) => `${method} ${path}`)
      );
      expect(without).toEqual([]);
    });

    it('answers other paths under /api/docs with a not-found problem', async () => {
      const res = await t.request({ method: 'GET', url: '/api/docs/openapi.yaml' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });
}
