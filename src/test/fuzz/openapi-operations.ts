// The operations of the app's OpenAPI document, as the fuzzer asks them.
import type { JsonSchema } from './json-schema-arbitrary.ts';

/** The parts of an OpenAPI 3.1 document the fuzzer reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A parameter of an operation, in the path or the query string. */
export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/** One path × method of the document. */
export interface Operation {
  /** `POST /api/v1/groups/{slug}/topics`. */
  key: string;
  method: HttpMethod;
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  body?: { required: boolean; mediaType: string; schema: JsonSchema };
  /** The documented response schemas by status code (`undefined`: no body documented). */
  responses: Map<number, JsonSchema | undefined>;
}

/**
 * Operations the fuzzer leaves out, each with the reason. Server-Sent Event streams never end, so
 * an injected request to one would wait forever; their tests read them off a real socket.
 */
export const EXCLUDED_OPERATIONS: Record<string, string> = {
  'GET /api/v1/rounds/{id}/stream': 'Server-Sent Events: the response never ends',
  'GET /api/v1/events/{id}/room/stream': 'Server-Sent Events: the response never ends'
};

const METHODS = new Set<string>(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * Every operation of `doc` but the excluded ones, in document order.
 *
 * @example
 * const ops = operationsOf(doc);
 * ops.find((o) => o.key === 'GET /api/v1/me')?.responses.has(200); // true
 */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const method = m.toUpperCase();
      if (!METHODS.has(method)) continue;
      const key = `${method} ${path}`;
      if (key in EXCLUDED_OPERATIONS) continue;
      const params = (where: string) =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} }));
      const content = op.requestBody?.content ?? {};
      const mediaType =
        'application/json' in content ? 'application/json' : Object.keys(content)[0];
      const bodySchema = mediaType ? content[mediaType]?.schema : undefined;
      const responses = new Map<number, JsonSchema | undefined>();
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        responses.set(Number(status), r.content ? Object.values(r.content)[0]?.schema : undefined);
      }
      out.push({
        key,
        method: method as HttpMethod,
        path,
        pathParams: params('path'),
        query: params('query'),
        ...(mediaType && bodySchema
          ? {
              body: { required: op.requestBody?.required === true, mediaType, schema: bodySchema }
            }
          : {}),
        responses
      });
    }
  }
  return out;
}

/** The path segment before `{name}` in `path` (`events` for `{id}` in `/api/v1/events/{id}`). */
export function segmentBefore(path: string, name: string): string {
  const parts = path.split('/');
  const at = parts.findIndex((p) => p.includes(`{${name}}`));
  return at > 0 ? (parts[at - 1] ?? '') : '';
}
