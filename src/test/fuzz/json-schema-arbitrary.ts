// Fast-check arbitraries from the JSON Schemas (draft 2020-12) of an OpenAPI 3.1 document: values
// that should pass a schema, and values that break it in one place. Hand-written because the npm
// packages that do this (json-schema-fast-check 0.0.6, zod-fast-check 0.10) need fast-check 1–3
// and zod 3. It covers the keywords our document uses: $ref, type (also as a list), enum, const,
// anyOf/oneOf, properties/required/additionalProperties, items/minItems/maxItems,
// minLength/maxLength/pattern/format, minimum/maximum.
import fc from 'fast-check';

/** A JSON Schema node, as it appears in the OpenAPI document. */
export type JsonSchema = { [keyword: string]: unknown };

/** What the generators need beyond the schema: `$ref` resolution and ids of real rows. */
export interface SchemaContext {
  resolve(ref: string): JsonSchema;
  /** Real values for a property or parameter of this name (ids, slugs), or none. */
  realValues(name: string): readonly string[];
}

/** A value that breaks the schema, and where: a dotted field path (`''`: the value itself). */
export interface Broken {
  value: unknown;
  field: string;
}

/** Fields a caller must never be able to set on a row by adding them to a body. */
export const PRIVILEGED_FIELDS = [
  'role',
  'isAdmin',
  'admin',
  'capacity',
  'ownerId',
  'userId',
  'groupId',
  'status',
  'createdBy',
  'authorId'
] as const;
export type PrivilegedField = (typeof PRIVILEGED_FIELDS)[number];

const MAX_DEPTH = 6;
const TIME_ZONES = ['Europe/Berlin', 'UTC', 'America/New_York', 'Asia/Kolkata'];

/** Resolves `$ref` chains. */
function deref(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) s = ctx.resolve(s.$ref);
  return s;
}

function types(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

function num(schema: JsonSchema, keyword: string): number | undefined {
  const v = schema[keyword];
  return typeof v === 'number' ? v : undefined;
}

/** ISO instants a few days around now, as the API's `startsAt`-style fields take them. */
const instant = fc
  .integer({ min: -30 * 24 * 60, max: 90 * 24 * 60 })
  .map((minutes) => new Date(Date.now() + minutes * 60_000).toISOString());

/** Formats and patterns we know how to satisfy, by what the pattern looks like. */
function stringFor(schema: JsonSchema, name: string, ctx: SchemaContext): fc.Arbitrary<string> {
  const min = num(schema, 'minLength') ?? 0;
  const max = num(schema, 'maxLength') ?? Math.max(min, 60);
  const fit = (arb: fc.Arbitrary<string>) =>
    arb.filter((s) => Array.from(s).length >= min && Array.from(s).length <= max);
  const real = ctx.realValues(name);
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : undefined;
  let arb: fc.Arbitrary<string>;
  if (schema.format === 'date-time' || pattern?.includes('T')) arb = instant;
  else if (pattern === '^\\d{4}-\\d{2}-\\d{2}$') arb = instant.map((s) => s.slice(0, 10));
  else if (pattern) arb = fit(fc.stringMatching(new RegExp(pattern)));
  else if (schema.format === 'email' || /email/i.test(name)) {
    arb = fc.stringMatching(/^[a-z]{1,12}@example\.(com|org)$/);
  } else if (schema.format === 'uri' || /url$/i.test(name)) {
    arb = fc.constantFrom('https://example.com/', 'https://example.org/a?b=1', 'http://x.test/p');
  } else if (name === 'timeZone') arb = fc.constantFrom(...TIME_ZONES);
  else {
    arb = fc.string({ minLength: min, maxLength: Math.min(max, min + 30), unit: 'grapheme' });
  }
  return real.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, arb) : arb;
}

/**
 * Values that should satisfy `schema`. `name` is the property or parameter name, used to pick
 * real ids (`eventId`, `topicId`, …) and known shapes (time zones, e-mails).
 *
 * @example
 * fc.sample(validValue({ type: 'integer', minimum: 1, maximum: 5 }, 'rating', ctx), 3); // [1, 5, 3]
 */
