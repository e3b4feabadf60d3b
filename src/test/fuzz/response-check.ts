// Checks an answer against what the OpenAPI document promises for its operation.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { JsonSchema } from './json-schema-arbitrary.ts';
import type { OpenApiDocument, Operation } from './openapi-operations.ts';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

/** The parts of an injected response the checks read. */
export interface CheckedResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

const DOC_ID = 'urn:guildhall:openapi';
const STACK_TRACE = /\bat .+\.[cm]?[jt]s:\d+|node_modules|\n\s+at [\w.<>]+ \(/;

/** Makes `#/components/...` references point into the registered document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${DOC_ID}${v}` : rebase(v)
    ])
  );
}

/** Validates request parts and responses against the schemas of one OpenAPI document. */
export class SchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<JsonSchema, ValidateFunction>();

  constructor(doc: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOC_ID, components: doc.components ?? {} });
  }

  /** The first error of `value` against `schema`, or null when it passes. */
  errorOf(schema: JsonSchema, value: unknown): string | null {
    let validate = this.cache.get(schema);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema) as JsonSchema);
      this.cache.set(schema, validate);
    }
    if (validate(value)) return null;
    const e = validate.errors?.[0];
    return e ? `${e.instancePath || '(root)'} ${e.message ?? e.keyword}` : 'invalid';
  }
}

/**
 * Everything wrong with `res` as an answer to `op`: a 5xx, a status the document does not list, a
 * body that does not match the documented schema, a 4xx that is not problem+json, a stack trace.
 *
 * @example
 * const problems = checkResponse(op, res, validator); // [] when the answer keeps the contract
 */
export function checkResponse(
  op: Operation,
  res: CheckedResponse,
  validator: SchemaValidator
): string[] {
  const problems: string[] = [];
  const status = res.statusCode;
  const type = String(res.headers['content-type'] ?? '');
  if (status >= 500) problems.push(`server error ${status}`);
  if (STACK_TRACE.test(res.body)) problems.push('stack trace or source path in the body');
  if (status >= 400 && !type.startsWith('application/problem+json')) {
    problems.push(`a ${status} that is not application/problem+json (${type || 'no type'})`);
  }
  if (!op.responses.has(status)) {
    problems.push(
      `undocumented status ${status} (documented: ${[...op.responses.keys()].join(', ')})`
    );
    return problems;
  }
  const schema = op.responses.get(status);
  if (status === 204 || !schema) {
    if (status === 204 && res.body !== '') problems.push('a 204 with a body');
    return problems;
  }
  let body: unknown = res.body;
  if (/json/.test(type)) {
    try {
      body = JSON.parse(res.body) as unknown;
    } catch {
      problems.push('a JSON content type with a body that is not JSON');
      return problems;
    }
  }
  const error = validator.errorOf(schema, body);
  if (error) problems.push(`body does not match the documented ${status} schema: ${error}`);
  return problems;
}
