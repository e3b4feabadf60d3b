// API fuzzing from the OpenAPI document: for every operation, requests with generated valid and
// broken parameters and bodies, asked as every persona of a seeded fixture. Each answer must keep
// the document's promise (status listed, body matching its schema, problem+json for 4xx, no stack
// trace, never a 5xx); a broken input must get a 4xx naming the field; extra privileged fields
// must never be stored. `npm test` runs it at a quick size, `npm run soak` at a large one.
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { Dialect } from '../db/database.ts';
import { buildFuzzFixture, FUZZ_PERSONAS, type FuzzFixture } from './fuzz/fuzz-fixture.ts';
import {
  type Broken,
  brokenValue,
  type JsonSchema,
  PRIVILEGED_FIELDS,
  type PrivilegedField,
  type SchemaContext,
  validValue
} from './fuzz/json-schema-arbitrary.ts';
import {
  type OpenApiDocument,
  type Operation,
  operationsOf,
  segmentBefore
} from './fuzz/openapi-operations.ts';
import {
  privilegedSnapshot,
  type Sentinels,
  sentinelValue,
  storedExtras
} from './fuzz/mass-assignment.ts';
import { checkResponse, SchemaValidator } from './fuzz/response-check.ts';
import { createTestApp, type RequestOptions, type TestApp } from './test-app.ts';

export { EXCLUDED_OPERATIONS } from './fuzz/openapi-operations.ts';

export interface FuzzOptions {
  /** Generated requests per operation. */
  casesPerOperation: number;
  /** The fast-check seed; each operation runs with it mixed with its key. Random by default. */
  seed?: number;
  /** Only operations whose key (`POST /api/v1/...`) passes. */
  only?: (key: string) => boolean;
}

export interface FuzzResult {
  /** Requests sent. */
  cases: number;
  /** Operations asked. */
  operations: number;
  /** One message per failing operation: operation, request, answer, seed to reproduce. */
  failures: string[];
  /** How many answers had each status class (`2xx`, `4xx`, …), to see the requests got through. */
  statuses: Record<string, number>;
  seed: number;
}

type Where = 'path' | 'query' | 'body';

/** One generated request, before the fixture's credentials and sentinels are added. */
interface FuzzCase {
  persona: (typeof FUZZ_PERSONAS)[number];
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** The part broken on purpose, if any. */
  broken?: { where: Where } & Broken;
  /** Privileged fields added to the body. */
  extras: readonly PrivilegedField[];
}

/** All property names a body schema documents, across `anyOf`/`oneOf` branches. */
function documentedFields(schema: JsonSchema, ctx: SchemaContext): Set<string> {
  const s = typeof schema.$ref === 'string' ? ctx.resolve(schema.$ref) : schema;
  const names = new Set(Object.keys(s.properties ?? {}));
  for (const branch of ((s.anyOf ?? s.oneOf ?? []) as JsonSchema[]).map((b) =>
    documentedFields(b, ctx)
  )) {
    for (const n of branch) names.add(n);
  }
  return names;
}

function isObjectSchema(schema: JsonSchema, ctx: SchemaContext): boolean {
  const s = typeof schema.$ref === 'string' ? ctx.resolve(schema.$ref) : schema;
  return s.type === 'object' || Array.isArray(s.anyOf) || s.properties !== undefined;
}

/** The arbitrary of one operation's requests: valid, broken in one place, or with extra fields. */
function caseArbitrary(op: Operation, ctx: SchemaContext, pool: PoolOf): fc.Arbitrary<FuzzCase> {
  const persona = fc.constantFrom(...FUZZ_PERSONAS);
  const paramValue = (name: string, schema: JsonSchema) => {
    const real = pool(op.path, name);
    const valid = validValue(schema, name, ctx);
    return real.length > 0
      ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...real) }, valid)
      : valid;
  };
  const path = fc.record(
    Object.fromEntries(op.pathParams.map((p) => [p.name, paramValue(p.name, p.schema)]))
  );
  const query = fc.record(
    Object.fromEntries(op.query.map((p) => [p.name, validValue(p.schema, p.name, ctx)])),
    { requiredKeys: op.query.filter((p) => p.required).map((p) => p.name) }
  );
  const body = op.body ? validValue(op.body.schema, '', ctx) : fc.constant(undefined);
  const valid = fc.record({ persona, path, query, body, extras: fc.constant([]) });
  const variants: fc.Arbitrary<FuzzCase>[] = [valid];
  if (op.body) {
    variants.push(
      fc
        .tuple(valid, brokenValue(op.body.schema, '', ctx))
        .map(([c, b]) => ({ ...c, body: b.value, broken: { where: 'body' as const, ...b } }))
    );
  }
  const params: [Where, (typeof op.query)[number]][] = [
    ...op.pathParams.map((p) => ['path', p] as [Where, typeof p]),
    ...op.query.map((p) => ['query', p] as [Where, typeof p])
  ];
  if (params.length > 0) {
    variants.push(
      fc.constantFrom(...params).chain(([where, p]) =>
        fc.tuple(valid, brokenValue(p.schema, p.name, ctx)).map(([c, b]) => {
          const part = where === 'path' ? 'path' : 'query';
          return { ...c, [part]: { ...c[part], [p.name]: b.value }, broken: { where, ...b } };
        })
      )
    );
  }
  const writes = op.method !== 'GET';
  const bodyTakesObject = !op.body || isObjectSchema(op.body.schema, ctx);
  if (writes && bodyTakesObject && op.body?.mediaType !== 'application/x-www-form-urlencoded') {
    const documented = op.body ? documentedFields(op.body.schema, ctx) : new Set<string>();
    const free = PRIVILEGED_FIELDS.filter((f) => !documented.has(f));
    if (free.length > 0) {
      variants.push(
        fc
          .tuple(valid, fc.subarray(free, { minLength: 1 }))
          .map(([c, extras]) => ({ ...c, extras }))
      );
    }
  }
  return fc.oneof(...variants);
}

