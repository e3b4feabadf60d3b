import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  brokenValue,
  type JsonSchema,
  type SchemaContext,
  validValue
} from './json-schema-arbitrary.ts';
import { storedExtras } from './mass-assignment.ts';
import { SchemaValidator } from './response-check.ts';

const components: Record<string, JsonSchema> = {
  Recurrence: {
    type: 'object',
    properties: {
      weekday: { type: 'string', enum: ['MO', 'TU'] },
      startDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }
    },
    required: ['weekday', 'startDate'],
    additionalProperties: false
  }
};
const body: JsonSchema = {
  type: 'object',
  properties: {
    slug: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$' },
    title: { type: 'string', minLength: 2, maxLength: 140 },
    capacity: { anyOf: [{ type: 'integer', minimum: 1, maximum: 100 }, { type: 'null' }] },
    startsAt: { type: 'string', format: 'date-time' },
    email: { type: 'string', format: 'email', maxLength: 254 },
    tags: { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 3 },
    recurrence: { $ref: '#/components/schemas/Recurrence' },
    venueId: { type: 'string', maxLength: 100 }
  },
  required: ['slug', 'title', 'recurrence'],
  additionalProperties: false
};
const ctx: SchemaContext = {
  resolve: (ref) => components[ref.split('/').pop() ?? ''] ?? {},
  realValues: (name) => (name === 'venueId' ? ['venue-1'] : [])
};
const validator = new SchemaValidator({
  openapi: '3.1.0',
  paths: {},
  components: { schemas: components }
});

describe('arbitraries from JSON Schema', () => {
  it('generates values the schema accepts, with real ids where it can', () => {
    const values = fc.sample(validValue(body, '', ctx), { numRuns: 300, seed: 1 });
    for (const v of values) expect(validator.errorOf(body, v), JSON.stringify(v)).toBeNull();
    expect(values.some((v) => (v as { venueId?: string }).venueId === 'venue-1')).toBe(true);
  });

  it('generates values broken in one place, naming the field, that the schema refuses', () => {
    const broken = fc.sample(brokenValue(body, '', ctx), { numRuns: 300, seed: 2 });
    const refused = broken.filter((b) => validator.errorOf(body, b.value) !== null);
    expect(refused.length / broken.length).toBeGreaterThan(0.9);
    const fields = new Set(broken.map((b) => b.field.split('.')[0]));
    for (const f of ['slug', 'title', 'capacity', 'recurrence', 'role', ''])
      expect(fields).toContain(f);
  });
});

describe('mass-assignment check', () => {
  const s = { victimId: 'victim', otherGroupId: 'g2', callerId: 'me' };
  const snap = (cells: Record<string, unknown>) => new Map(Object.entries(cells));

  it('finds a sentinel stored in a changed cell or a new row, and ignores unchanged ones', () => {
    const before = snap({ 'events/e1/capacity': 10, 'events/e1/status': 'published' });
    const after = snap({
      'events/e1/capacity': 4242,
      'events/e1/status': 'published',
      'posts/p9/author_id': 'victim'
    });
    expect(storedExtras(before, after, ['capacity', 'status', 'authorId'], s)).toEqual([
      'events/e1/capacity = 4242 (capacity)',
      'posts/p9/author_id = "victim" (authorId)'
    ]);
    expect(storedExtras(after, after, ['capacity', 'authorId'], s)).toEqual([]);
  });

  it('counts role owner only for the caller, and is_admin in both dialects', () => {
    const before = snap({ 'users/me/is_admin': 0, 'memberships/g:x/role': 'member' });
    const after = snap({
      'users/me/is_admin': 1,
      'memberships/g:x/role': 'owner',
      'memberships/g:x/.row': { user_id: 'x' }
    });
    expect(storedExtras(before, after, ['isAdmin', 'role'], s)).toEqual([
      'users/me/is_admin = 1 (isAdmin)'
    ]);
  });
});
