import { z } from 'zod';

/** One problem with one input field; `message` is an i18n key under `validation.` or plain text. */
export interface FieldError {
  field: string;
  message: string;
  /** Interpolation values for the message (e.g. `{ minimum: 8 }`). */
  params?: Record<string, unknown>;
}

/** The kinds of problem Guildhall answers with; each maps to `urn:guildhall:problem:<kind>`. */
export type ProblemKind =
  | 'validation'
  | 'bad-request'
  | 'invalid-json'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'unauthorized'
  | 'forbidden'
  | 'read-only-token'
  | 'session-required'
  | 'csrf'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'rate-limited'
  | 'invalid-credentials'
  | 'email-not-verified'
  | 'internal'
  | 'unavailable';

const STATUS: Record<ProblemKind, number> = {
  validation: 400,
  'bad-request': 400,
  'invalid-json': 400,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  unauthorized: 401,
  forbidden: 403,
  'read-only-token': 403,
  'session-required': 403,
  csrf: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'rate-limited': 429,
  'invalid-credentials': 401,
  'email-not-verified': 403,
  internal: 500,
  unavailable: 503
};

/**
 * An error that becomes an RFC 9457 problem+json response. Throw it from a route or service;
 * the error handler localizes the title, detail and field messages.
 *
 * @example
 * throw new Problem('validation', { errors: [{ field: 'handle', message: 'handleTaken' }] });
 */
export class Problem extends Error {
  readonly kind: ProblemKind;
  readonly status: number;
  readonly errors: FieldError[];
  readonly params: Record<string, unknown>;
  readonly headers: Record<string, string>;
  /** A more specific detail message: `problem.<kind>.<detail>` in the catalogs. */
  readonly detail: string | undefined;

  constructor(
    kind: ProblemKind,
    options: {
      errors?: FieldError[];
      params?: Record<string, unknown>;
      headers?: Record<string, string>;
      detail?: string;
    } = {}
  ) {
    super(kind);
    this.name = 'Problem';
    this.kind = kind;
    this.status = STATUS[kind];
    this.errors = options.errors ?? [];
    this.params = options.params ?? {};
    this.headers = options.headers ?? {};
    this.detail = options.detail;
  }
}

/** Shorthand for a 400 with one field error. */
export function fieldProblem(
  field: string,
  message: string,
  params?: Record<string, unknown>
): Problem {
  return new Problem('validation', { errors: [{ field, message, ...(params ? { params } : {}) }] });
}

/** The problem+json body, as documented in OpenAPI. */
export const problemSchema = z
  .object({
    type: z.string().meta({ example: 'urn:guildhall:problem:validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional()
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details with per-field errors' });

/** Problem responses for the OpenAPI document of a route. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema]));
}

export function problemType(kind: ProblemKind): string {
  return `urn:guildhall:problem:${kind}`;
}