type PoolOf = (path: string, param: string) => readonly string[];

/** Path parameter values as the URL carries them. */
function wire(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The request of a case: URL with path and query, body as JSON (or a form), credentials. */
function requestOf(op: Operation, c: FuzzCase, f: FuzzFixture, s: Sentinels): RequestOptions {
  let url = op.path;
  for (const [name, value] of Object.entries(c.path)) {
    url = url.replace(`{${name}}`, encodeURIComponent(wire(value)));
  }
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(c.query)) {
    if (value !== undefined) query.set(name, wire(value));
  }
  if (query.size > 0) url += `?${query.toString()}`;
  let body = c.body;
  if (c.extras.length > 0) {
    const extra = Object.fromEntries(c.extras.map((k) => [k, sentinelValue(k, s)]));
    body = { ...(typeof body === 'object' && body !== null ? body : {}), ...extra };
  }
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (body !== undefined) {
    if (op.body?.mediaType === 'application/x-www-form-urlencoded') {
      headers['content-type'] = op.body.mediaType;
      const form = new URLSearchParams();
      if (typeof body === 'object' && body !== null) {
        for (const [k, v] of Object.entries(body)) form.set(k, wire(v));
      }
      payload = form.toString();
    } else {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
  }
  return {
    method: op.method,
    url,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
    ...f.credentials(c.persona)
  };
}

/** Query and path values arrive as strings; numbers are parsed, as the schemas coerce them. */
function asReceived(schema: JsonSchema, value: unknown): unknown {
  const text = wire(value);
  const type = schema.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) {
    return Number(text);
  }
  return text;
}

/** Whether the broken part of a case really breaks its schema (the generators are best effort). */
function reallyBroken(op: Operation, c: FuzzCase, validator: SchemaValidator): boolean {
  const b = c.broken;
  if (!b) return false;
  if (b.where === 'body')
    return op.body ? validator.errorOf(op.body.schema, b.value) !== null : false;
  const params = b.where === 'path' ? op.pathParams : op.query;
  const p = params.find((x) => x.name === b.field);
  if (!p) return false;
  if (b.where === 'path' && wire(b.value) === '') return false; // another route, or a 404
  return validator.errorOf(p.schema, asReceived(p.schema, b.value)) !== null;
}

/** What is wrong with the answer to a broken request: it must be a 4xx naming the field. */
function brokenInputProblems(c: FuzzCase, res: LightMyRequestResponse): string[] {
  const b = c.broken;
  if (!b) return [];
  if (res.statusCode < 400) return [`accepted input broken at ${b.where} "${b.field}"`];
  if (res.statusCode !== 400 || b.where === 'path' || b.field === '') return [];
  const problem = res.json<{ type?: string; errors?: { field: string }[] }>();
  if (problem.type !== 'urn:guildhall:problem:validation') return [];
  const fields = problem.errors?.map((e) => e.field) ?? [];
  const named = fields.some(
    (f) => f === b.field || f.startsWith(`${b.field}.`) || (f !== '' && b.field.startsWith(`${f}.`))
  );
  return named ? [] : [`a 400 naming ${JSON.stringify(fields)}, not "${b.field}"`];
}