export function validValue(
  schema: JsonSchema,
  name: string,
  ctx: SchemaContext,
  depth = 0
): fc.Arbitrary<unknown> {
  const s = deref(schema, ctx);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const branches = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (branches) return fc.oneof(...branches.map((b) => validValue(b, name, ctx, depth + 1)));
  const ts = types(s);
  if (ts.length > 1) return fc.oneof(...ts.map((t) => validValue({ ...s, type: t }, name, ctx)));
  switch (ts[0] ?? 'any') {
    case 'string':
      return stringFor(s, name, ctx);
    case 'integer':
      return fc.integer({ min: num(s, 'minimum') ?? -1000, max: num(s, 'maximum') ?? 1000 });
    case 'number':
      return fc.double({
        min: num(s, 'minimum') ?? -1000,
        max: num(s, 'maximum') ?? 1000,
        noNaN: true,
        noDefaultInfinity: true
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = num(s, 'minItems') ?? 0;
      const max = Math.min(num(s, 'maxItems') ?? 4, min + 3);
      if (depth > MAX_DEPTH) return fc.constant([]);
      const itemName = name.endsWith('s') ? name.slice(0, -1) : name;
      const items = validValue((s.items as JsonSchema | undefined) ?? {}, itemName, ctx, depth + 1);
      return fc.array(items, { minLength: min, maxLength: max });
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = (s.required ?? []) as string[];
      if (depth > MAX_DEPTH) return fc.constant({});
      const model = Object.fromEntries(
        Object.entries(props).map(([k, v]) => [k, validValue(v, k, ctx, depth + 1)])
      );
      return fc.record(model, { requiredKeys: required.filter((k) => k in model) });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

const wrongTypes: fc.Arbitrary<unknown>[] = [
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constant(1.5),
  fc.string({ maxLength: 8 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant({ $gt: '' })
];

/** A value of another JSON type than any of `ts`. */
function wrongType(ts: string[]): fc.Arbitrary<unknown> {
  const ok = (v: unknown) => {
    const t = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    if (t === 'number') {
      return ts.includes('number') || (ts.includes('integer') && Number.isInteger(v));
    }
    return ts.includes(t === 'bigint' ? 'integer' : t);
  };
  return fc.oneof(...wrongTypes).filter((v) => !ok(v));
}

/** Ways one string can break its schema: too long, too short, off-pattern, not in the enum. */
function brokenString(s: JsonSchema): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [wrongType(['string'])];
  const max = num(s, 'maxLength');
  const min = num(s, 'minLength');
  if (max !== undefined) {
    out.push(
      fc.integer({ min: max + 1, max: max + 3000 }).map((n) => 'ä'.repeat(Math.min(n, 60_000)))
    );
  }
  if (min !== undefined && min > 0) out.push(fc.string({ maxLength: min - 1 }));
  if (s.pattern || s.format || Array.isArray(s.enum)) {
    out.push(
      fc.constantFrom('not valid', '../../etc/passwd', '<script>x</script>', ' ', '\u0000', '💥')
    );
  }
  return out;
}

function brokenNumber(s: JsonSchema, integer: boolean): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [
    wrongType([integer ? 'integer' : 'number']),
    fc.constant(1e308)
  ];
  const min = num(s, 'minimum');
  const max = num(s, 'maximum');
  if (min !== undefined) out.push(fc.integer({ min: min - 1000, max: min - 1 }));
  if (max !== undefined) out.push(fc.integer({ min: max + 1, max: max + 1_000_000 }));
  if (integer) out.push(fc.constantFrom(0.5, 2.25, -1.5));
  return out;
}

/**
 * Values that break `schema` in one place, with the field path they break (`at` is the path of
 * the value itself). Best effort: a caller that must know checks the value with a validator.
 *
 * @example
 * fc.sample(brokenValue({ type: 'string', maxLength: 3 }, 'title', ctx), 1); // [{ value: 'ääää', field: 'title' }]
 */
export function brokenValue(
  schema: JsonSchema,
  at: string,
  ctx: SchemaContext,
  depth = 0
): fc.Arbitrary<Broken> {
  const s = deref(schema, ctx);
  const here = (arbs: fc.Arbitrary<unknown>[]) =>
    fc.oneof(...arbs).map((value) => ({ value, field: at }));
  const ts = types(s);
  if (Array.isArray(s.enum) || 'const' in s) {
    return here([wrongType(ts), fc.constantFrom('nope', 'ADMIN', '', 'owner')]);
  }
  if (s.anyOf ?? s.oneOf) return here([fc.constant({ unexpected: true }), fc.constant([[]])]);
  if (ts.length !== 1) return here([wrongType(ts)]);
  switch (ts[0] ?? 'any') {
    case 'string':
      return here(brokenString(s));
    case 'integer':
    case 'number':
      return here(brokenNumber(s, ts[0] === 'integer'));
    case 'boolean':
      return here([wrongType(['boolean']), fc.constant('yes')]);
    case 'array': {
      const out: fc.Arbitrary<Broken>[] = [here([wrongType(['array'])])];
      const item = (s.items as JsonSchema | undefined) ?? {};
      const maxItems = num(s, 'maxItems');
      if (maxItems !== undefined) {
        out.push(
          fc
            .array(validValue(item, at, ctx, depth + 1), {
              minLength: maxItems + 1,
              maxLength: maxItems + 5
            })
            .map((value) => ({ value, field: at }))
        );
      }
      if (depth < MAX_DEPTH && Object.keys(deref(item, ctx)).length > 0) {
        out.push(
          brokenValue(item, `${at}.0`, ctx, depth + 1).map((b) => ({
            value: [b.value],
            field: at
          }))
        );
      }
      return fc.oneof(...out);
    }
    case 'object':
      return brokenObject(s, at, ctx, depth);
    default:
      return here([fc.constant(undefined)]);
  }
}

function brokenObject(
  s: JsonSchema,
  at: string,
  ctx: SchemaContext,
  depth: number
): fc.Arbitrary<Broken> {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = ((s.required ?? []) as string[]).filter((k) => k in props);
  const valid = validValue(s, at, ctx, depth) as fc.Arbitrary<Record<string, unknown>>;
  const join = (k: string) => (at ? `${at}.${k}` : k);
  const out: fc.Arbitrary<Broken>[] = [
    wrongType(['object']).map((value) => ({ value, field: at }))
  ];
  if (required.length > 0) {
    out.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => {
        const { [k]: _dropped, ...rest } = v;
        return { value: rest, field: join(k) };
      })
    );
  }
  const keys = Object.keys(props);
  if (keys.length > 0 && depth < MAX_DEPTH) {
    out.push(
      fc
        .constantFrom(...keys)
        .chain((k) =>
          fc
            .tuple(valid, brokenValue(props[k] ?? {}, join(k), ctx, depth + 1))
            .map(([v, b]) => ({ value: { ...v, [k]: b.value }, field: b.field }))
        )
    );
  }
  if (s.additionalProperties === false) {
    const unknown = PRIVILEGED_FIELDS.filter((k) => !(k in props));
    if (unknown.length > 0) {
      out.push(
        fc
          .tuple(valid, fc.constantFrom(...unknown, 'unexpected'))
          .map(([v, k]) => ({ value: { ...v, [k]: 'x' }, field: join(k) }))
      );
    }
  }
  return fc.oneof(...out);
}