/** An operation's own seed: the run's seed mixed with its key, so `only` reproduces it. */
function seedOf(seed: number, key: string): number {
  let h = seed | 0;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

function describeRequest(r: RequestOptions, persona: string): string {
  const body = typeof r.body === 'string' ? r.body : '';
  const shown = body.length > 600 ? `${body.slice(0, 600)}… (${body.length} chars)` : body;
  return `${r.method} ${r.url.length > 300 ? `${r.url.slice(0, 300)}…` : r.url} as ${persona}${shown ? `\n    body: ${shown}` : ''}`;
}

/**
 * Fuzzes every operation of the app's OpenAPI document (but `EXCLUDED_OPERATIONS`) on a seeded
 * fixture in `t`'s database. Stops an operation at its first failure (no shrinking: the server is
 * stateful) and goes on with the next.
 *
 * @example
 * const { cases, failures } = await fuzzOpenApi(t, { casesPerOperation: 10, seed: 42 });
 */
export async function fuzzOpenApi(t: TestApp, options: FuzzOptions): Promise<FuzzResult> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const doc = (
    await t.request({ method: 'GET', url: '/api/v1/openapi.json' })
  ).json<OpenApiDocument>();
  const validator = new SchemaValidator(doc);
  const fixture = await buildFuzzFixture(t);
  const sentinels = (callerId: string | null): Sentinels => ({
    victimId: fixture.victim.id,
    otherGroupId: fixture.otherGroup.id,
    callerId
  });
  const pool: PoolOf = (path, param) =>
    fixture.pools.get(param === 'userId' ? 'user' : segmentBefore(path, param)) ?? [];
  const ctx: SchemaContext = {
    resolve: (ref) => doc.components?.schemas?.[ref.split('/').pop() ?? ''] ?? {},
    realValues: (name) => {
      if (name === 'userId' || name === 'toUserId') return fixture.pools.get('user') ?? [];
      const m = /^(\w+?)Ids?$/.exec(name);
      return m?.[1] ? (fixture.pools.get(`${m[1]}s`) ?? []) : [];
    }
  };
  const operations = operationsOf(doc).filter((op) => options.only?.(op.key) ?? true);
  // Reads first, then writes, deletions last: what a write takes away, later reads still have.
  const order = { GET: 0, POST: 1, PUT: 1, PATCH: 1, DELETE: 2 };
  operations.sort((a, b) => order[a.method] - order[b.method]);
  let cases = 0;
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  for (const op of operations) {
    const opSeed = seedOf(seed, op.key);
    let failure: string | undefined;
    const property = fc.asyncProperty(caseArbitrary(op, ctx, pool), async (c) => {
      cases += 1;
      const s = sentinels(fixture.userOf(c.persona));
      const request = requestOf(op, c, fixture, s);
      const watch = c.extras.length > 0;
      const before = watch ? await privilegedSnapshot(t) : undefined;
      const res = await t.request(request);
      const statusClass = `${String(res.statusCode).slice(0, 1)}xx`;
      statuses[statusClass] = (statuses[statusClass] ?? 0) + 1;
      const problems = checkResponse(op, res, validator);
      if (reallyBroken(op, c, validator)) problems.push(...brokenInputProblems(c, res));
      if (before && res.statusCode < 300) {
        // A row of the victim or of the other group that the URL itself addresses is no evidence.
        const addressed = (value: unknown) =>
          (value === s.victimId && request.url.includes(s.victimId)) ||
          (value === s.otherGroupId && request.url.includes(`/${fixture.otherGroup.slug}`));
        const extras = c.extras.filter((e) => !addressed(sentinelValue(e, s)));
        const stored = storedExtras(before, await privilegedSnapshot(t), extras, s);
        if (stored.length > 0) problems.push(`extra fields stored: ${stored.join('; ')}`);
      }
      if (op.method !== 'GET' && res.statusCode < 300) await fixture.heal();
      if (problems.length > 0) {
        const answer = res.body.length > 800 ? `${res.body.slice(0, 800)}…` : res.body;
        failure =
          `${op.key}: ${problems.join('; ')}\n    ${describeRequest(request, c.persona)}` +
          `\n    answer: ${res.statusCode} ${answer}` +
          `\n    reproduce: fuzzOpenApi(t, { seed: ${seed}, only: (k) => k === '${op.key}' }) (operation seed ${opSeed})`;
        return false;
      }
      return true;
    });
    await fc.check(property, {
      seed: opSeed,
      numRuns: options.casesPerOperation,
      endOnFailure: true
    });
    if (failure) failures.push(failure);
  }
  return { cases, operations: operations.length, failures, statuses, seed };
}

/**
 * Fuzzes a fresh app over a fresh database of `dialect` and closes it: what `npm run soak` calls.
 *
 * @example
 * const { cases, failures } = await runOpenApiFuzz('sqlite', { casesPerOperation: 500 });
 */
export async function runOpenApiFuzz(dialect: Dialect, options: FuzzOptions): Promise<FuzzResult> {
  const t = await createTestApp(dialect);
  try {
    return await fuzzOpenApi(t, options);
  } finally {
    await t.close();
  }
}
